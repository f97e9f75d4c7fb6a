import type { Knex } from 'knex';
import { insertHistory } from '../cases/repository.js';
import { dbTimeMs, toDbTime } from '../db/time.js';
import { forUpdate, withTransaction } from '../db/transaction.js';
import type { Notifier } from '../mail/notifications.js';
import { checkTimes, dueAt, isRunning, SLA_METRICS, warningPoint, type SlaClocks, type SlaMetric } from '../sla/clocks.js';
import { now } from '../time/clock.js';
import type { TicketRow } from '../tickets/view.js';
import { drain } from './drain.js';
import { markForReports } from '../reports/rollups/roller.js';

/** A ticket as the job reads it: its clocks and when each is next due a look. */
type WatchedTicket = TicketRow & Record<`${SlaMetric}_check_at`, string | null>;

export interface SlaRun {
  warnings: number;
  breaches: number;
}

const BATCH = 200;

/**
 * Looks at one clock of one ticket, locked: a breach once the deadline has passed, else a
 * warning once 80 % of the time has. Each is recorded once, on the ticket and in its history,
 * and mailed; the ticket's next check moves on. A ticket another instance handled meanwhile is
 * no longer due and is left alone.
 */
async function checkClock(trx: Knex.Transaction, notifier: Notifier, id: number, metric: SlaMetric, at: Date, run: SlaRun): Promise<void> {
  const row = (await forUpdate(trx, trx('cases').where({ id }).select('*')).first()) as WatchedTicket | undefined;
  const checkAt = row?.[`${metric}_check_at`];
  if (!row || !checkAt || dbTimeMs(checkAt) > at.getTime()) return;

  const atText = toDbTime(at);
  const changes: Partial<SlaClocks> = {};
  let level: 'warning' | 'breach' | undefined;
  if (isRunning(row, metric) && at.getTime() >= dbTimeMs(dueAt(row, metric)!)) {
    changes[`${metric}_breached_at`] = atText;
    level = 'breach';
  } else if (isRunning(row, metric) && !row[`${metric}_warned_at`] && at.getTime() >= warningPoint(row, metric)) {
    changes[`${metric}_warned_at`] = atText;
    level = 'warning';
  }
  await trx('cases').where({ id }).update({ ...changes, ...checkTimes({ ...row, ...changes }) });
  if (!level) return;
  if (level === 'breach') await markForReports(trx, [id]);
  await insertHistory(trx, [
    { case_id: id, actor_id: null, actor_type: 'system', field: `sla_${metric}`, from_value: null, to_value: level === 'breach' ? 'breached' : 'warning', created_at: atText },
  ]);
  await notifier.slaAlert(trx, row, metric, level, dueAt(row, metric)!);
  run[level === 'breach' ? 'breaches' : 'warnings']++;
}

/**
 * The `sla` job: every clock whose check time has come, oldest first, each ticket in its own
 * transaction. Checking a clock moves its check time past `at` (or clears it), so the next
 * batch holds new tickets; one that comes back unchanged means another instance holds it.
 */
export async function checkSlaClocks(db: Knex, notifier: Notifier, at: Date = now()): Promise<SlaRun> {
  const run: SlaRun = { warnings: 0, breaches: 0 };
  for (const metric of SLA_METRICS) {
    const column = `${metric}_check_at`;
    await drain(
      () => db('cases').where(column, '<=', toDbTime(at)).orderBy(column).limit(BATCH).pluck('id'),
      BATCH,
      (id) => withTransaction(db, (trx) => checkClock(trx, notifier, id, metric, at, run)),
    );
  }
  return run;
}
