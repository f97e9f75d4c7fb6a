import type { Knex } from 'knex';
import { ConfigError, loadConfig, type Config, type Env } from './config.js';
import { createDb, ensureDatabaseExists } from './db/connect.js';
import { migrateLatest } from './db/migrate.js';
import { createTokenSigner, type TokenSigner } from './auth/tokens.js';
import { sharedSecret } from './settings.js';
import type { Logger } from './logger.js';

/** Reads the configuration, or stops the process with the one line that says what is wrong. */
export function loadConfigOrExit(env: Env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
}

/** Creates the MySQL database if it is missing, connects, and applies pending migrations. */
export async function openDatabase(config: Config, logger: Logger): Promise<{ db: Knex; applied: string[] }> {
  await ensureDatabaseExists(config.database);
  const db = createDb(config, logger);
  try {
    return { db, applied: await migrateLatest(db) };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** The database URL with any password masked, for logs. */
export function describeDatabase(config: Config): string {
  const target = config.database;
  return target.dialect === 'sqlite'
    ? `sqlite:${target.filename}`
    : `mysql://${target.user}@${target.host}:${target.port}/${target.database}`;
}

/** Signs with JWT_SECRET, or with the secret this installation generated and keeps in its database. */
export async function tokenSigner(db: Knex, config: Config): Promise<TokenSigner> {
  return createTokenSigner(config.jwtSecret ?? (await sharedSecret(db, 'jwt_secret')));
}
