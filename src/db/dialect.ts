import type { Knex } from 'knex';

/** MySQL (or MariaDB) rather than SQLite: for the few places where the two need different SQL. */
export function isMysql(db: Knex): boolean {
  return db.client.config.client === 'mysql2';
}

/**
 * `table` read through `index` alone on MySQL (`FORCE INDEX`), or left to the planner when
 * `index` is undefined (src/tickets/list.ts, `listIndexes`, says why). SQLite plans cheaply and
 * is never told.
 */
export function tableThrough(db: Knex, table: string, index: string | undefined): Knex.QueryBuilder {
  if (index === undefined || !isMysql(db)) return db(table);
  return db.from(db.raw('?? FORCE INDEX (??)', [table, index]));
}
