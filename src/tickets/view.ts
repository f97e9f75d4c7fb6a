import { fromDbTime, toDbTime } from '../db/time.js';
import type { CaseRow } from '../cases/repository.js';

/** A ticket row as the list and single-read queries select it: the case plus its people's public ids. */
export interface TicketRow extends CaseRow {
  resolution_comment: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  sla_paused_at: string | null;
  sla_paused_ms: number | string;
  first_response_breached_at: string | null;
  resolution_breached_at: string | null;
  archived: number | boolean;
  customer_uuid: string | null;
  customer_email: string | null;
  assignee_uuid: string | null;
}

/** Past its deadline: breached on record, or late now, or answered after it. */
function breached(due: string | null, doneAt: string | null, recordedAt: string | null, now: Date): boolean {
  if (recordedAt) return true;
  if (!due) return false;
  return (doneAt ?? toDbTime(now)) > due;
}

export function ticketView(row: TicketRow, tags: readonly string[], now = new Date()) {
  return {
    id: row.uuid,
    number: row.number,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    category: row.category,
    tags,
    customer_id: row.customer_uuid,
    customer_email: row.customer_email,
    assignee_id: row.assignee_uuid,
    source: row.source,
    case_uid: row.case_uid,
    resolution_comment: row.resolution_comment,
    created_at: fromDbTime(row.created_at),
    updated_at: fromDbTime(row.updated_at),
    first_response_at: fromDbTime(row.first_response_at),
    resolved_at: fromDbTime(row.resolved_at),
    first_response_due_at: fromDbTime(row.first_response_due_at),
    resolution_due_at: fromDbTime(row.resolution_due_at),
    sla_breached: {
      first_response: breached(row.first_response_due_at, row.first_response_at, row.first_response_breached_at, now),
      // A resolved ticket's clock stopped when it was resolved; a waiting one's is paused.
      resolution: breached(row.resolution_due_at, row.resolved_at ?? row.sla_paused_at, row.resolution_breached_at, now),
    },
    archived: Boolean(row.archived),
  };
}

export type TicketView = ReturnType<typeof ticketView>;
