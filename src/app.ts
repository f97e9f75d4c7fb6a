import Koa from 'koa';
import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import './http/context.js';
import { requestContext } from './http/request-context.js';
import { createMetrics } from './http/metrics.js';
import { errorHandler } from './http/error-handler.js';
import { securityHeaders } from './http/security-headers.js';
import { opsRouter } from './http/ops-routes.js';
import { apiRouter } from './api/router.js';
import { ingestRouter } from './ingest/routes.js';
import { CreationBatcher } from './ingest/creation-batcher.js';
import type { BodyReader } from './ingest/body-readers.js';
import type { TokenSigner } from './auth/tokens.js';
import type { Registry } from 'prom-client';
import { Notifier } from './mail/notifications.js';
import { Classifier } from './classification/classifier.js';

export interface AppDeps {
  config: Config;
  db: Knex;
  logger: Logger;
  signer: TokenSigner;
  /** Reads ingest bodies; its threads live as long as the app (see src/ingest/body-readers.ts). */
  bodies: BodyReader;
}

/** The whole HTTP surface as a Koa app that does not listen: main.ts listens, tests drive it. */
export function createApp(deps: AppDeps): Koa {
  const { config, db, logger } = deps;
  // Behind a load balancer, the client's address (login throttling, logs) is in X-Forwarded-For.
  const app = new Koa({ proxy: config.trustProxy });
  const metrics = createMetrics(db);

  app.use(requestContext(logger));
  app.use(metrics.middleware);
  app.use(errorHandler());
  app.use(securityHeaders());

  const router = buildRouter(deps, metrics.registry);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Every route of the app, in one router (also read by the test that keeps openapi.yaml true). */
export function buildRouter({ config, db, signer, logger, bodies }: AppDeps, registry: Registry): Router {
  const classifier = new Classifier(config.classifyLogDir);
  const ingest = { db, logger, classifier, bodies, batcher: new CreationBatcher(db, classifier, logger) };
  const router = new Router();
  router.use(opsRouter(db, registry).routes());
  router.use(apiRouter({ config, db, signer, ingest, services: { notifier: new Notifier(config.publicUrl), classifier } }).routes());
  router.use(ingestRouter({ ...ingest, bodyLimitBytes: config.bodyLimitBytes }).routes());
  return router;
}
