import type { Knex } from 'knex';
import { CATEGORIES, PRIORITIES, type Status } from '../cases/vocabulary.js';
import { toDbTime } from '../db/time.js';
import { now } from '../time/clock.js';
import { OPEN_STATUSES } from '../tickets/workflow.js';
import { rangeOf } from './range.js';
import { count, minutes, NO_CATEGORY, zeros } from './figures.js';
import { durations, happenedIn, medians, TICKET_BREACHED, withClockStates, type Span } from './sql.js';
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

/** Open tickets (not resolved, closed or rejected) by status, priority and category, and how many have no assignee. */
async function openTickets(db: Knex): Promise<Dashboard['open']> {
  const rows = (await db('cases')
    .where('archived', false)
    .whereIn('status', OPEN_STATUSES)
    .select('status', 'priority', 'category', db.raw('CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END AS unassigned'))
    .count({ n: '*' })
    .groupBy('status', 'priority', 'category', 'unassigned')) as Array<{ status: Status; priority: string; category: string | null; unassigned: number | string; n: number | string }>;
  const open: Dashboard['open'] = { total: 0, unassigned: 0, by_status: zeros(OPEN_STATUSES), by_priority: zeros(PRIORITIES), by_category: zeros([...CATEGORIES, NO_CATEGORY]) };
  for (const row of rows) {
    const n = count(row.n);
    open.total += n;
    if (count(row.unassigned) === 1) open.unassigned += n;
    open.by_status[row.status] = (open.by_status[row.status] ?? 0) + n;
    open.by_priority[row.priority] = (open.by_priority[row.priority] ?? 0) + n;
    const category = row.category ?? NO_CATEGORY;
    open.by_category[category] = (open.by_category[category] ?? 0) + n;
  }
  return open;
}

/**
 * Open tickets with a clock breached now, and those at risk: no breach yet, but a running clock
 * past the 80 % point at which the `sla` job warns (warned already, or its check time has come).
 */
async function slaNow(db: Knex, at: Date): Promise<Dashboard['sla']> {
  const atText = toDbTime(at);
  const states = withClockStates(db, db('cases').where('archived', false).whereIn('status', OPEN_STATUSES), at).select(
      db.raw(
        `CASE WHEN (first_response_at IS NULL AND (first_response_warned_at IS NOT NULL OR first_response_check_at <= ?))
          OR (sla_paused_at IS NULL AND (resolution_warned_at IS NOT NULL OR resolution_check_at <= ?)) THEN 1 ELSE 0 END AS warned`,
        [atText, atText],
      ),
    );
  const [row] = (await db
    .from(states.as('clocks'))
    .select(db.raw(`SUM(CASE WHEN ${TICKET_BREACHED} THEN 1 ELSE 0 END) AS breached`))
    .select(db.raw(`SUM(CASE WHEN NOT ${TICKET_BREACHED} AND warned = 1 THEN 1 ELSE 0 END) AS at_risk`))) as Array<{ breached: unknown; at_risk: unknown }>;
  return { breached: count(row?.breached), at_risk: count(row?.at_risk) };
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
  const [open, sla, created, resolved, firstResponse, resolution] = await Promise.all([
    openTickets(db),
    slaNow(db, at),
    todayAndWeek(db, 'created_at', todayStart, week),
    todayAndWeek(db, 'resolved_at', todayStart, week),
    medians(db, durations(db, 'first_response_at', month)),
    medians(db, durations(db, 'resolved_at', month)),
  ]);
  return {
    time_zone: timeZone,
    generated_at: at.toISOString(),
    open,
    sla,
    created,
    resolved,
    last_30_days: { median_first_response_minutes: minutes(firstResponse.get('all')), median_resolution_minutes: minutes(resolution.get('all')) },
  };
}
