import type { Knex } from 'knex';
import { countUpTo, countUpToQuery } from '../db/count.js';
import { SharedBelief } from '../db/short-memory.js';

/**
 * How long a list's "more than the cap" is believed without counting again. Such a total says
 * only "at least offset + 1,000" (`total_exact: false`), which a busy desk does not change in
 * seconds; counting it read 1,001 index entries or more on every page of a large backlog.
 */
const BELIEVED_MS = 10_000;

/** Totals that reached the cap (src/db/short-memory.ts says why one request counts again). */
const reachedCap = new SharedBelief<true>(BELIEVED_MS);

/**
 * What a list counts: the query, built only when needed, and the key its belief is kept under
 * when the caller knows one without compiling the query (the inputs that decide it).
 */
export interface CountOf {
  query: () => Knex.QueryBuilder;
  key?: string;
}

function keyOf(query: Knex.QueryBuilder): string {
  const { sql, bindings } = query.toSQL();
  return `${sql} ${JSON.stringify(bindings)}`;
}

/** The column a page's rows carry their list's count in. */
export interface CountedRow {
  list_total?: number | string;
}

/**
 * Reads a page and the number of rows `count.query()` matches, counted no further than `cap`,
 * in one statement where it can: `readPage` is given what builds the count as a subquery, to
 * select as the column `list_total` (a second statement cost the API process about as much as
 * the page), or fills that column itself from the matches it reads anyway. Neither the count
 * nor its subquery is built when the page does not need it.
 * A count that reached the cap within the last ten seconds, or is being counted again by another
 * request, answers `cap` without counting. It is known by `count.key`, or else by its SQL.
 * Totals below the cap, the exact ones, are always counted. A page without rows carries no
 * count: it is 0 when `emptyMeansNone` (the first page), else counted alone.
 */
export async function readWithTotal<Row extends CountedRow>(
  db: Knex,
  count: CountOf,
  cap: number,
  emptyMeansNone: boolean,
  readPage: (count: (() => Knex.QueryBuilder) | undefined) => Promise<Row[]>,
): Promise<{ rows: Row[]; total: number }> {
  const key = `${cap} ${count.key ?? keyOf(count.query())}`;
  // Filled when this request counts; a believed cap leaves it empty.
  const counted: { page?: { rows: Row[]; total: number } } = {};
  await reachedCap.answer(db, key, async () => {
    const rows = await readPage(() => countUpToQuery(db, count.query(), cap));
    const total = rows.length > 0 ? Number(rows[0]!.list_total) : emptyMeansNone ? 0 : await countUpTo(db, count.query(), cap);
    counted.page = { rows, total };
    return total >= cap ? true : undefined;
  });
  return counted.page ?? { rows: await readPage(undefined), total: cap };
}
