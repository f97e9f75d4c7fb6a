import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { jsonBody } from '../http/json-body.js';
import { registerAuthRoutes } from './auth-routes.js';
import { integrationsRouter } from './integrations-routes.js';
import { ingestLogRouter } from './ingest-log-routes.js';
import { ticketsRouter } from './tickets-routes.js';
import { slaPolicyRouter } from './sla-policy-routes.js';
import { adminRouter } from './admin-routes.js';
import { reportsRouter } from './reports-routes.js';
import { classificationRouter } from './classification-routes.js';
import { idempotency } from './idempotency.js';
import { importRouter, importUpload } from './import-routes.js';
import { agentsRouter, customersRouter } from './people-routes.js';
import type { IngestDeps } from '../ingest/handle.js';
import type { TicketServices } from '../tickets/services.js';

export interface ApiDeps {
  config: Config;
  db: Knex;
  signer: TokenSigner;
  ingest: IngestDeps;
  services: TicketServices;
}

/** Everything under /api/v1: the internal API for people. */
export function apiRouter({ config, db, signer, ingest, services }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  router.use(jsonBody(config.bodyLimitBytes));
  router.use(importUpload(db, signer, config.importMaxBytes));
  router.use(idempotency(db, signer));
  registerAuthRoutes(router, db, signer);
  router.use(integrationsRouter(db, signer).routes());
  router.use(ingestLogRouter(db, signer, ingest).routes());
  router.use(importRouter(db, signer, services.classifier).routes());
  router.use(ticketsRouter(db, signer, services).routes());
  router.use(customersRouter(db, signer).routes());
  router.use(agentsRouter(db, signer).routes());
  router.use(slaPolicyRouter(db, signer).routes());
  router.use(reportsRouter(db, signer).routes());
  router.use(adminRouter(db, signer).routes());
  router.use(classificationRouter(db, signer, services.classifier).routes());
  return router;
}
