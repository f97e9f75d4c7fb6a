import type { Knex } from 'knex';
import { forUpdate } from '../db/transaction.js';
import { changesSearchedText, markForSearch } from '../search/pending.js';
import type { SlaClocks } from '../sla/clocks.js';
import { tagListText, tagRows, type TaggedTicket } from './tags.js';
import { markForReports } from '../reports/rollups/roller.js';

export interface CaseRow {
  id: number;
  uuid: string;
  number: string | null;
  integration_id: number | null;
  case_uid: string | null;
  source: string;
  external_source: string | null;
  inbox: string | null;
  subject: string;
  description: string | null;
  status: string;
  external_status: string | null;
  priority: string;
  external_priority: string | null;
  category: string | null;
  /** `user` when a person (or the creating request) gave it, `auto` when the classifier did. */
  category_source: string | null;
  priority_source: string | null;
  classification_confidence: number | null;
  customer_id: number | null;
  assignee_id: number | null;
  external_updated_at: string | null;
  extra_fields: string | null;
  /** The tags in order as JSON (src/cases/tags.ts). */
  tag_list: string | null;
  /** The custom fields as JSON, ordered by name (src/cases/custom-fields.ts). */
  custom_fields: string | null;
  first_response_at: string | null;
  first_response_due_at: string | null;
  resolution_due_at: string | null;
  archived: boolean | number;
  created_at: string;
  updated_at: string;
}

/** A case as read back whole, SLA clocks included. */
export type StoredCase = CaseRow & SlaClocks;

export interface MessageRow {
  id: number;
  case_id: number;
  uuid: string;
  message_uid: string | null;
  type: string | null;
  direction: string;
  visibility: string;
  author_id: number | null;
  from_name: string | null;
  from_email: string | null;
  from_id: string | null;
  recipients: string | null;
  subject: string | null;
  content: string;
  attachments: string | null;
  extra_fields: string | null;
  created_at: string;
  received_at: string;
}

export type NewMessageRow = Omit<MessageRow, 'id'>;

export interface HistoryEntry {
  case_id: number;
  actor_id: number | null;
  actor_type: 'user' | 'integration' | 'system';
  field: string;
  from_value: string | null;
  to_value: string | null;
  note?: string | null;
  created_at: string;
}

/** The integration's case, locked for the rest of the transaction so concurrent writes to it queue up. */
export function findIntegrationCaseForUpdate(trx: Knex.Transaction, integrationId: number, caseUid: string): Promise<StoredCase | undefined> {
  return forUpdate(trx, trx<StoredCase>('cases').where({ integration_id: integrationId, case_uid: caseUid })).first();
}

export function findIntegrationCase(db: Knex, integrationId: number, caseUid: string): Promise<CaseRow | undefined> {
  return db<CaseRow>('cases').where({ integration_id: integrationId, case_uid: caseUid }).first();
}

export async function updateCase(trx: Knex.Transaction, id: number, changes: Partial<StoredCase>): Promise<void> {
  await trx('cases').where({ id }).update(changes);
  if (changesSearchedText(changes)) await markForSearch(trx, [id]);
  await markForReports(trx, [id]);
}

/** Sets a ticket's tags in both places they are kept: its row's list and the `case_tags` the tag filter reads. */
export async function replaceTags(trx: Knex.Transaction, ticket: TaggedTicket, tags: readonly string[]): Promise<void> {
  await trx('cases').where({ id: ticket.id }).update({ tag_list: tagListText(tags) });
  await trx('case_tags').where({ case_id: ticket.id }).delete();
  if (tags.length > 0) await trx('case_tags').insert(tagRows(ticket, tags));
}

/** Which of these messageUids the case already has. */
export async function existingMessageUids(db: Knex, caseId: number, uids: readonly string[]): Promise<Set<string>> {
  if (uids.length === 0) return new Set();
  const found: string[] = await db('messages').where({ case_id: caseId }).whereIn('message_uid', uids).pluck('message_uid');
  return new Set(found);
}

export async function insertMessages(trx: Knex.Transaction, rows: readonly NewMessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await trx('messages').insert(rows);
  await markForSearch(trx, rows.map((row) => Number(row.case_id)));
}

export function listCaseMessages(db: Knex, caseId: number, visibility?: 'public'): Promise<MessageRow[]> {
  const query = db<MessageRow>('messages').where({ case_id: caseId }).whereNull('deleted_at');
  if (visibility) query.andWhere({ visibility });
  return query.orderBy([{ column: 'created_at' }, { column: 'id' }]);
}

export async function insertHistory(trx: Knex.Transaction, entries: readonly HistoryEntry[]): Promise<void> {
  if (entries.length > 0) await trx('case_history').insert(entries);
}
