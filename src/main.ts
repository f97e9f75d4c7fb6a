import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { createBodyReader } from './ingest/body-readers.js';
import { closeGracefully, createServer, listen } from './http/server.js';
import { describeDatabase, loadConfigOrExit, openDatabase, tokenSigner } from './startup.js';
import { ensureAdmin } from './users/bootstrap-admin.js';
import { startWorkers } from './workers/start.js';

// In-flight requests get this long to finish after SIGTERM before their connections are cut.
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const logger = createLogger(config.logLevel);
  const { db, applied } = await openDatabase(config, logger);
  logger.info({ database: describeDatabase(config), migrations_applied: applied.length }, 'database ready');

  const admin = await ensureAdmin(db, config.adminEmail, config.adminPassword);
  if (admin.created) {
    logger.info({ email: admin.email }, 'created the first admin account');
    if (admin.generatedPassword !== undefined) {
      // Printed once, on the start that creates the account; it is stored only as a hash.
      process.stdout.write(
        `\nFirst admin account: ${admin.email}\nGenerated password: ${admin.generatedPassword}\n` +
          `Store it now; it is not shown again. Set ADMIN_PASSWORD to choose one instead.\n\n`,
      );
    }
  }

  const bodies = createBodyReader(config.ingestThreads, logger);
  const server = config.role === 'worker' ? undefined : createServer(createApp({ config, db, logger, signer: await tokenSigner(db, config), bodies }));
  const workers = config.role === 'api' ? undefined : startWorkers(db, config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    await workers?.stop();
    if (server) await closeGracefully(server, SHUTDOWN_GRACE_MS);
    await bodies.close();
    await db.destroy();
    logger.info('stopped');
    logger.flush();
  };
  // Before listening: once "listening" is logged, a SIGTERM always gets the graceful stop.
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  if (server) {
    await listen(server, config.port, config.host);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, role: config.role }, `listening on http://localhost:${port}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`casehub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
