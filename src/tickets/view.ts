import { roundConfidence } from '../classification/confidence.js';
import { fromDbTime } from '../db/time.js';
import { tagsOfRow } from '../cases/tags.js';
import type { CaseRow } from '../cases/repository.js';
import type { SlaClocks } from '../sla/clocks.js';
import { slaView } from '../sla/view.js';
import { now as clockNow } from '../time/clock.js';

/** A ticket row as the list and single-read queries select it: the case plus its people's public ids. */
export interface TicketRow extends CaseRow, SlaClocks {
  resolution_comment: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  archived: number | boolean;
  customer_uuid: string | null;
  customer_email: string | null;
  assignee_uuid: string | null;
}

/**
 * The columns of `cases` a ticket's view reads (and a list's cursor and sort): a list selects
 * these alone, not the row's 44, which cost MariaDB and the row parser a tenth of a page's time.
 */
export const TICKET_VIEW_COLUMNS = [
  'id', 'uuid', 'number', 'subject', 'description', 'status', 'priority', 'category', 'category_source', 'priority_source',
  'classification_confidence', 'tag_list', 'source', 'case_uid', 'resolution_comment', 'created_at', 'updated_at', 'resolved_at',
  'first_response_at', 'first_response_due_at', 'resolution_due_at', 'first_response_breached_at', 'resolution_breached_at',
  'finished_at', 'sla_paused_at', 'archived',
] as const;

/** A ticket row with what its view reads. */
export type TicketViewRow = Pick<TicketRow, (typeof TICKET_VIEW_COLUMNS)[number] | 'customer_uuid' | 'customer_email' | 'assignee_uuid'>;

export function ticketView(row: TicketViewRow, now = clockNow()) {
  const sla = slaView(row, now);
  return {
    id: row.uuid,
    number: row.number,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    category: row.category,
    // Who set category and priority: `user` (a person, or the request that created the ticket) or `auto` (the classifier).
    category_source: row.category_source,
    priority_source: row.priority_source,
    classification_confidence: row.classification_confidence === null ? null : roundConfidence(row.classification_confidence),
    tags: tagsOfRow(row),
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
    sla_breached: { first_response: sla.first_response.state === 'breached', resolution: sla.resolution.state === 'breached' },
    sla,
    archived: Boolean(row.archived),
  };
}

export type TicketView = ReturnType<typeof ticketView>;
