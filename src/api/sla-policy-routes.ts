import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import type { SlaPolicy } from '../sla/deadlines.js';
import { changeSlaPolicy, listSlaPolicies } from '../sla/policies.js';
import { validate } from '../validation.js';
import { offsetPage } from './pagination.js';
import { authenticate, requireRole } from './authenticate.js';

/** /api/v1/sla-policies: admins read and change the targets per priority. */
export function slaPolicyRouter(db: Knex, signer: TokenSigner): Router {
  const router = new Router({ prefix: '/sla-policies' });
  router.use(authenticate(db, signer), requireRole('admin'));

  router.get('/', async (ctx) => {
    const items = await listSlaPolicies(db);
    ctx.body = offsetPage(items, items.length, { limit: items.length, offset: 0 });
  });

  router.put('/:priority', async (ctx) => {
    const body = validate<Omit<SlaPolicy, 'priority'>>('sla-policy-update.json', ctx.request.body);
    ctx.body = await changeSlaPolicy(db, ctx.params.priority!, body);
  });

  return router;
}
