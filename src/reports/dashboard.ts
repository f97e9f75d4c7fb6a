import type { Knex } from 'knex';
import { CATEGORIES, PRIORITIES } from '../cases/vocabulary.js';
import { toDbTime } from '../db/time.js';
import { now } from '../time/clock.js';
import { OPEN_STATUSES } from '../tickets/workflow.js';
import { rangeOf } from './range.js';
import { count, minutes, NO_CATEGORY, zeros } from './figures.js';
import { readConsistently } from './rollups/consistent.js';
import { readRollups, type Tally } from './rollups/totals.js';
import { durations, happenedIn, medians, type ClockState, type Span } from './sql.js';
import { addDays, localDate, startOfDay } from './time-zone.js';

export interface Dashboard {
  time_zone: string;
  generated_at: string;
  open: {
    total: number;
    unassigned: number;
    by_status: Record<string, number>;
    by_priority: Record<string, number>;
    by_category: Record<string, number>;
  };
  sla: { breached: number; at_risk: number };
  created: { today: number; last_7_days: number };
  resolved: { today: number; last_7_days: number };
  last_30_days: { median_first_response_minutes: number | null; median_resolution_minutes: number | null };
}

/**
 * Open tickets (not resolved, closed or rejected) by status, priority and category, how many
 * have no assignee, how many have a clock breached now, and how many are at risk: no breach yet,
 * but a running clock past the 80 % point at which the `sla` job warns (warned already, or its
 * check time has come). Summed from the rollups' `desk.open`, kept for now by the reports job.
 */
function openFigures(tallies: Tally[]): Pick<Dashboard, 'open' | 'sla'> {
  const open: Dashboard['open'] = { total: 0, unassigned: 0, by_status: zeros(OPEN_STATUSES), by_priority: zeros(PRIORITIES), by_category: zeros([...CATEGORIES, NO_CATEGORY]) };
  const sla = { breached: 0, at_risk: 0 };
  for (const { values, n } of tallies) {
    const [status, priority, category, unassigned, firstResponse, resolution, warned] = values as [string, string, string | null, boolean, ClockState, ClockState, boolean];
    open.total += n;
    if (unassigned) open.unassigned += n;
    open.by_status[status] = (open.by_status[status] ?? 0) + n;
    open.by_priority[priority] = (open.by_priority[priority] ?? 0) + n;
    open.by_category[category ?? NO_CATEGORY] = (open.by_category[category ?? NO_CATEGORY] ?? 0) + n;
    const breached = firstResponse === 'breached' || resolution === 'breached';
    if (breached) sla.breached += n;
    else if (warned) sla.at_risk += n;
  }
  return { open, sla };
}

/** Tickets whose `column` time falls today, and in the 7 days up to today (local days). */
async function todayAndWeek(db: Knex, column: 'created_at' | 'resolved_at', todayStart: Date, week: Span): Promise<{ today: number; last_7_days: number }> {
  const [row] = (await happenedIn(db, column, week)
    .select(db.raw(`SUM(CASE WHEN ${column} >= ? THEN 1 ELSE 0 END) AS today`, [toDbTime(todayStart)]))
    .count({ week: '*' })) as Array<{ today: unknown; week: unknown }>;
  return { today: count(row?.today), last_7_days: count(row?.week) };
}

/** What a support manager looks at first in the morning: now, today, this week, this month. */
export async function dashboard(db: Knex, timeZone: string): Promise<Dashboard> {
  const at = now();
  const today = localDate(timeZone, at.getTime());
  const week = rangeOf(timeZone, addDays(today, -6), today);
  const month = rangeOf(timeZone, addDays(today, -29), today);
  const todayStart = new Date(startOfDay(timeZone, today));
  const [rolled, created, resolved, firstResponse, resolution] = await Promise.all([
    // A count of now: the range (any will do) bounds only series and totals, and none is asked.
    readConsistently(db, (reader) => readRollups(reader, week, at, { series: false, totals: [], now: ['desk.open'] })),
    todayAndWeek(db, 'created_at', todayStart, week),
    todayAndWeek(db, 'resolved_at', todayStart, week),
    medians(db, durations(db, 'first_response_at', month)),
    medians(db, durations(db, 'resolved_at', month)),
  ]);
  return {
    time_zone: timeZone,
    generated_at: at.toISOString(),
    ...openFigures(rolled.totals['desk.open']),
    created,
    resolved,
    last_30_days: { median_first_response_minutes: minutes(firstResponse.get('all')), median_resolution_minutes: minutes(resolution.get('all')) },
  };
}
