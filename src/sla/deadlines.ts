import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';

export interface SlaDeadlines {
  first_response_due_at: string | null;
  resolution_due_at: string | null;
}

/** The first-response and resolution deadlines of a ticket of this priority opened at `openedAt`. */
export async function slaDeadlines(db: Knex, priority: string, openedAt: Date): Promise<SlaDeadlines> {
  const policy = await db('sla_policies')
    .where({ priority })
    .first<{ first_response_minutes: number; resolution_minutes: number } | undefined>('first_response_minutes', 'resolution_minutes');
  if (!policy) return { first_response_due_at: null, resolution_due_at: null };
  const at = (minutes: number) => toDbTime(new Date(openedAt.getTime() + minutes * 60_000));
  return { first_response_due_at: at(policy.first_response_minutes), resolution_due_at: at(policy.resolution_minutes) };
}
