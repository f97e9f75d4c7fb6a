import { assertUniqueNames, type CustomField } from '../cases/custom-fields.js';
import type { CaseInput, CasePatch, MessageInput } from '../cases/inputs.js';
import { normaliseTags } from '../cases/tags.js';
import { htmlToText } from '../text/html-to-text.js';
import { parseInstant } from '../time/rfc3339.js';

/** Bodies as the schemas in schemas/ingest-*.json guarantee them. */
export interface MessageBody {
  messageUid: string;
  created: string;
  type: string;
  direction: 'Inbound' | 'Outbound';
  from: { name: string; email: string; id: string };
  to: Array<{ name: string; email: string; id?: string | null }>;
  subject: string;
  text: string;
  attachments?: string[] | null;
  [extra: string]: unknown;
}

export interface CaseBody {
  caseUid: string;
  source: string;
  created: string;
  updated: string;
  subject: string;
  inbox?: string | null;
  status?: string | null;
  priority?: string | null;
  tags?: string[] | null;
  customFields?: CustomField[] | null;
  messages?: MessageBody[];
  message?: MessageBody;
  [extra: string]: unknown;
}

export interface PatchBody {
  source?: string;
  updated?: string;
  subject?: string;
  inbox?: string | null;
  status?: string | null;
  priority?: string | null;
  tags?: string[] | null;
  customFields?: CustomField[] | null;
  onlyUpdateCustomFields?: boolean | null;
  messages?: MessageBody[] | null;
  [extra: string]: unknown;
}

const CASE_KEYS = new Set(['caseUid', 'source', 'created', 'updated', 'subject', 'inbox', 'status', 'priority', 'tags', 'customFields', 'messages', 'message', 'onlyUpdateCustomFields']);
const MESSAGE_KEYS = new Set(['messageUid', 'created', 'type', 'direction', 'from', 'to', 'subject', 'text', 'attachments', 'caseUid']);

/** Properties outside the known schema, kept as sent (the schema may grow without notice). */
function extraOf(body: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | null {
  const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !known.has(key)));
  return Object.keys(extra).length > 0 ? extra : null;
}

export function toMessageInput(body: MessageBody, path: string): MessageInput {
  return {
    messageUid: body.messageUid,
    created: parseInstant(body.created, `${path}.created`),
    type: body.type,
    direction: body.direction === 'Inbound' ? 'inbound' : 'outbound',
    from: body.from,
    to: body.to,
    subject: htmlToText(body.subject),
    text: htmlToText(body.text),
    attachments: body.attachments ?? [],
    extra: extraOf(body, MESSAGE_KEYS),
  };
}

export function toCaseInput(body: CaseBody): CaseInput {
  assertUniqueNames(body.customFields, 'customFields');
  return {
    caseUid: body.caseUid,
    source: body.source.trim(),
    created: parseInstant(body.created, 'created'),
    updated: parseInstant(body.updated, 'updated'),
    subject: htmlToText(body.subject).trim(),
    inbox: body.inbox ?? null,
    status: body.status ?? null,
    priority: body.priority ?? null,
    tags: normaliseTags(body.tags),
    customFields: body.customFields ?? [],
    extra: extraOf(body, CASE_KEYS),
  };
}

export function toCasePatch(body: PatchBody): CasePatch {
  assertUniqueNames(body.customFields, 'customFields');
  return {
    ...(body.source !== undefined ? { source: body.source.trim() } : {}),
    ...(body.updated !== undefined ? { updated: parseInstant(body.updated, 'updated') } : {}),
    ...(body.subject !== undefined ? { subject: htmlToText(body.subject).trim() } : {}),
    ...(body.inbox !== undefined ? { inbox: body.inbox } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.priority !== undefined ? { priority: body.priority } : {}),
    ...(body.tags !== undefined ? { tags: normaliseTags(body.tags) } : {}),
    ...(body.customFields !== undefined && body.customFields !== null ? { customFields: body.customFields } : {}),
    onlyUpdateCustomFields: body.onlyUpdateCustomFields === true,
    messages: (body.messages ?? []).map((m, i) => toMessageInput(m, `messages.${i}`)),
    extra: extraOf(body, CASE_KEYS),
  };
}
