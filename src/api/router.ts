import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { jsonBody } from '../http/json-body.js';
import { registerAuthRoutes } from './auth-routes.js';
import { integrationsRouter } from './integrations-routes.js';
import { ingestLogRouter } from './ingest-log-routes.js';
import type { Logger } from '../logger.js';

export interface ApiDeps {
  config: Config;
  db: Knex;
  signer: TokenSigner;
  logger: Logger;
}

/** Everything under /api/v1: the internal API for people. */
export function apiRouter({ config, db, signer, logger }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  router.use(jsonBody(config.bodyLimitBytes));
  registerAuthRoutes(router, db, signer);
  router.use(integrationsRouter(db, signer).routes());
  router.use(ingestLogRouter(db, signer, logger).routes());
  return router;
}
