import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import { visibleTo, type Actor } from './actor.js';
import type { TicketRow } from './view.js';

const TICKET_NUMBER = /^TICK-\d{8}-\d{4,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How a ticket read is made. */
export interface TicketRead {
  /** `cases`, or the table with an index hint. */
  from?: Knex.QueryBuilder;
  /** The case's columns; all by default. */
  columns?: readonly string[];
  /** The public id of every row's assignee, when the read is one assignee's: no join for it. */
  assigneeUuid?: string;
}

/**
 * `cases` (its tags included, in `tag_list`) with the public ids and email of the ticket's
 * customer and assignee.
 */
export function ticketQuery(db: Knex, read: TicketRead = {}): Knex.QueryBuilder {
  const query = (read.from ?? db('cases'))
    .leftJoin('users as customer', 'customer.id', 'cases.customer_id')
    .select(...(read.columns ?? ['*']).map((column) => `cases.${column}`), 'customer.uuid as customer_uuid', 'customer.email as customer_email');
  if (read.assigneeUuid !== undefined) return query.select(db.raw('? AS assignee_uuid', [read.assigneeUuid]));
  return query.leftJoin('users as assignee', 'assignee.id', 'cases.assignee_id').select('assignee.uuid as assignee_uuid');
}

/** Narrows a query on `cases` to one ticket, by its UUID or its number; false when `ref` is neither. */
export function whereTicketRef(query: Knex.QueryBuilder, ref: string): boolean {
  if (TICKET_NUMBER.test(ref)) query.where('cases.number', ref);
  else if (UUID.test(ref)) query.where('cases.uuid', ref.toLowerCase());
  else return false;
  return true;
}

/** The ticket the actor may see, by UUID or number; 404 for anything else (another customer's too). */
export async function findVisibleTicket(db: Knex, actor: Actor, ref: string): Promise<TicketRow> {
  const query = visibleTo(ticketQuery(db), actor);
  const row = whereTicketRef(query, ref) ? ((await query.first()) as TicketRow | undefined) : undefined;
  if (!row) throw new NotFoundError('No such ticket');
  return row;
}
