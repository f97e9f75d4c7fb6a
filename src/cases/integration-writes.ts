import type { Knex } from 'knex';
import type { Classifier } from '../classification/classifier.js';
import { toDbTime } from '../db/time.js';
import { customerForSender } from '../customers/match.js';
import { clockChanges, type ClockEvent } from '../sla/clocks.js';
import { loadSlaPolicies } from '../sla/deadlines.js';
import { now as clockNow } from '../time/clock.js';
import { createCases, type NewCase } from './create-cases.js';
import { customFieldsOfRow, customFieldsText, mergeCustomFields, type CustomField } from './custom-fields.js';
import type { CasePatch, MessageInput } from './inputs.js';
import {
  existingMessageUids,
  findIntegrationCaseForUpdate,
  insertHistory,
  insertMessages,
  replaceTags,
  updateCase,
  type CaseRow,
  type HistoryEntry,
  type StoredCase,
} from './repository.js';
import { earliestOutbound, externalFields, fromJson, historyEntry, json, messageRow, uniqueByUid, writeResult, type IntegrationRef, type WriteResult } from './rows.js';
import { tagsOfRow } from './tags.js';
import { priorityFromExternal, statusFromExternal } from './vocabulary.js';

export type { IntegrationRef, WriteResult };

/**
 * Adds the messages the case does not have yet (by messageUid; a resend is a no-op) and applies
 * what new messages mean for the ticket: the first outbound reply is the first response, an
 * inbound one moves a waiting ticket back to in progress, an unknown sender becomes its customer.
 */
async function mergeMessages(
  trx: Knex.Transaction,
  integration: IntegrationRef,
  row: StoredCase,
  messages: readonly MessageInput[],
): Promise<number> {
  const unique = uniqueByUid(messages);
  const present = await existingMessageUids(trx, row.id, unique.map((m) => m.messageUid));
  const fresh = unique.filter((m) => !present.has(m.messageUid));
  if (fresh.length === 0) return 0;

  const now = clockNow();
  const nowText = toDbTime(now);
  const changes: Partial<StoredCase> = { updated_at: nowText };
  const clockEvent: ClockEvent = {};
  const history: HistoryEntry[] = [];
  const inbound = fresh.find((m) => m.direction === 'inbound');
  if (row.customer_id === null && inbound) {
    const customerId = await customerForSender(trx, inbound.from);
    if (customerId !== undefined) changes.customer_id = row.customer_id = customerId;
  }
  const firstResponse = earliestOutbound(fresh);
  if (firstResponse) clockEvent.firstResponseAt = toDbTime(firstResponse);
  if (row.status === 'waiting' && inbound) {
    history.push(historyEntry(row.id, integration, 'status', row.status, 'in_progress', nowText));
    changes.status = clockEvent.status = 'in_progress';
  }
  Object.assign(changes, clockChanges(row, clockEvent, now));
  Object.assign(row, changes);
  await insertMessages(trx, fresh.map((m) => messageRow(row.id, m, row.customer_id, nowText)));
  await updateCase(trx, row.id, changes);
  await insertHistory(trx, history);
  return fresh.length;
}

/**
 * Writes case fields that differ from what is stored, with history for the ticket's status and
 * priority, and new SLA deadlines when the priority moves. Returns whether anything changed.
 */
async function applyFields(
  trx: Knex.Transaction,
  integration: IntegrationRef,
  row: StoredCase,
  fields: Partial<CaseRow>,
  tags: string[] | undefined,
  customFields: CustomField[] | undefined,
): Promise<boolean> {
  const now = clockNow();
  const nowText = toDbTime(now);
  const changes: Partial<StoredCase> = {};
  const clockEvent: ClockEvent = {};
  for (const [key, value] of Object.entries(fields) as Array<[keyof CaseRow, unknown]>) {
    if (row[key] !== value) (changes as Record<string, unknown>)[key] = value;
  }
  const history: HistoryEntry[] = [];
  if ('external_status' in changes) {
    const status = statusFromExternal(changes.external_status);
    if (status && status !== row.status) {
      history.push(historyEntry(row.id, integration, 'status', row.status, status, nowText));
      changes.status = clockEvent.status = status;
    }
  }
  if ('external_priority' in changes) {
    const priority = priorityFromExternal(changes.external_priority);
    if (priority && priority !== row.priority) {
      history.push(historyEntry(row.id, integration, 'priority', row.priority, priority, nowText));
      changes.priority = priority;
      clockEvent.priorityPolicy = (await loadSlaPolicies(trx)).get(priority);
    }
  }
  if ('subject' in changes) history.push(historyEntry(row.id, integration, 'subject', row.subject, changes.subject!, nowText));

  if (customFields !== undefined) {
    // The stored list is written out again before comparing: lists filled by migration 0023 are spelt by the database.
    const text = customFieldsText(customFields);
    if (text !== customFieldsText(customFieldsOfRow(row))) changes.custom_fields = text;
  }
  let changed = Object.keys(changes).length > 0;
  if (tags !== undefined && JSON.stringify(tagsOfRow(row)) !== JSON.stringify(tags)) {
    await replaceTags(trx, row, tags);
    changed = true;
  }
  if (changed) await updateCase(trx, row.id, { ...changes, ...clockChanges(row, clockEvent, now), updated_at: nowText });
  await insertHistory(trx, history);
  return changed;
}

/** Older than what is stored: equal timestamps are not stale, the later arrival wins. */
function isStale(row: CaseRow, updated: string | undefined): boolean {
  return updated !== undefined && row.external_updated_at !== null && updated < normaliseMicros(row.external_updated_at);
}

/** MySQL hands DATETIME(6) back with 6 digits; SQLite hands back what was stored. Both become 6. */
function normaliseMicros(value: string): string {
  const [whole, fraction = ''] = value.split('.');
  return `${whole}.${fraction.padEnd(6, '0').slice(0, 6)}`;
}

/**
 * PUT /v1/case and PUT /v1/case/messages: creates the case, or overwrites its fields, tags and
 * custom fields with these (unless `updated` is older than the stored one); messages always merge.
 */
export async function putCase(trx: Knex.Transaction, classifier: Classifier, stated: NewCase): Promise<WriteResult> {
  const { integration, input, messages } = stated;
  const row = await findIntegrationCaseForUpdate(trx, integration.id, input.caseUid);
  if (!row) return (await createCases(trx, classifier, [stated]))[0]!;
  const added = await mergeMessages(trx, integration, row, messages);
  if (isStale(row, input.updated.micros)) return writeResult(row, 'stale', added);
  const changed = await applyFields(
    trx,
    integration,
    row,
    { ...externalFields(input), external_updated_at: input.updated.micros, extra_fields: json(input.extra) },
    input.tags,
    input.customFields,
  );
  return writeResult(row, changed || added > 0 ? 'updated' : 'unchanged', added);
}

/** POST /v1/case/messages: undefined when the case does not exist. */
export async function addMessage(
  trx: Knex.Transaction,
  integration: IntegrationRef,
  caseUid: string,
  message: MessageInput,
): Promise<WriteResult | undefined> {
  const row = await findIntegrationCaseForUpdate(trx, integration.id, caseUid);
  if (!row) return undefined;
  const added = await mergeMessages(trx, integration, row, [message]);
  return writeResult(row, added > 0 ? 'created' : 'unchanged', added);
}

/** PATCH /v1/case/{caseUid}: undefined when the case does not exist. */
export async function patchCase(
  trx: Knex.Transaction,
  integration: IntegrationRef,
  caseUid: string,
  patch: CasePatch,
): Promise<WriteResult | undefined> {
  const row = await findIntegrationCaseForUpdate(trx, integration.id, caseUid);
  if (!row) return undefined;
  const added = await mergeMessages(trx, integration, row, patch.messages);
  if (isStale(row, patch.updated?.micros)) return writeResult(row, 'stale', added);

  const customFields =
    patch.customFields === undefined ? undefined : mergeCustomFields(customFieldsOfRow(row), patch.customFields, 'customFields');
  const fields: Partial<CaseRow> = {};
  if (!patch.onlyUpdateCustomFields) {
    if (patch.source !== undefined) fields.external_source = patch.source;
    if (patch.subject !== undefined) fields.subject = patch.subject;
    if (patch.inbox !== undefined) fields.inbox = patch.inbox;
    if (patch.status !== undefined) fields.external_status = patch.status;
    if (patch.priority !== undefined) fields.external_priority = patch.priority;
    if (patch.updated !== undefined) fields.external_updated_at = patch.updated.micros;
    if (patch.extra !== null) fields.extra_fields = json({ ...fromJson<Record<string, unknown>>(row.extra_fields, {}), ...patch.extra });
  }
  const tags = patch.onlyUpdateCustomFields ? undefined : patch.tags;
  const changed = await applyFields(trx, integration, row, fields, tags, customFields);
  return writeResult(row, changed || added > 0 ? 'updated' : 'unchanged', added);
}
