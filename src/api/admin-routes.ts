import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import { listOutbox, retryMail, type MailStatus } from '../mail/outbox-admin.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';
import { readPage } from './pagination.js';

/** /api/v1/admin: what admins watch over (the mail outbox). */
export function adminRouter(db: Knex, signer: TokenSigner): Router {
  const router = new Router({ prefix: '/admin' });
  router.use(authenticate(db, signer), requireRole('admin'));

  router.get('/outbox', async (ctx) => {
    const query = validate<{ status?: MailStatus }>('outbox-list-query.json', ctx.query);
    ctx.body = await listOutbox(db, query.status, readPage(ctx.query));
  });

  router.post('/outbox/:id/retry', async (ctx) => {
    ctx.body = await retryMail(db, ctx.params.id!);
  });

  return router;
}
