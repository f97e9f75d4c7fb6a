import type { Knex } from 'knex';

/** How many rows `query` matches (drivers answer COUNT as a number or as a string). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count({ n: '*' });
  return Number((row as { n: number | string }).n);
}

/** How many rows `query` matches, counting no further than `cap` (so no more than `cap` are read). */
export function countUpTo(db: Knex, query: Knex.QueryBuilder, cap: number): Promise<number> {
  return countRows(db.from(query.select(db.raw('1')).limit(cap).as('matches')));
}
