import type { Knex } from 'knex';
import { isMysql } from '../db/dialect.js';
import { NotFoundError } from '../errors.js';
import { visibleTo, type Actor } from './actor.js';
import type { TicketRow } from './view.js';

const TICKET_NUMBER = /^TICK-\d{8}-\d{4,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ticket's tags in their order as a JSON array (NULL on MySQL when there are none): read
 * with the row, so a page of tickets is one query, not two. Tags may hold any character, so
 * no separator would do; group_concat_max_len is raised per session (src/db/connect.ts).
 */
function tagListSql(db: Knex): string {
  const list = isMysql(db)
    ? "CONCAT('[', GROUP_CONCAT(JSON_QUOTE(case_tags.tag) ORDER BY case_tags.position SEPARATOR ','), ']')"
    : 'json_group_array(case_tags.tag ORDER BY case_tags.position)';
  return `(SELECT ${list} FROM case_tags WHERE case_tags.case_id = cases.id) AS tag_list`;
}

/** `cases` with the public ids and email of the ticket's customer and assignee, and its tags. */
export function ticketQuery(db: Knex): Knex.QueryBuilder {
  return db('cases')
    .leftJoin('users as customer', 'customer.id', 'cases.customer_id')
    .leftJoin('users as assignee', 'assignee.id', 'cases.assignee_id')
    .select('cases.*', 'customer.uuid as customer_uuid', 'customer.email as customer_email', 'assignee.uuid as assignee_uuid', db.raw(tagListSql(db)));
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
