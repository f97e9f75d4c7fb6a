import Router from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import type { Actor } from '../tickets/actor.js';
import type { AssignTo } from '../tickets/assignment.js';
import { archiveTicket, changeTicket, createTicket, type TicketChanges, type TicketCreate } from '../tickets/commands.js';
import { assertMaySet } from '../tickets/fields.js';
import { ticketHistory } from '../tickets/history.js';
import { listTickets } from '../tickets/list.js';
import { findVisibleTicket } from '../tickets/queries.js';
import { reclassifyTicket } from '../tickets/reclassify.js';
import type { TicketServices } from '../tickets/services.js';
import { ticketView } from '../tickets/view.js';
import { ForbiddenError } from '../errors.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';
import { linkHeader } from './links.js';
import { messagesRouter } from './messages-routes.js';
import { readPage } from './pagination.js';

type UpdateBody = Omit<TicketChanges, 'assignee'> & { assignee_id?: string | null };

const actorOf = (ctx: Context): Actor => ctx.state.user;

async function viewOf(db: Knex, actor: Actor, ref: string) {
  return ticketView(await findVisibleTicket(db, actor, ref));
}

function toChanges({ assignee_id, ...rest }: UpdateBody): TicketChanges {
  return assignee_id === undefined ? rest : { ...rest, assignee: { agent_id: assignee_id } };
}

/** /api/v1/tickets: the tickets people work (DESIGN §5, workflow §6). Handlers validate, call the domain, answer. */
export function ticketsRouter(db: Knex, signer: TokenSigner, services: TicketServices): Router {
  const router = new Router({ prefix: '/tickets' });
  router.use(authenticate(db, signer));
  const staffOnly = requireRole('agent', 'admin');

  router.get('/', async (ctx) => {
    const page = readPage(ctx.query);
    const list = await listTickets(db, actorOf(ctx), ctx.query, page);
    const links = linkHeader(ctx, list);
    if (links) ctx.set('Link', links);
    ctx.body = list;
  });

  router.post('/', async (ctx) => {
    const body = validate<TicketCreate>('ticket-create.json', ctx.request.body);
    const id = await createTicket(db, services, actorOf(ctx), body);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/tickets/${id}`);
    ctx.body = await viewOf(db, actorOf(ctx), id);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await viewOf(db, actorOf(ctx), ctx.params.id!);
  });

  const update = (schema: string) => async (ctx: Context & { params: { id: string } }) => {
    const body = validate<UpdateBody>(schema, ctx.request.body);
    assertMaySet(actorOf(ctx), 'update', body);
    await changeTicket(db, services, actorOf(ctx), ctx.params.id, toChanges(body));
    ctx.body = await viewOf(db, actorOf(ctx), ctx.params.id);
  };
  router.patch('/:id', update('ticket-update.json'));
  // PUT states the ticket's content whole: subject and description are required.
  router.put('/:id', update('ticket-update-put.json'));

  router.delete('/:id', async (ctx) => {
    if (actorOf(ctx).role !== 'admin') throw new ForbiddenError('Only admins archive tickets');
    await archiveTicket(db, actorOf(ctx), ctx.params.id!);
    ctx.status = 204;
  });

  router.put('/:id/status', staffOnly, async (ctx) => {
    const body = validate<Pick<TicketChanges, 'status' | 'resolution_comment'>>('ticket-status.json', ctx.request.body);
    await changeTicket(db, services, actorOf(ctx), ctx.params.id!, body);
    ctx.body = await viewOf(db, actorOf(ctx), ctx.params.id!);
  });

  router.put('/:id/priority', staffOnly, async (ctx) => {
    const body = validate<Pick<TicketChanges, 'priority'>>('ticket-priority.json', ctx.request.body);
    await changeTicket(db, services, actorOf(ctx), ctx.params.id!, body);
    ctx.body = await viewOf(db, actorOf(ctx), ctx.params.id!);
  });

  router.post('/:id/assign', staffOnly, async (ctx) => {
    const body = validate<AssignTo>('ticket-assign.json', ctx.request.body);
    await changeTicket(db, services, actorOf(ctx), ctx.params.id!, { assignee: body });
    ctx.body = await viewOf(db, actorOf(ctx), ctx.params.id!);
  });

  router.post('/:id/classify', staffOnly, async (ctx) => {
    ctx.body = await reclassifyTicket(db, services, actorOf(ctx), ctx.params.id!);
  });

  router.get('/:id/history', async (ctx) => {
    ctx.body = await ticketHistory(db, actorOf(ctx), ctx.params.id!);
  });

  router.use(messagesRouter(db, services).routes());

  return router;
}
