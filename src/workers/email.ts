import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isMysql } from '../db/dialect.js';
import { toDbTime } from '../db/time.js';
import type { Logger } from '../logger.js';
import { isPermanentFailure, type Mailer, type OutboxMail } from '../mail/transport.js';
import { now } from '../time/clock.js';

export interface EmailJobDeps {
  db: Knex;
  mailer: Mailer;
  logger: Logger;
  maxAttempts: number;
  claimSeconds: number;
}

export interface EmailRun {
  sent: number;
  retried: number;
  failed: number;
}

const BATCH = 20;
const FIRST_RETRY_SECONDS = 30;
const LAST_RETRY_SECONDS = 3600;

const plusSeconds = (at: Date, seconds: number) => toDbTime(new Date(at.getTime() + seconds * 1000));

/** 30 s, 1 min, 2 min … up to an hour, each somewhere between half and one and a half times that. */
function retryDelaySeconds(attempts: number): number {
  const base = Math.min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1));
  return base * (0.5 + Math.random());
}

/**
 * Takes up to BATCH due mails for this sender: each claimed row is pushed `claimSeconds` into the
 * future, so no other sender takes it meanwhile, and comes back by itself if this one dies. On
 * MySQL several senders claim side by side (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a
 * time, and one UPDATE claims the batch.
 */
async function claimBatch(db: Knex, claimSeconds: number): Promise<OutboxMail[]> {
  const at = now();
  const token = randomUUID();
  const claim = { claim_token: token, next_attempt_at: plusSeconds(at, claimSeconds), attempts: db.raw('attempts + 1') };
  const due = (query: Knex.QueryBuilder) => query.where('status', 'queued').where('next_attempt_at', '<=', toDbTime(at)).orderBy('next_attempt_at').limit(BATCH);
  if (isMysql(db)) {
    await db.transaction(async (trx) => {
      const ids: number[] = await due(trx('mail_outbox')).forUpdate().skipLocked().pluck('id');
      if (ids.length > 0) await trx('mail_outbox').whereIn('id', ids).update(claim);
    });
  } else {
    await db('mail_outbox').whereIn('id', due(db('mail_outbox').select('id'))).update(claim);
  }
  return db('mail_outbox').where({ claim_token: token }).select('id', 'to_address', 'subject', 'text_body', 'html_body', 'message_id', 'attempts', 'claim_token');
}

/** Sends one claimed mail and records how it went: sent, to be retried later, or failed for good. */
async function deliver(deps: EmailJobDeps, mail: OutboxMail, run: EmailRun): Promise<void> {
  const mine = deps.db('mail_outbox').where({ id: mail.id, claim_token: mail.claim_token });
  try {
    await deps.mailer.send(mail);
    await mine.update({ status: 'sent', sent_at: toDbTime(now()), claim_token: null, last_error: null });
    run.sent++;
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    const final = isPermanentFailure(err) || Number(mail.attempts) >= deps.maxAttempts;
    if (final) {
      await mine.update({ status: 'failed', claim_token: null, last_error: error });
      run.failed++;
      deps.logger.warn({ mail_id: mail.id, attempts: mail.attempts, error }, 'mail failed for good');
    } else {
      await mine.update({ next_attempt_at: plusSeconds(now(), retryDelaySeconds(Number(mail.attempts))), claim_token: null, last_error: error });
      run.retried++;
    }
  }
}

/** The `email` job: sends every due mail, batch after batch, until none is left. */
export async function sendDueMail(deps: EmailJobDeps): Promise<EmailRun> {
  const run: EmailRun = { sent: 0, retried: 0, failed: 0 };
  for (;;) {
    const batch = await claimBatch(deps.db, deps.claimSeconds);
    if (batch.length === 0) return run;
    await Promise.all(batch.map((mail) => deliver(deps, mail, run)));
  }
}
