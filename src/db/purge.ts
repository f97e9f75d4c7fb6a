import type { Knex } from 'knex';
import { toDbTime } from './time.js';

/**
 * Deletes the rows of `table` whose `timeColumn` is before `cutoff`, in bounded batches (by
 * `keyColumn`) so no lock is held for long. Answers how many went.
 */
export async function deleteOlderThan(db: Knex, table: string, keyColumn: string, timeColumn: string, cutoff: Date, batchSize = 1000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const keys: unknown[] = await db(table).where(timeColumn, '<', toDbTime(cutoff)).limit(batchSize).pluck(keyColumn);
    if (keys.length === 0) return deleted;
    deleted += await db(table).whereIn(keyColumn, keys as string[]).delete();
  }
}
