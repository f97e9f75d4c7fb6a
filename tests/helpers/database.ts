import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { loadConfig, parseDatabaseUrl, type Config, type Env } from '../../src/config.js';
import { dialect } from './dialect.js';

export interface TestDatabase {
  /** A DATABASE_URL for this test file's own, empty database. */
  readonly url: string;
  drop(): Promise<void>;
}

function mysqlServerUrl(): URL {
  const raw = process.env.TEST_MYSQL_URL;
  if (!raw) throw new Error('TEST_MYSQL_URL is not set, but the mysql project is running');
  return new URL(raw);
}

/** An admin connection to the MySQL server named by TEST_MYSQL_URL. */
export function mysqlAdmin() {
  const url = mysqlServerUrl();
  return knexFactory({
    client: 'mysql2',
    connection: {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username) || 'root',
      password: decodeURIComponent(url.password),
    },
    pool: { min: 0, max: 1 },
  });
}

async function createMysqlDatabase(): Promise<TestDatabase> {
  const name = `casehub_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = mysqlAdmin();
  await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  await admin.destroy();
  const url = mysqlServerUrl();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = mysqlAdmin();
      await again.raw('DROP DATABASE IF EXISTS ??', [name]);
      await again.destroy();
    },
  };
}

function createSqliteDatabase(): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casehub-test-'));
  return {
    url: `sqlite:${path.join(dir, 'casehub.sqlite')}`,
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty database for one test file, on this project's dialect. */
export function createTestDatabase(): Promise<TestDatabase> {
  return dialect === 'mysql' ? createMysqlDatabase() : Promise.resolve(createSqliteDatabase());
}

/** The configuration a test runs with: quiet logs, its own database, and any overrides. */
export function testConfig(databaseUrl: string, env: Env = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', ...env });
}

export function mysqlTargetOf(databaseUrl: string) {
  const target = parseDatabaseUrl(databaseUrl);
  if (target?.dialect !== 'mysql') throw new Error(`not a MySQL URL: ${databaseUrl}`);
  return target;
}
