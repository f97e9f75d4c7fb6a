import { dbTimeMs, toDbTime } from '../db/time.js';
import { deadlinesFrom, type SlaPolicy } from './deadlines.js';

/**
 * A ticket's two SLA clocks, first response and resolution, as stored on its row.
 *
 * - Both run from the ticket's own `created_at` (backdated tickets too).
 * - First response stops at the first public reply from staff (or an outbound message
 *   ingested from an integration).
 * - Resolution pauses while the ticket is `waiting`: the paused time is added to its deadline.
 * - Both stop when the ticket is finished (resolved, closed or rejected) and run on, towards the
 *   same deadlines, when it is reopened.
 * - A breach is recorded once; `*_check_at` tells the `sla` job when to look next.
 */
export interface SlaClocks {
  status: string;
  created_at: string;
  first_response_at: string | null;
  first_response_due_at: string | null;
  resolution_due_at: string | null;
  sla_paused_at: string | null;
  sla_paused_ms: number | string;
  finished_at: string | null;
  first_response_warned_at: string | null;
  resolution_warned_at: string | null;
  first_response_breached_at: string | null;
  resolution_breached_at: string | null;
}

export type SlaMetric = 'first_response' | 'resolution';
export const SLA_METRICS: readonly SlaMetric[] = ['first_response', 'resolution'];

export const FINISHED_STATUSES: readonly string[] = ['resolved', 'closed', 'rejected'];

/** Warnings go out when this share of the target has passed. */
const WARN_SHARE = 0.8;

export const dueAt = (clocks: Pick<SlaClocks, `${SlaMetric}_due_at`>, metric: SlaMetric) => clocks[`${metric}_due_at`];
const pausedMs = (clocks: SlaClocks, metric: SlaMetric) => (metric === 'resolution' ? Number(clocks.sla_paused_ms) : 0);

/** Still counting: not answered, finished, paused or already breached. */
export function isRunning(clocks: SlaClocks, metric: SlaMetric): boolean {
  if (clocks.finished_at || !dueAt(clocks, metric) || clocks[`${metric}_breached_at`]) return false;
  return metric === 'first_response' ? !clocks.first_response_at : !clocks.sla_paused_at;
}

/** When 80 % of the target has passed (paused time left out), in ms since the epoch. */
export function warningPoint(clocks: SlaClocks, metric: SlaMetric): number {
  const due = dbTimeMs(dueAt(clocks, metric)!);
  const target = due - dbTimeMs(clocks.created_at) - pausedMs(clocks, metric);
  return due - (1 - WARN_SHARE) * target;
}

/** When the `sla` job must next look at this clock: its warning point until warned, then its deadline. */
function nextCheck(clocks: SlaClocks, metric: SlaMetric): string | null {
  if (!isRunning(clocks, metric)) return null;
  if (clocks[`${metric}_warned_at`]) return dueAt(clocks, metric);
  return toDbTime(new Date(warningPoint(clocks, metric)));
}

export function checkTimes(clocks: SlaClocks) {
  return { first_response_check_at: nextCheck(clocks, 'first_response'), resolution_check_at: nextCheck(clocks, 'resolution') };
}

/** The SLA columns of a new ticket under `policy`, measured from its own `created`. */
export function newTicketClocks(policy: SlaPolicy | undefined, created: Date, status: string, firstResponseAt: string | null, now: Date) {
  const clocks: SlaClocks = {
    status,
    created_at: toDbTime(created),
    first_response_at: firstResponseAt,
    ...deadlinesFrom(policy, created),
    sla_paused_at: status === 'waiting' ? toDbTime(now) : null,
    sla_paused_ms: 0,
    finished_at: FINISHED_STATUSES.includes(status) ? toDbTime(now) : null,
    first_response_warned_at: null,
    resolution_warned_at: null,
    first_response_breached_at: null,
    resolution_breached_at: null,
  };
  // A backdated ticket that arrives already late is breached on arrival: recorded, not alerted
  // (an integration replaying last year's cases must not page every admin).
  for (const metric of SLA_METRICS) {
    if (isRunning(clocks, metric) && dbTimeMs(dueAt(clocks, metric)!) <= now.getTime()) clocks[`${metric}_breached_at`] = toDbTime(now);
  }
  const { first_response_due_at, resolution_due_at, sla_paused_at, finished_at, first_response_breached_at, resolution_breached_at } = clocks;
  return { first_response_due_at, resolution_due_at, sla_paused_at, finished_at, first_response_breached_at, resolution_breached_at, ...checkTimes(clocks) };
}

export interface ClockEvent {
  /** The status the ticket moves to. */
  status?: string;
  /** The policy of the ticket's new priority (present only when the priority changes). */
  priorityPolicy?: SlaPolicy | undefined;
  /** When the first response was given, if it was given now. */
  firstResponseAt?: string;
}

/** Leaving `waiting`: the paused time moves the resolution deadline and is remembered. */
function resume(row: SlaClocks, now: Date): Partial<SlaClocks> {
  const paused = now.getTime() - dbTimeMs(row.sla_paused_at!);
  const due = row.resolution_due_at && toDbTime(new Date(dbTimeMs(row.resolution_due_at) + paused));
  return { sla_paused_at: null, sla_paused_ms: Number(row.sla_paused_ms) + paused, resolution_due_at: due };
}

function statusChanges(row: SlaClocks, to: string, now: Date): Partial<SlaClocks> {
  const changes: Partial<SlaClocks> = {};
  if (row.sla_paused_at && to !== 'waiting') Object.assign(changes, resume(row, now));
  if (to === 'waiting' && !row.sla_paused_at) changes.sla_paused_at = toDbTime(now);
  const finished = FINISHED_STATUSES.includes(to);
  if (finished && !row.finished_at) changes.finished_at = toDbTime(now);
  if (!finished && row.finished_at) changes.finished_at = null;
  return changes;
}

/** New deadlines for a new priority, from the ticket's creation, resolution shifted by time paused. */
function priorityChanges(row: SlaClocks, policy: SlaPolicy | undefined): Partial<SlaClocks> {
  const deadlines = deadlinesFrom(policy, new Date(dbTimeMs(row.created_at)));
  const resolution = deadlines.resolution_due_at && toDbTime(new Date(dbTimeMs(deadlines.resolution_due_at) + Number(row.sla_paused_ms)));
  return { first_response_due_at: deadlines.first_response_due_at, resolution_due_at: resolution };
}

/** The SLA columns to write when `event` happens to a ticket, next checks included. */
export function clockChanges(row: SlaClocks, event: ClockEvent, now: Date): Partial<SlaClocks> & ReturnType<typeof checkTimes> {
  const changes: Partial<SlaClocks> = {};
  if (event.status !== undefined && event.status !== row.status) Object.assign(changes, statusChanges(row, event.status, now));
  if ('priorityPolicy' in event) Object.assign(changes, priorityChanges({ ...row, ...changes }, event.priorityPolicy));
  if (event.firstResponseAt && !row.first_response_at) changes.first_response_at = event.firstResponseAt;
  return { ...changes, ...checkTimes({ ...row, ...changes }) };
}
