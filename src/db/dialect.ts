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

/**
 * The rows of `parts` together (UNION ALL), each part with its own ORDER BY and LIMIT. MySQL
 * takes each part in parentheses; SQLite only as a derived table apiece, which MariaDB would
 * write to a temporary table of its own (a twelfth of a status × priority page's time).
 */
export function unionOfLimited(db: Knex, parts: Knex.QueryBuilder[]): Knex.QueryBuilder {
  if (isMysql(db)) return db.unionAll(parts, true);
  return db.unionAll(parts.map((part) => db.select('*').from(part.as('part'))));
}
