import type { Knex } from 'knex';

/** How many rows `query` matches (drivers answer COUNT as a number or as a string). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count({ n: '*' });
  return Number((row as { n: number | string }).n);
}

/** The first `cap` rows `query` matches, as a derived table for counting (so no more than `cap` are read). */
function matchesUpTo(db: Knex, query: Knex.QueryBuilder, cap: number): Knex.QueryBuilder {
  return db.from(query.clone().select(db.raw('1')).limit(cap).as('matches'));
}

/** The statement that counts the rows `query` matches, as `n`, no further than `cap`. */
export function countUpToQuery(db: Knex, query: Knex.QueryBuilder, cap: number): Knex.QueryBuilder {
  return matchesUpTo(db, query, cap).count({ n: '*' });
}

/** How many rows `query` matches, counting no further than `cap`. */
export function countUpTo(db: Knex, query: Knex.QueryBuilder, cap: number): Promise<number> {
  return countRows(matchesUpTo(db, query, cap));
}
