import knexFactory from 'knex';
import { parseDatabaseUrl, type DatabaseTarget } from '../src/config.js';
import { createDb } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';

export function mysqlTarget(url: string): Extract<DatabaseTarget, { dialect: 'mysql' }> {
  const target = parseDatabaseUrl(url);
  if (target?.dialect !== 'mysql') throw new Error(`a bench database must be a mysql:// URL, got ${url}`);
  return target;
}

/**
 * Drops and recreates the bench database, then migrates it: every run starts from nothing.
 * `migrate: false` leaves it empty, for a server of another checkout to migrate as it starts.
 */
export async function freshDatabase(url: string, migrate = true): Promise<void> {
  const target = mysqlTarget(url);
  const admin = knexFactory({ client: 'mysql2', connection: { host: target.host, port: target.port, user: target.user, password: target.password } });
  await admin.raw('DROP DATABASE IF EXISTS ??', [target.database]);
  await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [target.database]);
  await admin.destroy();
  if (!migrate) return;
  const db = createDb({ database: target, dbPoolMax: 2 }, createLogger('warn'));
  await migrateLatest(db);
  await db.destroy();
}
