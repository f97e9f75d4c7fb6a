import { randomUUID } from 'node:crypto';
import { toDbTime } from '../db/time.js';
import type { CaseInput, MessageInput, Outcome } from './inputs.js';
import type { CaseRow, HistoryEntry, NewMessageRow } from './repository.js';

/** Row builders shared by the single and the bulk write paths. */

export interface IntegrationRef {
  id: number;
  name: string;
}

export interface WriteResult {
  outcome: Outcome;
  caseUid: string;
  id: string;
  number: string;
  messagesAdded: number;
}

export function writeResult(row: Pick<CaseRow, 'case_uid' | 'uuid' | 'number'>, outcome: Outcome, messagesAdded: number): WriteResult {
  return { outcome, caseUid: row.case_uid!, id: row.uuid, number: row.number!, messagesAdded };
}

export function historyEntry(caseId: number, integration: IntegrationRef, field: string, from: string | null, to: string | null, now: string): HistoryEntry {
  return { case_id: caseId, actor_id: null, actor_type: 'integration', field, from_value: from, to_value: to, note: integration.name, created_at: now };
}

/** A value for a JSON text column (null stays null). */
export function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** A JSON text column's value, or `fallback` when it is null. */
export function fromJson<T>(text: string | null, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

export function messageRow(caseId: number, message: MessageInput, customerId: number | null, now: string): NewMessageRow {
  return {
    case_id: caseId,
    uuid: randomUUID(),
    message_uid: message.messageUid,
    type: message.type,
    direction: message.direction,
    visibility: 'public',
    author_id: message.direction === 'inbound' ? customerId : null,
    from_name: message.from.name,
    from_email: message.from.email,
    from_id: message.from.id,
    recipients: JSON.stringify(message.to),
    subject: message.subject,
    content: message.text,
    attachments: json(message.attachments),
    extra_fields: json(message.extra),
    created_at: toDbTime(message.created.date),
    received_at: now,
  };
}

/** A case's description is its first message. */
export function descriptionOf(messages: readonly MessageInput[]): string | null {
  return [...messages].sort((a, b) => a.created.date.getTime() - b.created.date.getTime())[0]?.text ?? null;
}

export function earliestOutbound(messages: readonly MessageInput[]): Date | undefined {
  const times = messages.filter((m) => m.direction === 'outbound').map((m) => m.created.date.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

/** The fields of `cases` an integration's statement of its case sets (PUT and PATCH alike). */
export function externalFields(input: Pick<CaseInput, 'source' | 'subject' | 'inbox' | 'status' | 'priority'>) {
  return {
    external_source: input.source,
    subject: input.subject,
    inbox: input.inbox,
    external_status: input.status,
    external_priority: input.priority,
  };
}

/** The first message of each messageUid in one body: a body that repeats one still stores it once. */
export function uniqueByUid(messages: readonly MessageInput[]): MessageInput[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(m.messageUid) && seen.add(m.messageUid));
}
