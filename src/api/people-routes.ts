import Router from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import { listTickets } from '../tickets/list.js';
import { createAccount, userView, type NewAccount } from '../users/accounts.js';
import { deactivatePerson, findPerson, listPeople, updatePerson, type PersonFields } from '../users/people.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';
import { linkHeader } from './links.js';
import { readPage } from './pagination.js';

/** One person's tickets: the ticket list's filters and paging, within what the caller may see. */
async function ticketsOf(db: Knex, ctx: Context, of: { customerId?: number; assigneeId?: number }) {
  const list = await listTickets(db, ctx.state.user, ctx.query, readPage(ctx.query), of);
  const links = linkHeader(ctx, list);
  if (links) ctx.set('Link', links);
  return list;
}

/** /api/v1/customers: staff manage customers; a customer may read themselves. */
export function customersRouter(db: Knex, signer: TokenSigner): Router {
  const router = new Router({ prefix: '/customers' });
  router.use(authenticate(db, signer));
  const staff = requireRole('agent', 'admin');

  router.get('/', staff, async (ctx) => {
    const query = validate<{ q?: string }>('people-list-query.json', ctx.query);
    ctx.body = await listPeople(db, 'customer', readPage(ctx.query), query.q);
  });

  router.post('/', staff, async (ctx) => {
    const body = validate<PersonFields & { email: string }>('customer-create.json', ctx.request.body);
    const row = await createAccount(db, 'customer', body);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/customers/${row.uuid}`);
    ctx.body = userView(row);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = userView(await findPerson(db, ctx.state.user, 'customer', ctx.params.id!));
  });

  const update = async (ctx: Context & { params: { id: string } }) => {
    const body = validate<PersonFields>('customer-update.json', ctx.request.body);
    ctx.body = userView(await updatePerson(db, await findPerson(db, ctx.state.user, 'customer', ctx.params.id), body));
  };
  router.put('/:id', staff, update);
  router.patch('/:id', staff, update);

  router.delete('/:id', requireRole('admin'), async (ctx) => {
    await deactivatePerson(db, await findPerson(db, ctx.state.user, 'customer', ctx.params.id!));
    ctx.status = 204;
  });

  router.get('/:id/tickets', async (ctx) => {
    const customer = await findPerson(db, ctx.state.user, 'customer', ctx.params.id!);
    ctx.body = await ticketsOf(db, ctx, { customerId: customer.id });
  });

  return router;
}

/** /api/v1/agents: staff list agents; admins create them. */
export function agentsRouter(db: Knex, signer: TokenSigner): Router {
  const router = new Router({ prefix: '/agents' });
  router.use(authenticate(db, signer), requireRole('agent', 'admin'));

  router.get('/', async (ctx) => {
    const query = validate<{ q?: string }>('people-list-query.json', ctx.query);
    ctx.body = await listPeople(db, 'agent', readPage(ctx.query), query.q);
  });

  router.post('/', requireRole('admin'), async (ctx) => {
    const body = validate<NewAccount>('auth-register.json', ctx.request.body);
    const row = await createAccount(db, 'agent', body);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/agents/${row.uuid}`);
    ctx.body = userView(row);
  });

  router.get('/:id/tickets', async (ctx) => {
    const agent = await findPerson(db, ctx.state.user, 'agent', ctx.params.id!);
    ctx.body = await ticketsOf(db, ctx, { assigneeId: agent.id });
  });

  return router;
}
