import type { Knex } from 'knex';
import { countUpTo } from '../db/count.js';
import { ShortMemory } from '../db/short-memory.js';

/**
 * How long a list's "more than the cap" is believed without counting again. Such a total says
 * only "at least offset + 1,000" (`total_exact: false`), which a busy desk does not change in
 * seconds; counting it read 1,001 index entries or more on every page of a large backlog.
 */
const passedCap = new ShortMemory<true>(10_000);

/**
 * How many rows `query` matches, counting no further than `cap`; a query that reached the cap
 * within the last ten seconds answers `cap` without counting. Totals below the cap, the exact
 * ones, are always counted.
 */
export async function countToCap(db: Knex, query: Knex.QueryBuilder, cap: number): Promise<number> {
  const { sql, bindings } = query.toSQL();
  const key = `${cap} ${sql} ${JSON.stringify(bindings)}`;
  if (passedCap.recall(db, key)) return cap;
  const counted = await countUpTo(db, query, cap);
  if (counted >= cap) passedCap.remember(db, key, true);
  return counted;
}
