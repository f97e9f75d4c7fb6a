import type { Knex } from 'knex';
import { countUpTo, countUpToQuery } from '../db/count.js';
import { ShortMemory } from '../db/short-memory.js';
import { now } from '../time/clock.js';

/**
 * How long a list's "more than the cap" is believed without counting again. Such a total says
 * only "at least offset + 1,000" (`total_exact: false`), which a busy desk does not change in
 * seconds; counting it read 1,001 index entries or more on every page of a large backlog.
 */
const BELIEVED_MS = 10_000;

interface PastCap {
  countedAt: number;
  /** A request is counting again: until it knows, the others keep answering the cap. */
  recounting: boolean;
}

/**
 * Totals that reached the cap, remembered a little longer than they are believed: once the
 * belief ran out under load, every request in flight counted at once (ten counts of 15 to 60 ms
 * holding every connection of the pool), so the first request counts again and the others
 * answer the cap meanwhile.
 */
const reachedCap = new ShortMemory<PastCap>(2 * BELIEVED_MS);

/** The column a page's rows carry their list's count in. */
export interface CountedRow {
  list_total?: number | string;
}

/**
 * Reads a page and the number of rows `countQuery` matches, counted no further than `cap`, in
 * one statement where it can: `readPage` is given the count as a subquery to select as the
 * column `list_total` (a second statement cost the API process about as much as the page).
 * A query that reached the cap within the last ten seconds, or is being counted again by another
 * request, answers `cap` without counting. Totals below the cap, the exact ones, are always
 * counted. A page without rows carries no count: it is 0 when `emptyMeansNone` (the first page),
 * else counted alone.
 */
export async function readWithTotal<Row extends CountedRow>(
  db: Knex,
  countQuery: Knex.QueryBuilder,
  cap: number,
  emptyMeansNone: boolean,
  readPage: (count: Knex.QueryBuilder | undefined) => Promise<Row[]>,
): Promise<{ rows: Row[]; total: number }> {
  const { sql, bindings } = countQuery.toSQL();
  const key = `${cap} ${sql} ${JSON.stringify(bindings)}`;
  const known = reachedCap.recall(db, key);
  if (known && (known.recounting || now().getTime() - known.countedAt < BELIEVED_MS)) return { rows: await readPage(undefined), total: cap };
  if (known) known.recounting = true;
  let rows: Row[];
  let counted: number;
  try {
    rows = await readPage(countUpToQuery(db, countQuery, cap));
    if (rows.length > 0) counted = Number(rows[0]!.list_total);
    else counted = emptyMeansNone ? 0 : await countUpTo(db, countQuery, cap);
  } finally {
    if (known) known.recounting = false;
  }
  if (counted >= cap) reachedCap.remember(db, key, { countedAt: now().getTime(), recounting: false });
  else reachedCap.forget(db, key);
  return { rows, total: counted };
}
