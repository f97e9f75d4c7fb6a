import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Classification, Classifier } from '../classification/classifier.js';
import type { RulesDecision } from '../classification/rules.js';
import { customersForSenders, senderKey } from '../customers/match.js';
import { toDbTime } from '../db/time.js';
import { newTicketClocks, SLA_METRICS } from '../sla/clocks.js';
import { loadSlaPolicies } from '../sla/deadlines.js';
import { now as clockNow } from '../time/clock.js';
import type { CaseInput, MessageInput } from './inputs.js';
import type { CaseRow } from './repository.js';
import { descriptionOf, earliestOutbound, externalFields, historyEntry, json, messageRow, uniqueByUid, writeResult, type IntegrationRef, type WriteResult } from './rows.js';
import { caseIdsByUuid, insertAll, numberCases } from './bulk.js';
import { tagListText, tagRows } from './tags.js';
import { customFieldsText } from './custom-fields.js';
import { markForSearch } from '../search/pending.js';
import { priorityFromExternal, statusFromExternal } from './vocabulary.js';
import { markForReports } from '../reports/rollups/roller.js';

export interface NewCase {
  integration: IntegrationRef;
  input: CaseInput;
  messages: readonly MessageInput[];
  /** The classifier's rules already applied to its subject and description (by a body thread). */
  byRules?: RulesDecision;
}

type SlaColumns = ReturnType<typeof newTicketClocks>;

function caseRow(item: NewCase, customerId: number | null, clocks: SlaColumns, status: string, classified: Classification['columns'], now: string): Omit<CaseRow, 'id'> & SlaColumns {
  const { integration, input, messages } = item;
  const firstResponse = earliestOutbound(messages);
  return {
    uuid: randomUUID(),
    number: null,
    integration_id: integration.id,
    case_uid: input.caseUid,
    source: integration.name,
    ...externalFields(input),
    description: descriptionOf(messages),
    status,
    ...classified,
    customer_id: customerId,
    assignee_id: null,
    external_updated_at: input.updated.micros,
    extra_fields: json(input.extra),
    tag_list: tagListText(input.tags),
    custom_fields: customFieldsText(input.customFields),
    first_response_at: firstResponse ? toDbTime(firstResponse) : null,
    ...clocks,
    archived: false,
    created_at: toDbTime(input.created.date),
    updated_at: now,
  };
}

/**
 * Creates cases that do not exist yet, any number at once, in a fixed number of statements:
 * customers, cases (their custom fields in the row), tags, messages and history as multi-row
 * inserts, then the ticket numbers, allocated last so the day's counter row is locked as
 * briefly as possible.
 * A new case starts as its integration states it (known status and priority synonyms, else
 * open, and a priority from the classifier), a category from the classifier, and SLA deadlines
 * measured from its own `created`.
 */
export async function createCases(trx: Knex.Transaction, classifier: Classifier, items: readonly NewCase[]): Promise<WriteResult[]> {
  const now = clockNow();
  const nowText = toDbTime(now);
  const firstInbound = items.map((item) => item.messages.find((m) => m.direction === 'inbound')?.from);
  const [customers, policies] = await Promise.all([customersForSenders(trx, firstInbound), loadSlaPolicies(trx)]);
  const classified = await classifier.classify(
    trx,
    items.map(({ input, messages, byRules }) => ({ subject: input.subject, description: descriptionOf(messages), byRules, priority: priorityFromExternal(input.priority) })),
  );

  const rows = items.map((item, i) => {
    const status = statusFromExternal(item.input.status) ?? 'open';
    const email = senderKey(firstInbound[i]);
    const customerId = (email ? customers.get(email) : undefined) ?? null;
    const firstResponse = earliestOutbound(item.messages);
    const { columns } = classified[i]!;
    const clocks = newTicketClocks(policies.get(columns.priority), item.input.created.date, status, firstResponse ? toDbTime(firstResponse) : null, now);
    return caseRow(item, customerId, clocks, status, columns, nowText);
  });
  await insertAll(trx, 'cases', rows);
  const ids = await caseIdsByUuid(trx, rows.map((r) => r.uuid));

  const tags: object[] = [];
  const messages: object[] = [];
  const history: object[] = [];
  const added: number[] = [];
  items.forEach((item, i) => {
    const row = rows[i]!;
    const caseId = ids.get(row.uuid)!;
    tags.push(...tagRows({ id: caseId, created_at: row.created_at, archived: false }, item.input.tags));
    const unique = uniqueByUid(item.messages);
    added.push(unique.length);
    for (const m of unique) messages.push(messageRow(caseId, m, row.customer_id, nowText));
    history.push(historyEntry(caseId, item.integration, 'created', null, row.status, nowText));
    for (const metric of SLA_METRICS) {
      if (row[`${metric}_breached_at`]) history.push({ ...historyEntry(caseId, item.integration, `sla_${metric}`, null, 'breached', nowText), actor_type: 'system' });
    }
  });
  await insertAll(trx, 'case_tags', tags);
  await insertAll(trx, 'messages', messages);
  await insertAll(trx, 'case_history', history);
  await markForSearch(trx, [...ids.values()]);
  await markForReports(trx, [...ids.values()]);
  await classifier.log.record(
    trx,
    classified.flatMap(({ decided }, i) => (decided ? [{ caseId: ids.get(rows[i]!.uuid)!, ticketId: rows[i]!.uuid, ...decided }] : [])),
  );

  const numbers = await numberCases(trx, now, rows.map((row) => ids.get(row.uuid)!));
  return rows.map((row, i) => writeResult({ ...row, number: numbers[i]! }, 'created', added[i]!));
}
