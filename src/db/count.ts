import type { Knex } from 'knex';

/** How many rows `query` matches (drivers answer COUNT as a number or as a string). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count({ n: '*' });
  return Number((row as { n: number | string }).n);
}
