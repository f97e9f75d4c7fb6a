import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import {
  changeIntegration,
  clearSigningSecret,
  createIntegration,
  getIntegration,
  rotateApiKey,
  setSigningSecret,
  toView,
} from '../integrations/service.js';
import { listIntegrations } from '../integrations/repository.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';
import { offsetPage, readPage } from './pagination.js';

/** /api/v1/integrations: admins create and manage the API keys integrations push cases with. */
export function integrationsRouter(db: Knex, signer: TokenSigner): Router {
  const router = new Router({ prefix: '/integrations' });
  router.use(authenticate(db, signer), requireRole('admin'));

  router.post('/', async (ctx) => {
    const body = validate<{ name: string }>('integration-create.json', ctx.request.body);
    ctx.status = 201;
    ctx.body = await createIntegration(db, body.name);
  });

  router.get('/', async (ctx) => {
    const page = readPage(ctx.query);
    const { rows, total } = await listIntegrations(db, page.limit, page.offset);
    ctx.body = offsetPage(rows.map(toView), total, page);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = toView(await getIntegration(db, ctx.params.id!));
  });

  router.patch('/:id', async (ctx) => {
    const body = validate<{ name?: string; active?: boolean }>('integration-update.json', ctx.request.body);
    ctx.body = await changeIntegration(db, ctx.params.id!, body);
  });

  router.post('/:id/rotate', async (ctx) => {
    ctx.body = await rotateApiKey(db, ctx.params.id!);
  });

  router.post('/:id/signing-secret', async (ctx) => {
    ctx.status = 201;
    ctx.body = { signing_secret: await setSigningSecret(db, ctx.params.id!) };
  });

  router.delete('/:id/signing-secret', async (ctx) => {
    await clearSigningSecret(db, ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}
