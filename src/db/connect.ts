import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config, DatabaseTarget } from '../config.js';
import type { Logger } from '../logger.js';

type MysqlTarget = Extract<DatabaseTarget, { dialect: 'mysql' }>;

// Strict mode makes MySQL refuse bad data (truncation, zero dates) instead of warning.
const MYSQL_SQL_MODE =
  'STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

/**
 * Identities (caseUid, messageUid) live in VARBINARY columns so they compare byte-exactly, and
 * mysql2 hands those back as Buffers. They are always UTF-8 text, so every result is given them
 * as strings, by column name: in rows, and in a pluck (an array of bare values; no BLOB column,
 * such as an ingest log's raw body, is ever plucked). A typeCast function did this before, but
 * mysql2 then calls it for every field of every row: a third of the time to read a page of
 * tickets.
 */
const BINARY_TEXT_COLUMNS = ['case_uid', 'message_uid'] as const;

function textOfRow(row: Record<string, unknown>): void {
  for (const column of BINARY_TEXT_COLUMNS) {
    const value = row[column];
    if (Buffer.isBuffer(value)) row[column] = value.toString('utf8');
  }
}

/** Decodes identities in what knex answers: a row, rows, a raw result ([rows, fields]) or a pluck. */
function identitiesAsText(result: unknown): unknown {
  if (Buffer.isBuffer(result) || result === null || typeof result !== 'object') return result;
  if (!Array.isArray(result)) {
    textOfRow(result as Record<string, unknown>);
    return result;
  }
  for (const [i, item] of result.entries()) {
    if (Buffer.isBuffer(item)) result[i] = item.toString('utf8');
    else identitiesAsText(item);
  }
  return result;
}

function mysqlConnection(target: MysqlTarget, withDatabase: boolean): Knex.MySql2ConnectionConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: withDatabase ? target.database : undefined,
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    connectTimeout: 5000,
  } as Knex.MySql2ConnectionConfig;
}

/** knex logs pool and connection trouble with console.log unless told otherwise. */
function knexLog(logger: Logger): Knex.Config['log'] {
  const db = logger.child({ component: 'knex' });
  return {
    warn: (message: unknown) => db.warn(String(message)),
    error: (message: unknown) => db.error(String(message)),
    deprecate: (method: string, alternative: string) => db.warn(`${method} is deprecated; use ${alternative}`),
    debug: (message: unknown) => db.debug(String(message)),
  };
}

function createMysql(target: MysqlTarget, poolMax: number, logger: Logger): Knex {
  return knexFactory({
    client: 'mysql2',
    log: knexLog(logger),
    connection: mysqlConnection(target, true),
    postProcessResponse: identitiesAsText,
    acquireConnectionTimeout: 10_000,
    pool: {
      min: 0,
      max: poolMax,
      afterCreate(conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query(`SET SESSION sql_mode = '${MYSQL_SQL_MODE}', time_zone = '+00:00'`, (err) => {
          if (err) return done(err, conn);
          // READ COMMITTED: at REPEATABLE READ, `SELECT … FOR UPDATE` of a row that does not exist
          // yet takes a gap lock, and requests creating neighbouring rows deadlock on each other's
          // gaps. Rows are still locked; only gaps are not.
          conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err2) => done(err2, conn));
        });
      },
    },
  });
}

function createSqlite(filename: string, logger: Logger): Knex {
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    log: knexLog(logger),
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      afterCreate(conn: { pragma: (sql: string) => unknown }, done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  });
}

export function createDb(config: Pick<Config, 'database' | 'dbPoolMax'>, logger: Logger): Knex {
  const target = config.database;
  return target.dialect === 'mysql' ? createMysql(target, config.dbPoolMax, logger) : createSqlite(target.filename, logger);
}

/** `start` creates the MySQL database named in the URL when it does not exist yet. */
export async function ensureDatabaseExists(target: DatabaseTarget): Promise<void> {
  if (target.dialect !== 'mysql') return;
  const server = knexFactory({ client: 'mysql2', connection: mysqlConnection(target, false), pool: { min: 0, max: 1 } });
  try {
    await server.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [target.database]);
  } finally {
    await server.destroy();
  }
}
