import type { Knex } from 'knex';
import { clearMarks, readMarks as readMarksOf, workThroughMarks, type Mark } from '../db/marks.js';
import { withTransaction } from '../db/transaction.js';
import { ticketWords } from './ticket-words.js';

/** Tickets indexed per transaction: large enough for multi-row inserts, small enough to hold few locks. */
const BATCH = 200;
/** Rows per INSERT of words. */
const INSERT_ROWS = 2000;

/** The first marks for search, by ticket id. */
export const readMarks = (db: Knex, limit = BATCH): Promise<Mark[]> => readMarksOf(db, 'search_pending', limit);

/** Writes the marked tickets' words anew, and clears each mark unless it counted another change meanwhile. */
export async function indexMarked(db: Knex, marks: readonly Mark[]): Promise<void> {
  const caseIds = marks.map((mark) => mark.case_id);
  const rows = [...(await ticketWords(db, caseIds))].flatMap(([case_id, words]) => [...words].map(([word, visible]) => ({ word, case_id, public: visible })));
  await withTransaction(db, async (trx) => {
    await trx('search_words').whereIn('case_id', caseIds).delete();
    for (let i = 0; i < rows.length; i += INSERT_ROWS) await trx('search_words').insert(rows.slice(i, i + INSERT_ROWS));
    await clearMarks(trx, 'search_pending', marks);
  });
}

/**
 * The `search` job: indexes every ticket marked for search, a batch per transaction, until none
 * is left or `untilMs` passes. A ticket changed while its batch ran keeps its mark and is indexed
 * again next time.
 */
export async function indexPendingTickets(db: Knex, untilMs = Number.POSITIVE_INFINITY): Promise<{ indexed: number; pending: boolean }> {
  const { done, pending } = await workThroughMarks(db, 'search_pending', BATCH, untilMs, (marks) => indexMarked(db, marks));
  return { indexed: done, pending };
}
