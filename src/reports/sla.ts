import type { Knex } from 'knex';
import { PRIORITIES } from '../cases/vocabulary.js';
import { fromDbTime } from '../db/time.js';
import { offsetPage, type Page, type PageOf } from '../api/pagination.js';
import { SLA_METRICS, type SlaMetric } from '../sla/clocks.js';
import { now } from '../time/clock.js';
import { percent } from './figures.js';
import type { ReportRange } from './range.js';
import { readConsistently } from './rollups/consistent.js';
import { readRollups } from './rollups/totals.js';
import { createdWithClocks, TICKET_BREACHED, type ClockState } from './sql.js';

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
  totals: Record<SlaMetric, ClockTally>;
  by_priority: Array<{ priority: string } & Record<SlaMetric, ClockTally>>;
  breached_tickets: { items: BreachedTicket[]; total: number; limit: number };
}

const emptyTally = (): ClockTally => ({ met: 0, breached: 0, running: 0, met_percent: null });

function tally(into: ClockTally, state: ClockState, n: number): void {
  if (state !== 'none') into[state] += n;
  into.met_percent = percent(into.met, into.met + into.breached);
}

interface BreachedRow {
  id: number;
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
}

type SlaRow = { priority: string; n: number } & Record<SlaMetric, ClockState>;

/** The rollups' tickets created in the range, per priority and both clocks' states now. */
async function slaRows(db: Knex, range: ReportRange): Promise<SlaRow[]> {
  const { totals } = await readConsistently(db, (reader) => readRollups(reader, range, now(), { series: false, totals: ['sla.created'] }));
  return totals['sla.created'].map(({ values: [priority, first_response, resolution], n }) => ({
    priority: priority as string, first_response: first_response as ClockState, resolution: resolution as ClockState, n,
  }));
}

const breachedIn = (rows: SlaRow[]): number => rows.filter((row) => row.first_response === 'breached' || row.resolution === 'breached').reduce((sum, row) => sum + row.n, 0);

/**
 * Breached tickets of the range, newest first, a page at a time. The page is found on the
 * report index alone, and only its own tickets are then read whole; the total is the rollups'.
 */
export async function breachedTickets(db: Knex, range: ReportRange, page: Page, rows: Promise<SlaRow[]> = slaRows(db, range)): Promise<PageOf<BreachedTicket>> {
  const [found, counted] = await Promise.all([
    db
      .from(createdWithClocks(db, range, now()).select('cases.id', 'created_at').as('clocks'))
      .whereRaw(TICKET_BREACHED)
      .select('id', 'first_response', 'resolution')
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(page.limit)
      .offset(page.offset) as Promise<Array<{ id: number; first_response: ClockState; resolution: ClockState }>>,
    rows,
  ]);
  const tickets = (await db('cases')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    .whereIn('cases.id', found.map((f) => f.id))
    .select('cases.id', 'cases.uuid', 'number', 'subject', 'priority', 'status', 'users.uuid as assignee_uuid', 'cases.created_at')
    .select('first_response_due_at', 'first_response_at', 'resolution_due_at', 'resolved_at')) as BreachedRow[];
  const byId = new Map(tickets.map((row) => [Number(row.id), row]));
  const items = found.map(({ id, first_response, resolution }) => {
    const row = byId.get(Number(id))!;
    return {
      id: row.uuid,
      number: row.number,
      subject: row.subject,
      priority: row.priority,
      status: row.status,
      assignee_id: row.assignee_uuid,
      created_at: fromDbTime(row.created_at)!,
      first_response_due_at: fromDbTime(row.first_response_due_at),
      first_response_at: fromDbTime(row.first_response_at),
      first_response_breached: first_response === 'breached',
      resolution_due_at: fromDbTime(row.resolution_due_at),
      resolved_at: fromDbTime(row.resolved_at),
      resolution_breached: resolution === 'breached',
    };
  });
  return offsetPage(items, breachedIn(counted), page);
}

/**
 * Of the tickets created in the range, per priority and clock: how many met their target,
 * breached it, or are still running; and the breached tickets themselves, newest first (the
 * first page here, every page from `/admin/reports/sla/breached`).
 */
export async function slaReport(db: Knex, range: ReportRange, listLimit: number): Promise<SlaReport> {
  const counted = slaRows(db, range);
  const [rows, breached] = await Promise.all([counted, breachedTickets(db, range, { limit: listLimit, offset: 0 }, counted)]);
  const totals = { first_response: emptyTally(), resolution: emptyTally() };
  const byPriority = new Map(PRIORITIES.map((priority) => [priority as string, { first_response: emptyTally(), resolution: emptyTally() }]));
  for (const row of rows) {
    const tallies = byPriority.get(row.priority) ?? { first_response: emptyTally(), resolution: emptyTally() };
    byPriority.set(row.priority, tallies);
    for (const metric of SLA_METRICS) {
      tally(tallies[metric], row[metric], row.n);
      tally(totals[metric], row[metric], row.n);
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
