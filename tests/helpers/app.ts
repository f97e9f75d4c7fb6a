import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { createApp } from '../../src/app.js';
import type { Config, Env, LogLevel } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createBodyReader } from '../../src/ingest/body-readers.js';
import { closeGracefully, createServer, listen } from '../../src/http/server.js';
import { openDatabase, tokenSigner } from '../../src/startup.js';
import { assertDocumented } from './openapi-responses.js';
import { createTestDatabase, testConfig, type TestDatabase } from './database.js';

export interface TestApp {
  readonly baseUrl: string;
  readonly db: Knex;
  readonly config: Config;
  readonly server: Server;
  /** fetch() against the running app, relative to its base URL; every answer is checked against openapi.yaml. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Env;
  /** Use this database URL instead of a fresh one (the caller owns it). */
  databaseUrl?: string;
}

/** The real app on a real port over a migrated database of its own. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const owned: TestDatabase | undefined = options.databaseUrl ? undefined : await createTestDatabase();
  const config = testConfig(options.databaseUrl ?? owned!.url, options.env);
  // TEST_LOG_LEVEL=error npm test … shows what a 500 hid.
  const logger = createLogger((process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent');
  const { db } = await openDatabase(config, logger);
  const bodies = createBodyReader(config.ingestThreads, logger);
  const server = createServer(createApp({ config, db, logger, signer: await tokenSigner(db, config), bodies }));
  await listen(server, 0, '127.0.0.1');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    db,
    config,
    server,
    async request(path, init) {
      const response = await fetch(baseUrl + path, init);
      await assertDocumented(init?.method ?? 'GET', baseUrl + path, response);
      return response;
    },
    async close() {
      await closeGracefully(server, 1000);
      await bodies.close();
      await db.destroy();
      await owned?.drop();
    },
  };
}
