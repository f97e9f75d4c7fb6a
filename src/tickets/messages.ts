import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { markForSearch } from '../search/pending.js';
import { countRows } from '../db/count.js';
import { offsetPage, type Page, type PageOf } from '../api/pagination.js';
import { fromDbTime, toDbTime } from '../db/time.js';
import { withTransaction } from '../db/transaction.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { isStaff, type Actor } from './actor.js';
import type { TicketServices } from './services.js';
import { applyTicketChanges, lockVisibleTicket } from './commands.js';
import { findVisibleTicket } from './queries.js';
import { clockChanges } from '../sla/clocks.js';
import { now as clockNow } from '../time/clock.js';
import { markForReports } from '../reports/rollups/roller.js';

interface MessageListRow {
  uuid: string;
  content: string;
  visibility: 'public' | 'internal';
  direction: 'inbound' | 'outbound';
  author_uuid: string | null;
  from_name: string | null;
  from_email: string | null;
  created_at: string;
}

function messageView(ticketId: string, row: MessageListRow) {
  return {
    id: row.uuid,
    ticket_id: ticketId,
    content: row.content,
    visibility: row.visibility,
    direction: row.direction,
    author_id: row.author_uuid,
    // Who wrote it, as the mail said (ingested messages; for API messages, the author's account).
    from_name: row.from_name,
    from_email: row.from_email,
    created_at: fromDbTime(row.created_at),
  };
}

export type MessageView = ReturnType<typeof messageView>;

function messagesOf(db: Knex, caseId: number, actor: Actor): Knex.QueryBuilder {
  const query = db('messages').where('messages.case_id', caseId).whereNull('messages.deleted_at');
  // Internal notes never reach a customer, on any route.
  if (!isStaff(actor)) query.where('messages.visibility', 'public');
  return query;
}

/** GET /tickets/{id}/messages: oldest first. */
export async function listMessages(db: Knex, actor: Actor, ref: string, page: Page): Promise<PageOf<MessageView>> {
  const ticket = await findVisibleTicket(db, actor, ref);
  const [rows, total] = await Promise.all([
    messagesOf(db, ticket.id, actor)
      .leftJoin('users', 'users.id', 'messages.author_id')
      .orderBy([{ column: 'messages.created_at' }, { column: 'messages.id' }])
      .limit(page.limit)
      .offset(page.offset)
      .select('messages.*', 'users.uuid as author_uuid') as Promise<MessageListRow[]>,
    countRows(messagesOf(db, ticket.id, actor)),
  ]);
  return offsetPage(rows.map((row) => messageView(ticket.uuid, row)), total, page);
}

/**
 * POST /tickets/{id}/messages. Staff replies are outbound and the first public one is the
 * ticket's first response; a customer's are inbound, public only, and move a waiting ticket
 * back to in progress (the SLA clock resumes). One transaction with the ticket locked.
 */
export async function postMessage(db: Knex, services: TicketServices, actor: Actor, ref: string, body: { content: string; visibility?: 'public' | 'internal' }): Promise<MessageView> {
  const visibility = body.visibility ?? 'public';
  if (visibility === 'internal' && !isStaff(actor)) throw new ForbiddenError('Customers cannot write internal notes', { visibility: ['may not be internal for a customer'] });
  return withTransaction(db, async (trx) => {
    const ticket = await lockVisibleTicket(trx, actor, ref);
    const author = (await trx('users').where({ id: actor.id }).first('email', 'first_name', 'last_name')) as { email: string | null; first_name: string; last_name: string };
    const at = clockNow();
    const now = toDbTime(at);
    const uuid = randomUUID();
    const row = {
      case_id: ticket.id,
      uuid,
      direction: isStaff(actor) ? 'outbound' : 'inbound',
      visibility,
      author_id: actor.id,
      from_name: `${author.first_name} ${author.last_name}`.trim() || null,
      from_email: author.email,
      content: body.content,
      created_at: now,
      received_at: now,
    } as const;
    await trx('messages').insert(row);
    await markForSearch(trx, [ticket.id]);
    if (isStaff(actor) && visibility === 'public' && ticket.first_response_at === null) {
      await trx('cases').where({ id: ticket.id }).update(clockChanges(ticket, { firstResponseAt: now }, at));
      await markForReports(trx, [ticket.id]);
    }
    if (isStaff(actor) && visibility === 'public') await services.notifier.publicReply(trx, ticket, { uuid, content: body.content, authorName: row.from_name }, actor.id);
    if (!isStaff(actor) && ticket.status === 'waiting') await applyTicketChanges(trx, services, actor, ticket, { status: 'in_progress' });
    else await trx('cases').where({ id: ticket.id }).update({ updated_at: now });
    return messageView(ticket.uuid, { ...row, author_uuid: actor.uuid });
  });
}

/** DELETE /tickets/{id}/messages/{message_id}: staff remove a message (kept, marked deleted). */
export async function deleteMessage(db: Knex, actor: Actor, ref: string, messageId: string): Promise<void> {
  if (!isStaff(actor)) throw new ForbiddenError('Only agents and admins delete messages');
  const ticket = await findVisibleTicket(db, actor, ref);
  const removed = await withTransaction(db, async (trx) => {
    const count = await trx('messages').where({ case_id: ticket.id, uuid: messageId.toLowerCase() }).whereNull('deleted_at').update({ deleted_at: toDbTime(new Date()) });
    if (count > 0) await markForSearch(trx, [ticket.id]);
    return count;
  });
  if (removed === 0) throw new NotFoundError('No such message');
}
