import type { Knex } from 'knex';
import { insertHistory } from '../cases/repository.js';
import { deleteOlderThan } from '../db/purge.js';
import { dbTimeMs, toDbTime } from '../db/time.js';
import { forUpdate, withTransaction } from '../db/transaction.js';
import type { Notifier } from '../mail/notifications.js';
import { purgeIngestLog } from '../ingest/log-queries.js';
import { now } from '../time/clock.js';
import type { TicketRow } from '../tickets/view.js';
import { drain } from './drain.js';
import { markForReports } from '../reports/rollups/roller.js';

export interface AutomationsDeps {
  db: Knex;
  notifier: Notifier;
  ingestLogDays: number;
}

export interface AutomationsRun {
  closed: number;
  ingest_log_purged: number;
  idempotency_keys_purged: number;
  login_throttle_purged: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** A resolved ticket nobody reopened closes this long after it was resolved. */
export const CLOSE_RESOLVED_AFTER_MS = 7 * DAY_MS;
const BATCH = 200;

/** Closes one resolved ticket, locked, if it is still resolved and old enough; the customer is told. */
async function closeResolved(trx: Knex.Transaction, notifier: Notifier, id: number, at: Date): Promise<boolean> {
  const row = (await forUpdate(trx, trx('cases').where({ id }).select('*')).first()) as TicketRow | undefined;
  if (!row || row.status !== 'resolved' || !row.resolved_at || dbTimeMs(row.resolved_at) > at.getTime() - CLOSE_RESOLVED_AFTER_MS) return false;
  const atText = toDbTime(at);
  await trx('cases').where({ id }).update({ status: 'closed', closed_at: atText, updated_at: atText });
  await markForReports(trx, [id]);
  await insertHistory(trx, [{ case_id: id, actor_id: null, actor_type: 'system', field: 'status', from_value: 'resolved', to_value: 'closed', note: 'closed 7 days after resolving', created_at: atText }]);
  await notifier.statusChanged(trx, row, 'closed', null, null, atText);
  return true;
}

async function closeResolvedTickets(db: Knex, notifier: Notifier, at: Date): Promise<number> {
  let closed = 0;
  const resolvedBefore = toDbTime(new Date(at.getTime() - CLOSE_RESOLVED_AFTER_MS));
  await drain(
    () => db('cases').where({ archived: false, status: 'resolved' }).where('resolved_at', '<=', resolvedBefore).limit(BATCH).pluck('id'),
    BATCH,
    async (id) => {
      if (await withTransaction(db, (trx) => closeResolved(trx, notifier, id, at))) closed++;
    },
  );
  return closed;
}

/**
 * The `automations` job: closes tickets resolved 7 days ago, and removes what is kept only for a
 * while (the ingest log after INGEST_LOG_DAYS, idempotency keys after their 24 hours, login
 * throttle windows after a day).
 */
export async function runAutomations({ db, notifier, ingestLogDays }: AutomationsDeps, at: Date = now()): Promise<AutomationsRun> {
  const ago = (ms: number) => new Date(at.getTime() - ms);
  return {
    closed: await closeResolvedTickets(db, notifier, at),
    ingest_log_purged: await purgeIngestLog(db, ago(ingestLogDays * DAY_MS)),
    idempotency_keys_purged: await deleteOlderThan(db, 'idempotency_keys', 'id', 'created_at', ago(DAY_MS)),
    login_throttle_purged: await deleteOlderThan(db, 'login_throttle', 'throttle_key', 'window_started_at', ago(DAY_MS)),
  };
}
