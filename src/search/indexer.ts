import type { Knex } from 'knex';
import { withTransaction } from '../db/transaction.js';
import { ticketWords } from './ticket-words.js';

/** Tickets indexed per transaction: large enough for multi-row inserts, small enough to hold few locks. */
const BATCH = 200;
/** Rows per INSERT of words. */
const INSERT_ROWS = 2000;

/** A ticket's mark: how many changes it counted when it was read. */
export interface SearchMark {
  case_id: number;
  changes: number;
}

/** The first marks, by ticket id. */
export async function readMarks(db: Knex, limit = BATCH): Promise<SearchMark[]> {
  const rows = (await db('search_pending').select('case_id', 'changes').orderBy('case_id').limit(limit)) as SearchMark[];
  return rows.map((row) => ({ case_id: Number(row.case_id), changes: Number(row.changes) }));
}

/** Writes the marked tickets' words anew, and clears each mark unless it counted another change meanwhile. */
export async function indexMarked(db: Knex, marks: readonly SearchMark[]): Promise<void> {
  const caseIds = marks.map((mark) => mark.case_id);
  const rows = [...(await ticketWords(db, caseIds))].flatMap(([case_id, words]) => [...words].map(([word, visible]) => ({ word, case_id, public: visible })));
  await withTransaction(db, async (trx) => {
    await trx('search_words').whereIn('case_id', caseIds).delete();
    for (let i = 0; i < rows.length; i += INSERT_ROWS) await trx('search_words').insert(rows.slice(i, i + INSERT_ROWS));
    await trx('search_pending')
      .whereIn(['case_id', 'changes'], marks.map((mark) => [mark.case_id, mark.changes]))
      .delete();
  });
}

/**
 * The `search` job: indexes every ticket marked for search, a batch per transaction, until none
 * is left or `untilMs` passes. A ticket changed while its batch ran keeps its mark and is indexed
 * again next time.
 */
export async function indexPendingTickets(db: Knex, untilMs = Number.POSITIVE_INFINITY): Promise<{ indexed: number; pending: boolean }> {
  let indexed = 0;
  while (Date.now() < untilMs) {
    const marks = await readMarks(db);
    if (marks.length === 0) return { indexed, pending: false };
    await indexMarked(db, marks);
    indexed += marks.length;
  }
  return { indexed, pending: true };
}
