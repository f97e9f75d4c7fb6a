import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import type { Page, PageOf } from '../api/pagination.js';
import { tagKey } from '../cases/tags.js';
import { validate } from '../validation.js';
import { visibleTo, type Actor } from './actor.js';
import { joinSearch, planSearch, probeSearch, type TicketSearch } from '../search/match.js';
import { tableThrough, unionOfLimited } from '../db/dialect.js';
import { readWithTotal, type CountedRow } from './capped-totals.js';
import { CompiledStatements } from '../db/compiled.js';
import { ticketQuery, type TicketRead } from './queries.js';
import { TICKET_VIEW_COLUMNS, ticketView, type TicketView, type TicketViewRow } from './view.js';

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
  /** The SQL the rows are ordered by (a column, or the priority's rank), then the tie-breaker. */
  sql: string;
  idSql: string;
  descending: boolean;
  valueOf(row: TicketViewRow): string | number;
}

/** With a tag, creation order is read off the tag's rows, which repeat it (one index, no sort). */
function sortKey(sort = '-created_at', tagged: boolean): SortKey {
  const descending = sort.startsWith('-');
  const name = sort.replace(/^-/, '');
  if (name === 'priority') return { name: sort, sql: PRIORITY_RANK, idSql: 'cases.id', descending, valueOf: (row) => ['low', 'medium', 'high', 'urgent'].indexOf(row.priority) + 1 };
  const valueOf = (row: TicketViewRow) => row[name as 'created_at' | 'updated_at'];
  if (name === 'created_at' && tagged) return { name: sort, sql: 'case_tags.case_created_at', idSql: 'case_tags.case_id', descending, valueOf };
  return { name: sort, sql: `cases.${name}`, idSql: 'cases.id', descending, valueOf };
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

/**
 * Applies the filters of DESIGN §5 that need no lookups (`search` is q's, looked up already;
 * `inOrder` when the rows are read in the list's order, up to a page).
 */
function applyFilters(db: Knex, query: Knex.QueryBuilder, filters: TicketListQuery, search: TicketSearch | undefined, inOrder: boolean): void {
  if (filters.status) query.whereIn('cases.status', filters.status.split(','));
  if (filters.priority) query.whereIn('cases.priority', filters.priority.split(','));
  if (filters.category) query.where('cases.category', filters.category);
  if (filters.source) query.where('cases.source', filters.source);
  if (filters.created_from) query.where('cases.created_at', '>=', toDbTime(new Date(filters.created_from)));
  if (filters.created_to) query.where('cases.created_at', '<', toDbTime(new Date(filters.created_to)));
  const archived = filters.archived === 'true';
  query.where('cases.archived', archived);
  if (filters.tag) joinTag(query, filters.tag, archived);
  if (search && search.common && inOrder) probeSearch(db, query, search);
  else if (search) joinSearch(db, query, search);
}

/** A person's internal id: known, or looked up by the list's own statement (a subquery). */
type PersonId = number | Knex.QueryBuilder;

interface People {
  assigneeId?: PersonId | null;
  /** The assignee's public id, when named: every listed ticket's, so the read joins nothing for it. */
  assigneeUuid?: string;
  customerId?: PersonId;
}

/**
 * People named by the filters, as internal ids (so the index on the id column serves them). An
 * id or email is looked up inside the list's statement, not by a statement of its own before
 * it (a second round trip cost the API process more than MariaDB's lookup); nobody matches no row.
 */
function peopleFilters(db: Knex, filters: TicketListQuery, actor: Actor): People {
  const idOf = (where: object) => db('users').where(where).select('id').limit(1);
  const people: People = {};
  if (filters.assignee_id === 'none') people.assigneeId = null;
  else if (filters.assignee_id === 'me') {
    people.assigneeId = actor.id;
    people.assigneeUuid = actor.uuid;
  } else if (filters.assignee_id) {
    people.assigneeUuid = filters.assignee_id.toLowerCase();
    people.assigneeId = idOf({ uuid: people.assigneeUuid });
  }
  if (filters.customer_email) people.customerId = idOf({ email: filters.customer_email.trim().toLowerCase() });
  return people;
}

/** Compares rows in the list's order, ties broken by id, as its SQL orders them. */
function inListOrder(sort: SortKey): (a: TicketViewRow, b: TicketViewRow) => number {
  const sign = sort.descending ? -1 : 1;
  return (a, b) => {
    const [first, second] = [sort.valueOf(a), sort.valueOf(b)];
    if (first !== second) return first < second ? -sign : sign;
    return (Number(a.id) - Number(b.id)) * sign;
  };
}

/** Rows after the cursor's; the first condition alone bounds an index range, the rest breaks ties. */
function afterCursor(query: Knex.QueryBuilder, sort: SortKey, cursor: Cursor): void {
  const op = sort.descending ? '<' : '>';
  query.whereRaw(`${sort.sql} ${op}= ?`, [cursor.value]);
  query.where((q) => q.whereRaw(`${sort.sql} ${op} ?`, [cursor.value]).orWhereRaw(`${sort.idSql} ${op} ?`, [cursor.id]));
}

/**
 * Counting stops this many matches past the page's offset: an exact count of a million-ticket
 * backlog would cost more than the page itself, on every page (docs/api.md, "Lists").
 */
const TOTAL_LIMIT = 1000;

/** The tag filter as a join: (case_id, tag_key) is the key of case_tags, so no ticket repeats. */
function joinTag(query: Knex.QueryBuilder, tag: string, archived: boolean): void {
  query.join('case_tags', (on) => on.on('case_tags.case_id', 'cases.id').andOnVal('case_tags.tag_key', tagKey(tag)));
  query.where('case_tags.case_archived', archived);
}

/** Above this many, a list's status × priority pairs are read as one (and sorted) after all. */
const MAX_PAIRS = 16;

/**
 * A list filtered by both status and priority, newest first, as its status × priority pairs:
 * the index (archived, status, priority, created_at) holds each pair in creation order, so each
 * is read only up to the page's end and the few rows merged, instead of sorting every match
 * (3,668 open or in-progress tickets of high or urgent priority over a million). Undefined when
 * the list is not such a list.
 */
function statusPriorityPairs(filters: TicketListQuery, sort: SortKey, search: TicketSearch | undefined): Array<{ status: string; priority: string }> | undefined {
  if (!filters.status || !filters.priority || search || sort.sql !== 'cases.created_at') return undefined;
  const statuses = [...new Set(filters.status.split(','))];
  const priorities = [...new Set(filters.priority.split(','))];
  if (statuses.length * priorities.length < 2 || statuses.length * priorities.length > MAX_PAIRS) return undefined;
  return statuses.flatMap((status) => priorities.map((priority) => ({ status, priority })));
}

const compiledLists = new CompiledStatements();

/** The indexes lists are read through where the best is known (see `listIndexes`). */
export const LIST_INDEXES = {
  assigneeStatus: 'cases_assignee_status_archived_created_index',
  assignee: 'cases_assignee_id_archived_created_at_index',
  statusPriority: 'cases_archived_status_priority_created_at_index',
  created: 'cases_created_at_index',
  byId: 'PRIMARY',
} as const;

interface ListIndexes {
  /** For the reads that find the page. */
  page?: string;
  /** For the count; with one, the count reads in no order (the index alone keeps it narrow). */
  count?: string;
  /**
   * `held`: `page` holds the list in its order, so its rows are read whole as the walk reaches
   * them. `sorted`: `page` holds it in several ranges, so the page reads every match to sort them.
   */
  order?: 'held' | 'sorted';
}

/**
 * The index `cases` is read through, for the lists newest first whose best index is known (the
 * one MariaDB picks itself, as the bench's EXPLAIN shows). Told, MariaDB no longer weighs every
 * other index that could serve the conditions, diving into each: that was a sixth to a quarter
 * of its time for the list's statement. Any other list is left to the planner.
 */
function listIndexes(filters: TicketListQuery, people: People, of: { customerId?: number; assigneeId?: number }, actor: Actor, paired: boolean): ListIndexes {
  const newestFirst = (filters.sort ?? '-created_at') === '-created_at';
  if (!newestFirst || filters.q) return {};
  // The page and its count through one index.
  const both = (index: string, order?: ListIndexes['order']): ListIndexes => ({ page: index, count: index, order });
  // A tag's rows lead, and each ticket is reached by its id.
  if (filters.tag) return both(LIST_INDEXES.byId);
  if (actor.role === 'customer' || people.customerId !== undefined || of.customerId !== undefined) return {};
  if (people.assigneeId !== undefined || of.assigneeId !== undefined) {
    // With statuses, each status is a range of its own: one holds its order, several are sorted.
    if (!filters.status) return both(LIST_INDEXES.assignee, 'held');
    return both(LIST_INDEXES.assigneeStatus, new Set(filters.status.split(',')).size > 1 ? 'sorted' : undefined);
  }
  if (paired) return both(LIST_INDEXES.statusPriority);
  const narrowed = filters.status || filters.priority || filters.category || filters.source;
  // The whole desk by creation; its count passes the cap, so it is rare and left to the planner.
  // Not the archived tickets: few among many, they are better found by the archived flag.
  if (actor.role === 'admin' && !narrowed && filters.archived !== 'true') return { page: LIST_INDEXES.created, order: 'held' };
  return {};
}

/**
 * GET /tickets: the actor's visible tickets, filtered, sorted (ties broken by id, so pages never
 * overlap), paged by offset or by cursor. `total` counts every match, not just the page, up to
 * TOTAL_LIMIT past the offset; `total_exact` says whether it stopped there.
 */
export async function listTickets(
  db: Knex,
  actor: Actor,
  rawQuery: Record<string, unknown>,
  page: Page,
  /** One customer's or one agent's tickets (GET /customers/{id}/tickets, /agents/{id}/tickets). */
  of: { customerId?: number; assigneeId?: number } = {},
): Promise<PageOf<TicketView> & { total_exact: boolean }> {
  const filters = validate<TicketListQuery>('ticket-list-query.json', rawQuery);
  if (filters.archived === 'true' && actor.role !== 'admin') throw new ForbiddenError('Only admins can list archived tickets', { archived: ['is for admins only'] });
  if (filters.cursor && rawQuery.offset !== undefined) throw new ValidationError('Use either cursor or offset', { offset: ['cannot be combined with cursor'] });
  const sort = sortKey(filters.sort, filters.tag !== undefined);

  const people = peopleFilters(db, filters, actor);
  const search = filters.q ? await planSearch(db, filters.q, actor) : undefined;
  // The same conditions for the page and for the count; every column is qualified, so the
  // page's joins (for the people's public ids) change nothing.
  const narrow = (query: Knex.QueryBuilder, inOrder: boolean, only: TicketListQuery = filters) => {
    visibleTo(query, actor);
    if (of.customerId !== undefined) query.where('cases.customer_id', of.customerId);
    if (of.assigneeId !== undefined) query.where('cases.assignee_id', of.assigneeId);
    if (people.customerId !== undefined) query.where('cases.customer_id', people.customerId);
    if (people.assigneeId === null) query.whereNull('cases.assignee_id');
    else if (people.assigneeId !== undefined) query.where('cases.assignee_id', people.assigneeId);
    applyFilters(db, query, only, search, inOrder);
    return query;
  };

  const pairs = statusPriorityPairs(filters, sort, search);
  const through = listIndexes(filters, people, of, actor, pairs !== undefined);
  const cases = (index: string | undefined) => tableThrough(db, 'cases', index);
  const read: TicketRead = { columns: TICKET_VIEW_COLUMNS, assigneeUuid: people.assigneeUuid };
  // The page is found on the indexes alone (its ids, in order), and only its rows are read
  // whole: sorting every match's wide row (3,700 for a status + priority list) read each one.
  const direction = sort.descending ? 'DESC' : 'ASC';
  const order = `${sort.sql} ${direction}, ${sort.idSql} ${direction}`;
  const cursor = filters.cursor ? decodeCursor(filters.cursor, sort) : undefined;
  // The list's rows (those of `only`) after the cursor, in order, up to `upTo`.
  const inOrder = (query: Knex.QueryBuilder, only: TicketListQuery, upTo: number) => {
    narrow(query, true, only);
    if (cursor) afterCursor(query, sort, cursor);
    return query.orderByRaw(order).limit(upTo);
  };
  const idsInOrder = (only: TicketListQuery, upTo: number, counted = false) =>
    inOrder(cases(through.page).select(db.raw(`${sort.sql} AS sort_value, ${sort.idSql} AS id${counted ? ', COUNT(*) OVER () AS list_total' : ''}`)), only, upTo);
  // Each status × priority pair read up to the page's end, and the pairs merged in order.
  const merged = (parts: Knex.QueryBuilder[]) =>
    db
      .select('sort_value', 'id')
      .from(unionOfLimited(db, parts).as('pairs'))
      .orderByRaw(`sort_value ${direction}, id ${direction}`)
      .limit(page.limit + 1);
  // `counted`: the page's ids carry the count of every match, which a list that sorts them all
  // has read anyway.
  const deferred = (counted = false) => {
    const pageIds = pairs ? merged(pairs.map((pair) => idsInOrder({ ...filters, ...pair }, page.offset + page.limit + 1))) : idsInOrder(filters, page.limit + 1, counted);
    if (!cursor) pageIds.offset(page.offset);
    // In no promised order: they are put in order here (see `inListOrder`).
    const rows = ticketQuery(db, read).join(pageIds.as('page'), 'page.id', 'cases.id');
    return counted ? rows.select('page.list_total') : rows;
  };
  // A tag's tickets come in order off the tag's own index, and a list read through an index
  // that holds its order (named, so MariaDB keeps to it) the same way: nothing is sorted, so
  // each row is read whole as the walk reaches it, instead of once for its id and again through
  // a derived table (a quarter of MariaDB's time for the page).
  const whole = () => {
    const rows = inOrder(ticketQuery(db, { ...read, from: cases(through.page) }), filters, page.limit + 1);
    return cursor ? rows : rows.offset(page.offset);
  };
  const readWhole = sort.sql.startsWith('case_tags.') || through.order === 'held';
  const rowsQuery = () => (readWhole ? whole() : deferred());
  // Left to the planner, a count with status or priority filters walks the page's index in the
  // page's order: unordered, MariaDB (10.11) picked a wider report index and read every open
  // ticket of it (1 s for a status + priority count; 11 ms ordered). Elsewhere ordering made it
  // sort the whole table instead (a cursor page's count took 5 s), so only there.
  const countQuery = () => {
    const query = narrow(cases(through.count), false);
    if (!through.count && (filters.status || filters.priority) && !search) query.orderByRaw(order);
    return query;
  };

  // A list that sorts every match for its page counts them there (a window count), instead of
  // reading the same index entries again for the count: a seventh of MariaDB's time for an
  // agent's open work. Not a cursor page, which counts from the start of the list, not the cursor.
  const countedBySort = through.order === 'sorted' && !pairs && !cursor;
  // A cursor page counts from the start of the list.
  const offset = filters.cursor ? 0 : page.offset;
  const countLimit = offset + TOTAL_LIMIT;
  // A list its inputs alone decide (not `q`, whose words are looked up; not a cursor page, each
  // of which is new) is compiled once and run again as it is.
  const listKey = search || cursor ? undefined : JSON.stringify([actor.role, actor.id, actor.uuid, of, filters, page.limit, page.offset]);
  const run = (variant: string, build: () => Knex.QueryBuilder) =>
    (listKey ? compiledLists.rows(db, `${variant} ${listKey}`, build) : build()) as Promise<Array<TicketViewRow & CountedRow>>;
  const { rows: found, total: counted } = await readWithTotal(db, { query: countQuery, key: listKey }, countLimit + 1, offset === 0 && !cursor, (count) => {
    if (!count) return run('page', rowsQuery);
    if (countedBySort) return run('windowed', () => deferred(true));
    return run('counted', () => rowsQuery().select(count().as('list_total')));
  });
  // A derived page's rows are joined in no promised order; sorting its few rows here spares
  // MariaDB a sort of its own.
  const rows = (readWhole ? found : found.sort(inListOrder(sort))).slice(0, page.limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map((row) => ticketView(row)),
    total: Math.min(counted, countLimit),
    total_exact: counted <= countLimit,
    limit: page.limit,
    offset,
    next_cursor: found.length > page.limit && last ? encodeCursor({ sort: sort.name, value: sort.valueOf(last), id: Number(last.id) }) : null,
  };
}
