import type { Knex } from 'knex';

/** MySQL (or MariaDB) rather than SQLite: for the few places where the two need different SQL. */
export function isMysql(db: Knex): boolean {
  return db.client.config.client === 'mysql2';
}
