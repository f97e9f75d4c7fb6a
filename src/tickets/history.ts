import type { Knex } from 'knex';
import type { HistoryEntry } from '../cases/repository.js';
import { fromDbTime } from '../db/time.js';
import type { Actor } from './actor.js';
import { findVisibleTicket } from './queries.js';

/** A history entry for a change a person made (lists are kept as `a, b`). */
export function userHistory(caseId: number, actor: Actor, field: string, from: unknown, to: unknown, now: string, note: string | null = null): HistoryEntry {
  const text = (v: unknown) => (v === null || v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v));
  return { case_id: caseId, actor_id: actor.id, actor_type: 'user', field, from_value: text(from), to_value: text(to), note, created_at: now };
}

/** GET /tickets/{id}/history: every change, oldest first, with who made it. */
export async function ticketHistory(db: Knex, actor: Actor, ref: string) {
  const ticket = await findVisibleTicket(db, actor, ref);
  const rows: Array<{ id: number; actor_type: string; actor_uuid: string | null; field: string; from_value: string | null; to_value: string | null; note: string | null; created_at: string }> =
    await db('case_history')
      .leftJoin('users', 'users.id', 'case_history.actor_id')
      .where('case_history.case_id', ticket.id)
      .orderBy('case_history.id')
      .select('case_history.*', 'users.uuid as actor_uuid');
  return rows.map((row) => ({
    id: Number(row.id),
    actor_type: row.actor_type,
    actor_id: row.actor_uuid,
    // For an integration's change: its name.
    actor_name: row.actor_type === 'integration' ? row.note : null,
    field: row.field,
    from: row.from_value,
    to: row.to_value,
    created_at: fromDbTime(row.created_at),
  }));
}
