import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';
import { now } from '../time/clock.js';

/** A mail to send, written in the transaction of the change that causes it. */
export interface OutgoingMail {
  kind: string;
  /** Names the cause: the same key queued twice is one mail. */
  key: string;
  caseId: number | null;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** RFC 5322 caps a line at 998 characters; the subject is one. */
const SUBJECT_MAX = 900;
/** The unique index's width (utf8mb4 in MySQL). */
const KEY_MAX = 191;

/** One mail per cause and recipient; a long address is hashed so that keys never collide by truncation. */
function idempotencyKey(mail: OutgoingMail): string {
  const key = `${mail.key}:${mail.to}`;
  return key.length <= KEY_MAX ? key : `${mail.key.slice(0, 100)}:${createHash('sha256').update(mail.to).digest('hex')}`;
}

/**
 * Queues mails in the caller's transaction: they are sent only if it commits, and never lost
 * once it has. Each gets its Message-ID now, so a resend after a crash carries the same one.
 */
export async function queueMail(trx: Knex.Transaction, mails: readonly OutgoingMail[], messageIdDomain: string): Promise<void> {
  if (mails.length === 0) return;
  const at = toDbTime(now());
  const rows = mails.map((mail) => ({
    idempotency_key: idempotencyKey(mail),
    kind: mail.kind,
    case_id: mail.caseId,
    to_address: mail.to,
    subject: mail.subject.length > SUBJECT_MAX ? mail.subject.slice(0, SUBJECT_MAX - 1) + '…' : mail.subject,
    text_body: mail.text,
    html_body: mail.html,
    status: 'queued',
    attempts: 0,
    next_attempt_at: at,
    message_id: `<${randomUUID()}@${messageIdDomain}>`,
    created_at: at,
  }));
  await trx('mail_outbox').insert(rows).onConflict('idempotency_key').ignore();
}
