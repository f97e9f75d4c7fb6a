import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';

export interface SlaPolicy {
  priority: string;
  first_response_minutes: number;
  resolution_minutes: number;
}

export interface SlaDeadlines {
  first_response_due_at: string | null;
  resolution_due_at: string | null;
}

export async function loadSlaPolicies(db: Knex): Promise<Map<string, SlaPolicy>> {
  const rows: SlaPolicy[] = await db('sla_policies').select('priority', 'first_response_minutes', 'resolution_minutes');
  return new Map(rows.map((row) => [row.priority, row]));
}

/** The deadlines of a ticket opened at `openedAt` under `policy` (none without a policy). */
export function deadlinesFrom(policy: SlaPolicy | undefined, openedAt: Date): SlaDeadlines {
  if (!policy) return { first_response_due_at: null, resolution_due_at: null };
  const at = (minutes: number) => toDbTime(new Date(openedAt.getTime() + minutes * 60_000));
  return { first_response_due_at: at(policy.first_response_minutes), resolution_due_at: at(policy.resolution_minutes) };
}
