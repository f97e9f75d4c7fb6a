import type { Knex } from 'knex';

/** How many rows `query` matches (drivers answer COUNT as a number or as a string). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count({ n: '*' });
  return Number((row as { n: number | string }).n);
}

/** The statement that counts the rows `query` matches, as `n`, no further than `cap` (so no more than `cap` are read). */
export function countUpToQuery(db: Knex, query: Knex.QueryBuilder, cap: number): Knex.QueryBuilder {
  return db.from(query.clone().select(db.raw('1')).limit(cap).as('matches')).count({ n: '*' });
}

/** How many rows `query` matches, counting no further than `cap`. */
export async function countUpTo(db: Knex, query: Knex.QueryBuilder, cap: number): Promise<number> {
  const [row] = (await countUpToQuery(db, query, cap)) as Array<{ n: number | string }>;
  return Number(row!.n);
}
