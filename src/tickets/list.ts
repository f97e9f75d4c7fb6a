import type { Knex } from 'knex';
import { likeContaining } from '../db/like.js';
import { toDbTime } from '../db/time.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import type { Page, PageOf } from '../api/pagination.js';
import { tagKey } from '../cases/tags.js';
import { validate } from '../validation.js';
import { isStaff, visibleTo, type Actor } from './actor.js';
import { tagsOf, ticketQuery } from './queries.js';
import { ticketView, type TicketRow, type TicketView } from './view.js';

export interface TicketListQuery {
  status?: string;
  priority?: string;
  category?: string;
  assignee_id?: string;
  customer_email?: string;
  tag?: string;
  source?: string;
  q?: string;
  created_from?: string;
  created_to?: string;
  sort?: string;
  archived?: 'true' | 'false';
  cursor?: string;
}

const PRIORITY_RANK = "CASE cases.priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END";

interface SortKey {
  name: string;
  /** The SQL the rows are ordered by (a column, or the priority's rank). */
  sql: string;
  descending: boolean;
  valueOf(row: TicketRow): string | number;
}

function sortKey(sort = '-created_at'): SortKey {
  const descending = sort.startsWith('-');
  const name = sort.replace(/^-/, '');
  if (name === 'priority') return { name: sort, sql: PRIORITY_RANK, descending, valueOf: (row) => ['low', 'medium', 'high', 'urgent'].indexOf(row.priority) + 1 };
  return { name: sort, sql: `cases.${name}`, descending, valueOf: (row) => row[name as 'created_at' | 'updated_at'] };
}

interface Cursor {
  sort: string;
  value: string | number;
  id: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string, sort: SortKey): Cursor {
  try {
    const [name, value, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (name === sort.name && (typeof value === 'string' || typeof value === 'number') && Number.isSafeInteger(id)) return { sort: name, value, id: id as number };
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('Invalid cursor', { cursor: ['is not a cursor of this list and sort order; start again without it'] });
}

/** Applies the filters of DESIGN §5 that need no lookups. */
function applyFilters(query: Knex.QueryBuilder, filters: TicketListQuery, actor: Actor): void {
  if (filters.status) query.whereIn('cases.status', filters.status.split(','));
  if (filters.priority) query.whereIn('cases.priority', filters.priority.split(','));
  if (filters.category) query.where('cases.category', filters.category);
  if (filters.source) query.where('cases.source', filters.source);
  if (filters.created_from) query.where('cases.created_at', '>=', toDbTime(new Date(filters.created_from)));
  if (filters.created_to) query.where('cases.created_at', '<', toDbTime(new Date(filters.created_to)));
  if (filters.tag) query.whereExists((sub) => sub.select(sub.client.raw('1')).from('case_tags').whereRaw('case_tags.case_id = cases.id').where('case_tags.tag_key', tagKey(filters.tag!)));
  if (filters.archived === 'true') query.where('cases.archived', true);
  else query.where('cases.archived', false);
  if (filters.q) {
    const pattern = likeContaining(filters.q);
    query.where((q) =>
      q.whereRaw("cases.subject LIKE ? ESCAPE '!'", [pattern]).orWhereExists((sub) => {
        sub.select(sub.client.raw('1')).from('messages').whereRaw('messages.case_id = cases.id').whereNull('messages.deleted_at').whereRaw("messages.content LIKE ? ESCAPE '!'", [pattern]);
        // Internal notes are searched for staff only: a customer must not learn their words by probing.
        if (!isStaff(actor)) sub.where('messages.visibility', 'public');
      }),
    );
  }
}

/** People named by the filters, as internal ids (so the index on the id column serves them); -1 matches nobody. */
async function peopleFilters(db: Knex, filters: TicketListQuery, actor: Actor): Promise<{ assigneeId?: number | null; customerId?: number }> {
  const idOf = async (where: object) => {
    const user = (await db('users').where(where).first('id')) as { id: number } | undefined;
    return user ? Number(user.id) : -1;
  };
  const people: { assigneeId?: number | null; customerId?: number } = {};
  if (filters.assignee_id === 'none') people.assigneeId = null;
  else if (filters.assignee_id === 'me') people.assigneeId = actor.id;
  else if (filters.assignee_id) people.assigneeId = await idOf({ uuid: filters.assignee_id.toLowerCase() });
  if (filters.customer_email) people.customerId = await idOf({ email: filters.customer_email.trim().toLowerCase() });
  return people;
}

function afterCursor(query: Knex.QueryBuilder, sort: SortKey, cursor: Cursor): void {
  const op = sort.descending ? '<' : '>';
  query.where((q) =>
    q.whereRaw(`${sort.sql} ${op} ?`, [cursor.value]).orWhere((tie) => tie.whereRaw(`${sort.sql} = ?`, [cursor.value]).where('cases.id', op, cursor.id)),
  );
}

/**
 * GET /tickets: the actor's visible tickets, filtered, sorted (ties broken by id, so pages never
 * overlap), paged by offset or by cursor. `total` counts every match, not the page.
 */
export async function listTickets(
  db: Knex,
  actor: Actor,
  rawQuery: Record<string, unknown>,
  page: Page,
  /** One customer's or one agent's tickets (GET /customers/{id}/tickets, /agents/{id}/tickets). */
  of: { customerId?: number; assigneeId?: number } = {},
): Promise<PageOf<TicketView>> {
  const filters = validate<TicketListQuery>('ticket-list-query.json', rawQuery);
  if (filters.archived === 'true' && actor.role !== 'admin') throw new ForbiddenError('Only admins can list archived tickets', { archived: ['is for admins only'] });
  if (filters.cursor && rawQuery.offset !== undefined) throw new ValidationError('Use either cursor or offset', { offset: ['cannot be combined with cursor'] });
  const sort = sortKey(filters.sort);

  const people = await peopleFilters(db, filters, actor);
  // The same conditions for the page and for the count; every column is qualified, so the
  // page's joins (for the people's public ids) change nothing.
  const narrow = (query: Knex.QueryBuilder) => {
    visibleTo(query, actor);
    if (of.customerId !== undefined) query.where('cases.customer_id', of.customerId);
    if (of.assigneeId !== undefined) query.where('cases.assignee_id', of.assigneeId);
    if (people.customerId !== undefined) query.where('cases.customer_id', people.customerId);
    if (people.assigneeId === null) query.whereNull('cases.assignee_id');
    else if (people.assigneeId !== undefined) query.where('cases.assignee_id', people.assigneeId);
    applyFilters(query, filters, actor);
    return query;
  };

  const rowsQuery = narrow(ticketQuery(db));
  if (filters.cursor) afterCursor(rowsQuery, sort, decodeCursor(filters.cursor, sort));
  const direction = sort.descending ? 'DESC' : 'ASC';
  rowsQuery.orderByRaw(`${sort.sql} ${direction}, cases.id ${direction}`).limit(page.limit + 1);
  if (!filters.cursor) rowsQuery.offset(page.offset);

  const [found, counted] = await Promise.all([rowsQuery as Promise<TicketRow[]>, narrow(db('cases')).count({ n: '*' })]);
  const rows = found.slice(0, page.limit);
  const tags = await tagsOf(db, rows.map((row) => Number(row.id)));
  const last = rows[rows.length - 1];
  return {
    items: rows.map((row) => ticketView(row, tags.get(Number(row.id)) ?? [])),
    total: Number((counted[0] as { n: number | string }).n),
    limit: page.limit,
    offset: filters.cursor ? 0 : page.offset,
    next_cursor: found.length > page.limit && last ? encodeCursor({ sort: sort.name, value: sort.valueOf(last), id: Number(last.id) }) : null,
  };
}
