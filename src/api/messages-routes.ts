import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TicketServices } from '../tickets/services.js';
import { deleteMessage, listMessages, postMessage } from '../tickets/messages.js';
import { validate } from '../validation.js';
import { readPage } from './pagination.js';

/** /api/v1/tickets/{id}/messages: the conversation on a ticket (mounted in the tickets router, behind its authentication). */
export function messagesRouter(db: Knex, services: TicketServices): Router {
  const router = new Router({ prefix: '/:id/messages' });

  router.get('/', async (ctx) => {
    ctx.body = await listMessages(db, ctx.state.user, ctx.params.id!, readPage(ctx.query, 10));
  });

  router.post('/', async (ctx) => {
    const body = validate<{ content: string; visibility?: 'public' | 'internal' }>('message-create.json', ctx.request.body);
    ctx.status = 201;
    ctx.body = await postMessage(db, services, ctx.state.user, ctx.params.id!, body);
  });

  router.delete('/:messageId', async (ctx) => {
    await deleteMessage(db, ctx.state.user, ctx.params.id!, ctx.params.messageId!);
    ctx.status = 204;
  });

  return router;
}
