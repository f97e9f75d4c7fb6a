import type { Knex } from 'knex';
import { isMysql as mysql } from './dialect.js';

/** Column helpers for migrations: the few places where MySQL and SQLite need different types. */

/**
 * Integration-supplied identities (caseUid, messageUid) compare byte-exactly: `abc`, `ABC` and
 * `abc ` are three. MySQL's default collations would merge them, so these are VARBINARY there;
 * SQLite's default BINARY collation already compares bytes.
 */
export function exactId(knex: Knex, table: Knex.TableBuilder, name: string): Knex.ColumnBuilder {
  return mysql(knex) ? table.specificType(name, 'varbinary(1024)') : table.text(name);
}

/** A public UUID: ASCII, compared as bytes, 36 bytes in every index. */
export function uuid(knex: Knex, table: Knex.TableBuilder, name: string): Knex.ColumnBuilder {
  return mysql(knex)
    ? table.specificType(name, 'char(36) character set ascii collate ascii_bin')
    : table.string(name, 36);
}

/** A short machine name (custom-field names, job names) that must compare case-sensitively. */
export function exactName(knex: Knex, table: Knex.TableBuilder, name: string, length: number): Knex.ColumnBuilder {
  return mysql(knex)
    ? table.specificType(name, `varchar(${length}) character set utf8mb4 collate utf8mb4_bin`)
    : table.string(name, length);
}

/** Millisecond UTC time, stored as text in SQLite (see src/db/time.ts). */
export function time(table: Knex.TableBuilder, name: string): Knex.ColumnBuilder {
  return table.datetime(name, { precision: 3 });
}

/** Large raw bytes: request bodies up to the body limit (5 MB by default). */
export function bytes(knex: Knex, table: Knex.TableBuilder, name: string): Knex.ColumnBuilder {
  return mysql(knex) ? table.specificType(name, 'longblob') : table.binary(name);
}

/** Long text: message bodies, JSON documents. */
export function longText(table: Knex.TableBuilder, name: string): Knex.ColumnBuilder {
  return table.text(name, 'mediumtext');
}

/** InnoDB and utf8mb4 for every MySQL table; nothing to say on SQLite. */
export function tableDefaults(knex: Knex, table: Knex.CreateTableBuilder): void {
  if (mysql(knex)) {
    table.engine('InnoDB');
    table.charset('utf8mb4');
    table.collate('utf8mb4_unicode_ci');
  }
}
