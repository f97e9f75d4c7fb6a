import type { Knex } from 'knex';
import { countUpTo } from '../db/count.js';
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

/**
 * How many rows `query` matches, counting no further than `cap`; a query that reached the cap
 * within the last ten seconds, or is being counted again by another request, answers `cap`
 * without counting. Totals below the cap, the exact ones, are always counted.
 */
export async function countToCap(db: Knex, query: Knex.QueryBuilder, cap: number): Promise<number> {
  const { sql, bindings } = query.toSQL();
  const key = `${cap} ${sql} ${JSON.stringify(bindings)}`;
  const known = reachedCap.recall(db, key);
  if (known && (known.recounting || now().getTime() - known.countedAt < BELIEVED_MS)) return cap;
  if (known) known.recounting = true;
  let counted: number;
  try {
    counted = await countUpTo(db, query, cap);
  } finally {
    if (known) known.recounting = false;
  }
  if (counted >= cap) reachedCap.remember(db, key, { countedAt: now().getTime(), recounting: false });
  else reachedCap.forget(db, key);
  return counted;
}
