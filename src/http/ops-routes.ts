import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import { databaseIsUp } from './health.js';
import { registerDocsRoutes } from './docs.js';
import { registerDashboardRoutes } from './dashboard-page.js';

/** Routes for operators and load balancers: health, metrics, API documentation. */
export function opsRouter(db: Knex, registry: Registry): Router {
  const router = new Router();

  router.get('/', (ctx) => ctx.redirect('/health'));

  router.get('/health', async (ctx) => {
    const up = await databaseIsUp(db);
    ctx.status = up ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: up ? 'healthy' : 'unhealthy',
      database: up ? 'connected' : 'disconnected',
      timestamp: new Date().toISOString(),
    };
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });

  registerDocsRoutes(router);
  registerDashboardRoutes(router);
  return router;
}
