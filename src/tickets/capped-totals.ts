import type { Knex } from 'knex';
import { countUpTo } from '../db/count.js';
import { now } from '../time/clock.js';

/**
 * How long a list's "more than the cap" is believed without counting again. Such a total says
 * only "at least offset + 1,000" (`total_exact: false`), which a busy desk does not change in
 * seconds; counting it read 1,001 index entries or more on every page of a large backlog.
 */
const REMEMBER_MS = 10_000;
/** Distinct queries remembered per database handle; the oldest is forgotten first. */
const MAX_REMEMBERED = 10_000;

/** Per database handle (tests run many apps in one process), the count SQL → until when. */
const passedCap = new WeakMap<Knex, Map<string, number>>();

/**
 * How many rows `query` matches, counting no further than `cap`; a query that reached the cap
 * within the last REMEMBER_MS answers `cap` without counting. Totals below the cap, the exact
 * ones, are always counted.
 */
export async function countToCap(db: Knex, query: Knex.QueryBuilder, cap: number): Promise<number> {
  let remembered = passedCap.get(db);
  if (!remembered) passedCap.set(db, (remembered = new Map()));
  const { sql, bindings } = query.toSQL();
  const key = `${cap} ${sql} ${JSON.stringify(bindings)}`;
  const until = remembered.get(key);
  const at = now().getTime();
  if (until !== undefined && until > at) return cap;
  remembered.delete(key);

  const counted = await countUpTo(db, query, cap);
  if (counted >= cap) {
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
    remembered.set(key, at + REMEMBER_MS);
  }
  return counted;
}
