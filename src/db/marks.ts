import type { Knex } from 'knex';

/**
 * Marks on tickets that a background job must look at again (`search_pending` for the search
 * words, `report_pending` for the report rollups), written in the transaction that changed the
 * ticket so that no change can commit unmarked. Each mark counts its changes, and a job clears
 * only the count it read: a change made while the job worked keeps its mark.
 */
export type MarkTable = 'search_pending' | 'report_pending';

/** A ticket's mark: how many changes it counted when it was read. */
export interface Mark {
  case_id: number;
  changes: number;
}

export async function markCases(trx: Knex | Knex.Transaction, table: MarkTable, caseIds: readonly number[]): Promise<void> {
  const ids = [...new Set(caseIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await trx(table)
    .insert(ids.map((case_id) => ({ case_id, changes: 1 })))
    .onConflict('case_id')
    .merge({ changes: trx.raw(`${table}.changes + 1`) });
}

/** The first `limit` marks, by ticket id. */
export async function readMarks(db: Knex, table: MarkTable, limit: number): Promise<Mark[]> {
  const rows = (await db(table).select('case_id', 'changes').orderBy('case_id').limit(limit)) as Mark[];
  return rows.map((row) => ({ case_id: Number(row.case_id), changes: Number(row.changes) }));
}

/** Clears the marks that still count what they counted when read. */
export async function clearMarks(trx: Knex.Transaction, table: MarkTable, marks: readonly Mark[]): Promise<void> {
  if (marks.length === 0) return;
  await trx(table)
    .whereIn(['case_id', 'changes'], marks.map((mark) => [mark.case_id, mark.changes]))
    .delete();
}

/**
 * A job's run over marks: takes the first `batch` marks, hands them to `handle` (which clears
 * those it dealt with), and goes on until none is left or `untilMs` passes.
 */
export async function workThroughMarks(
  db: Knex,
  table: MarkTable,
  batch: number,
  untilMs: number,
  handle: (marks: Mark[]) => Promise<void>,
): Promise<{ done: number; pending: boolean }> {
  let done = 0;
  while (Date.now() < untilMs) {
    const marks = await readMarks(db, table, batch);
    if (marks.length === 0) return { done, pending: false };
    await handle(marks);
    done += marks.length;
  }
  return { done, pending: true };
}
