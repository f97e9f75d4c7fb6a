import type { Knex } from 'knex';
import { inOneSnapshot } from '../../db/transaction.js';

/** Tries of parallel reads before reading in one snapshot instead. */
const TRIES = 3;

/** Raised in every transaction of the `reports` job that changes counts. */
export async function raiseVersion(trx: Knex.Transaction): Promise<void> {
  await trx('report_state').where({ id: 1 }).increment('version', 1);
}

async function version(db: Knex): Promise<number> {
  const row = (await db('report_state').where({ id: 1 }).first('version')) as { version: unknown } | undefined;
  return Number(row?.version ?? 0);
}

/**
 * Runs reads of the rollups that must agree with one another: the stored counts, the marks
 * and the tickets' facts. A job's commit between two of them would count a ticket twice or not
 * at all. The reads run in parallel, on several connections; when the job's version moved
 * while they ran, they run again, and after a few tries they run in one snapshot, one after
 * another. A write of a ticket meanwhile does no harm: it commits its mark with the change.
 */
export async function readConsistently<T>(db: Knex, work: (db: Knex) => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const before = await version(db);
    const result = await work(db);
    if ((await version(db)) === before) return result;
  }
  return inOneSnapshot(db, work);
}
