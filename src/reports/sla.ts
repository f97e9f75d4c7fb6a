import type { Knex } from 'knex';
import { PRIORITIES } from '../cases/vocabulary.js';
import { fromDbTime, toDbTime } from '../db/time.js';
import type { Page, PageOf } from '../api/pagination.js';
import { now } from '../time/clock.js';
import { count, percent } from './figures.js';
import type { ReportRange } from './range.js';
import { clockState, type ClockState } from './sql.js';

export type Metric = 'first_response' | 'resolution';
const METRICS: readonly Metric[] = ['first_response', 'resolution'];

export interface ClockTally {
  met: number;
  breached: number;
  /** Still running (or paused) within its target. */
  running: number;
  /** met / (met + breached); null when no clock has stopped or breached yet. */
  met_percent: number | null;
}

export interface BreachedTicket {
  id: string;
  number: string | null;
  subject: string;
  priority: string;
  status: string;
  assignee_id: string | null;
  created_at: string;
  first_response_due_at: string | null;
  first_response_at: string | null;
  first_response_breached: boolean;
  resolution_due_at: string | null;
  resolved_at: string | null;
  resolution_breached: boolean;
}

export interface SlaReport {
  from: string;
  to: string;
  time_zone: string;
  totals: Record<Metric, ClockTally>;
  by_priority: Array<{ priority: string } & Record<Metric, ClockTally>>;
  breached_tickets: { items: BreachedTicket[]; total: number; limit: number };
}

/** The ticket range of the SLA report: tickets (not archived) created in the range, with their clocks' states. */
function clocksOf(db: Knex, range: ReportRange, at: Date): Knex.QueryBuilder {
  return db('cases')
    .where('archived', false)
    .where('created_at', '>=', toDbTime(range.start))
    .where('created_at', '<', toDbTime(range.end))
    .select(clockState(db, 'first_response', at).wrap('', ' AS first_response'), clockState(db, 'resolution', at).wrap('', ' AS resolution'));
}

const emptyTally = (): ClockTally => ({ met: 0, breached: 0, running: 0, met_percent: null });

function tally(into: ClockTally, state: ClockState, n: number): void {
  if (state !== 'none') into[state] += n;
  into.met_percent = percent(into.met, into.met + into.breached);
}

interface BreachedRow {
  uuid: string;
  number: string | null;
  subject: string;
  priority: string;
  status: string;
  assignee_uuid: string | null;
  created_at: string;
  first_response_due_at: string | null;
  first_response_at: string | null;
  resolution_due_at: string | null;
  resolved_at: string | null;
  first_response: ClockState;
  resolution: ClockState;
}

const BREACHED = "(first_response = 'breached' OR resolution = 'breached')";

/** Breached tickets of the range, newest first, a page at a time. */
export async function breachedTickets(db: Knex, range: ReportRange, page: Page): Promise<PageOf<BreachedTicket>> {
  const at = now();
  const breached = () =>
    db.from(
      clocksOf(db, range, at)
        .select('cases.id', 'uuid', 'number', 'subject', 'priority', 'status', 'assignee_id', 'created_at')
        .select('first_response_due_at', 'first_response_at', 'resolution_due_at', 'resolved_at')
        .as('clocks'),
    ).whereRaw(BREACHED);
  const [rows, [total]] = await Promise.all([
    breached()
      .leftJoin('users', 'users.id', 'clocks.assignee_id')
      .select('clocks.*', 'users.uuid as assignee_uuid')
      .orderBy([{ column: 'clocks.created_at', order: 'desc' }, { column: 'clocks.id', order: 'desc' }])
      .limit(page.limit)
      .offset(page.offset) as Promise<BreachedRow[]>,
    breached().count({ n: '*' }) as Promise<Array<{ n: unknown }>>,
  ]);
  const items = rows.map((row) => ({
    id: row.uuid,
    number: row.number,
    subject: row.subject,
    priority: row.priority,
    status: row.status,
    assignee_id: row.assignee_uuid,
    created_at: fromDbTime(row.created_at)!,
    first_response_due_at: fromDbTime(row.first_response_due_at),
    first_response_at: fromDbTime(row.first_response_at),
    first_response_breached: row.first_response === 'breached',
    resolution_due_at: fromDbTime(row.resolution_due_at),
    resolved_at: fromDbTime(row.resolved_at),
    resolution_breached: row.resolution === 'breached',
  }));
  return { items, total: count(total?.n), limit: page.limit, offset: page.offset, next_cursor: null };
}

/**
 * Of the tickets created in the range, per priority and clock: how many met their target,
 * breached it, or are still running; and the breached tickets themselves, newest first (the
 * first page here, every page from `/admin/reports/sla/breached`).
 */
export async function slaReport(db: Knex, range: ReportRange, listLimit: number): Promise<SlaReport> {
  const [rows, breached] = await Promise.all([
    db
      .from(clocksOf(db, range, now()).select('priority').as('clocks'))
      .select('priority', 'first_response', 'resolution')
      .count({ n: '*' })
      .groupBy('priority', 'first_response', 'resolution') as Promise<Array<{ priority: string; first_response: ClockState; resolution: ClockState; n: unknown }>>,
    breachedTickets(db, range, { limit: listLimit, offset: 0 }),
  ]);
  const totals = { first_response: emptyTally(), resolution: emptyTally() };
  const byPriority = new Map(PRIORITIES.map((priority) => [priority as string, { first_response: emptyTally(), resolution: emptyTally() }]));
  for (const row of rows) {
    const tallies = byPriority.get(row.priority) ?? { first_response: emptyTally(), resolution: emptyTally() };
    byPriority.set(row.priority, tallies);
    for (const metric of METRICS) {
      tally(tallies[metric], row[metric], count(row.n));
      tally(totals[metric], row[metric], count(row.n));
    }
  }
  return {
    from: range.from,
    to: range.to,
    time_zone: range.timeZone,
    totals,
    by_priority: [...byPriority].map(([priority, tallies]) => ({ priority, ...tallies })),
    breached_tickets: { items: breached.items, total: breached.total, limit: listLimit },
  };
}
