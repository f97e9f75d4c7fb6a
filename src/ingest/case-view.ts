import type { Knex } from 'knex';
import { fromDbTime } from '../db/time.js';
import { customFieldsOfRow } from '../cases/custom-fields.js';
import { findIntegrationCase, listCaseMessages, type MessageRow } from '../cases/repository.js';
import { tagsOfRow } from '../cases/tags.js';
import { fromJson as parsed } from '../cases/rows.js';
import { microsToRfc3339 } from '../time/rfc3339.js';

function messageView(row: MessageRow) {
  return {
    messageUid: row.message_uid ?? row.uuid,
    created: fromDbTime(row.created_at),
    type: row.type ?? 'note',
    direction: row.direction === 'inbound' ? 'Inbound' : 'Outbound',
    from: { name: row.from_name ?? '', email: row.from_email ?? '', id: row.from_id ?? '' },
    to: parsed(row.recipients, []),
    subject: row.subject ?? '',
    text: row.content,
    attachments: parsed(row.attachments, []),
    ...parsed(row.extra_fields, {}),
  };
}

/**
 * GET /v1/case/{caseUid}: the case as the integration stated it (Capturi's shape, status and
 * priority verbatim) with its public messages, plus how Casehub works it (`ticket`). Internal
 * notes of the support team are not shown to integrations.
 */
export async function integrationCaseView(db: Knex, integrationId: number, caseUid: string) {
  const row = await findIntegrationCase(db, integrationId, caseUid);
  if (!row) return undefined;
  const [messages, assignee] = await Promise.all([
    listCaseMessages(db, row.id, 'public'),
    row.assignee_id === null ? undefined : (db('users').where({ id: row.assignee_id }).first('uuid') as Promise<{ uuid: string } | undefined>),
  ]);
  return {
    ...parsed(row.extra_fields, {}),
    caseUid: row.case_uid,
    source: row.external_source,
    created: fromDbTime(row.created_at),
    updated: row.external_updated_at ? microsToRfc3339(row.external_updated_at) : null,
    subject: row.subject,
    inbox: row.inbox,
    status: row.external_status,
    priority: row.external_priority,
    tags: tagsOfRow(row),
    customFields: customFieldsOfRow(row),
    messages: messages.map(messageView),
    id: row.uuid,
    number: row.number,
    // The assignee by the public id the internal API uses.
    ticket: { status: row.status, priority: row.priority, category: row.category, assignee_id: assignee?.uuid ?? null },
  };
}
