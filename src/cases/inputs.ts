import type { Instant } from '../time/rfc3339.js';
import type { CustomField } from './custom-fields.js';

/** A case as an integration states it, already normalised (plain text, unique tags, UTC times). */
export interface CaseInput {
  caseUid: string;
  source: string;
  created: Instant;
  updated: Instant;
  subject: string;
  inbox: string | null;
  status: string | null;
  priority: string | null;
  tags: string[];
  customFields: CustomField[];
  /** Properties Casehub does not know, kept as sent. */
  extra: Record<string, unknown> | null;
}

export interface MessageInput {
  messageUid: string;
  created: Instant;
  type: string;
  direction: 'inbound' | 'outbound';
  from: { name: string; email: string; id: string };
  to: Array<{ name: string; email: string; id?: string | null }>;
  subject: string;
  text: string;
  attachments: string[];
  extra: Record<string, unknown> | null;
}

/** PATCH: only what is present changes; `null` clears inbox, status, priority and tags. */
export interface CasePatch {
  source?: string;
  updated?: Instant;
  subject?: string;
  inbox?: string | null;
  status?: string | null;
  priority?: string | null;
  tags?: string[];
  customFields?: CustomField[];
  onlyUpdateCustomFields: boolean;
  messages: MessageInput[];
  extra: Record<string, unknown> | null;
}

/** What an integration's write did to its case (DESIGN §4). */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'stale';
