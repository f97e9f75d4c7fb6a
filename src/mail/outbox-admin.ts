import type { Knex } from 'knex';
import { countRows } from '../db/count.js';
import { offsetPage, type Page, type PageOf } from '../api/pagination.js';
import { fromDbTime, toDbTime } from '../db/time.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { now } from '../time/clock.js';

export type MailStatus = 'queued' | 'sent' | 'failed';

interface OutboxListRow {
  id: number;
  kind: string;
  ticket_id: string | null;
  to_address: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  message_id: string;
  created_at: string;
  sent_at: string | null;
}

function mailView(row: OutboxListRow) {
  return {
    id: Number(row.id),
    kind: row.kind,
    ticket_id: row.ticket_id,
    to: row.to_address,
    subject: row.subject,
    status: row.status,
    attempts: Number(row.attempts),
    next_attempt_at: row.status === 'queued' ? fromDbTime(row.next_attempt_at) : null,
    last_error: row.last_error,
    message_id: row.message_id,
    created_at: fromDbTime(row.created_at),
    sent_at: fromDbTime(row.sent_at),
  };
}

export type MailView = ReturnType<typeof mailView>;

/** GET /admin/outbox: newest first, optionally of one status. */
export async function listOutbox(db: Knex, status: MailStatus | undefined, page: Page): Promise<PageOf<MailView>> {
  const filtered = () => (status ? db('mail_outbox').where('mail_outbox.status', status) : db('mail_outbox'));
  const [rows, total] = await Promise.all([
    filtered()
      .leftJoin('cases', 'cases.id', 'mail_outbox.case_id')
      .orderBy('mail_outbox.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .select('mail_outbox.*', 'cases.uuid as ticket_id') as Promise<OutboxListRow[]>,
    countRows(filtered()),
  ]);
  return offsetPage(rows.map(mailView), total, page);
}

/** POST /admin/outbox/{id}/retry: a failed mail goes back in the queue with a fresh set of attempts. */
export async function retryMail(db: Knex, id: string): Promise<MailView> {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError('No such mail');
  const requeued = await db('mail_outbox').where({ id, status: 'failed' }).update({ status: 'queued', attempts: 0, next_attempt_at: toDbTime(now()), claim_token: null });
  const row = (await db('mail_outbox').leftJoin('cases', 'cases.id', 'mail_outbox.case_id').where('mail_outbox.id', id).first('mail_outbox.*', 'cases.uuid as ticket_id')) as OutboxListRow | undefined;
  if (!row) throw new NotFoundError('No such mail');
  if (requeued === 0) throw new ConflictError(`Only a failed mail can be retried; this one is ${row.status}`);
  return mailView(row);
}
