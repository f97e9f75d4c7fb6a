import type { Knex } from 'knex';
import { isMysql } from '../../db/dialect.js';
import { clearMarks, markCases, workThroughMarks, type Mark } from '../../db/marks.js';
import { forUpdate, withTransaction } from '../../db/transaction.js';
import { raiseVersion } from './consistent.js';
import { addCounts, durationBucket, type CountRow } from './counts.js';
import { countedFacts, currentFacts } from './facts.js';

/** Tickets counted per transaction. */
const BATCH = 500;
const INSERT_ROWS = 1000;

/**
 * Marks tickets whose counted facts may have changed (created, edited, answered, resolved,
 * archived, a breach recorded), in the writing transaction: reports read their rows until the
 * `reports` job has counted them again (src/db/marks.ts).
 */
export async function markForReports(trx: Knex | Knex.Transaction, caseIds: readonly number[]): Promise<void> {
  await markCases(trx, 'report_pending', caseIds);
}

/** Adds each row's `n` to the stored count, creating the count where there is none. */
async function addToCounts(trx: Knex.Transaction, rows: readonly CountRow[]): Promise<void> {
  const sum = isMysql(trx) ? 'report_counts.n + VALUES(n)' : 'report_counts.n + excluded.n';
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    await trx('report_counts')
      .insert(rows.slice(i, i + INSERT_ROWS))
      .onConflict(['measure', 'grain', 'period', 'key'])
      .merge({ n: trx.raw(sum) });
  }
}

/**
 * Counts the marked tickets anew: takes out what each added last time, adds what it adds now,
 * and keeps what it added. The marks are locked first and the last counted facts read after,
 * so two runs at once (a scheduled one and `worker run-once reports`) take turns instead of
 * both taking out the same old facts; a mark another run cleared meanwhile is skipped.
 */
export async function countMarked(db: Knex, marks: readonly Mark[]): Promise<void> {
  await withTransaction(db, async (trx) => {
    const held = (await forUpdate(trx, trx('report_pending').whereIn('case_id', marks.map((mark) => mark.case_id)).select('case_id'))) as Array<{ case_id: unknown }>;
    const caseIds = held.map((row) => Number(row.case_id));
    if (caseIds.length === 0) return;
    const [before, after] = await Promise.all([countedFacts(trx, caseIds), currentFacts(trx('cases').whereIn('id', caseIds))]);
    const deltas = new Map<string, CountRow>();
    for (const facts of before) addCounts(deltas, facts, -1);
    for (const facts of after) addCounts(deltas, facts, 1);
    await addToCounts(trx, [...deltas.values()].filter((row) => row.n !== 0));
    await trx('report_tickets').whereIn('case_id', caseIds).delete();
    const rows = after.map((facts) => ({ ...facts, first_response_bucket: durationBucket(facts, 'first_response'), resolution_bucket: durationBucket(facts, 'resolution') }));
    for (let i = 0; i < rows.length; i += INSERT_ROWS) await trx('report_tickets').insert(rows.slice(i, i + INSERT_ROWS));
    await clearMarks(trx, 'report_pending', marks);
    await raiseVersion(trx);
  });
}

/**
 * The `reports` job: counts every ticket marked for the reports, a batch per transaction, until
 * none is left or `untilMs` passes.
 */
export async function countPendingTickets(db: Knex, untilMs = Number.POSITIVE_INFINITY): Promise<{ counted: number; pending: boolean }> {
  const { done, pending } = await workThroughMarks(db, 'report_pending', BATCH, untilMs, (marks) => countMarked(db, marks));
  return { counted: done, pending };
}
