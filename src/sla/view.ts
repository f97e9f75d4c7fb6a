import { dbTimeMs, fromDbTime } from '../db/time.js';
import { dueAt, type SlaClocks, type SlaMetric } from './clocks.js';

export type ClockState = 'none' | 'running' | 'paused' | 'met' | 'breached';

export interface ClockView {
  due_at: string | null;
  state: ClockState;
  /** Seconds left until the deadline (negative when late); null once the clock stopped. */
  remaining_seconds: number | null;
}

/** What a ticket's clocks are shown from. */
export type ShownClocks = Pick<
  SlaClocks,
  'first_response_at' | 'first_response_due_at' | 'resolution_due_at' | 'sla_paused_at' | 'finished_at' | 'first_response_breached_at' | 'resolution_breached_at'
>;

/** One clock as a ticket shows it: its deadline, whether it was met or breached, and time left. */
export function clockView(clocks: ShownClocks, metric: SlaMetric, now: Date): ClockView {
  const due = dueAt(clocks, metric);
  if (!due) return { due_at: null, state: 'none', remaining_seconds: null };
  const dueMs = dbTimeMs(due);
  const recorded = clocks[`${metric}_breached_at`] !== null;
  const doneAt = metric === 'first_response' ? (clocks.first_response_at ?? clocks.finished_at) : clocks.finished_at;
  if (doneAt) return { due_at: fromDbTime(due), state: recorded || dbTimeMs(doneAt) > dueMs ? 'breached' : 'met', remaining_seconds: null };
  const paused = metric === 'resolution' && clocks.sla_paused_at !== null;
  // A paused clock shows the time it had left when it paused.
  const remaining = Math.round((dueMs - (paused ? dbTimeMs(clocks.sla_paused_at!) : now.getTime())) / 1000);
  const state = recorded || remaining < 0 ? 'breached' : paused ? 'paused' : 'running';
  return { due_at: fromDbTime(due), state, remaining_seconds: remaining };
}

export function slaView(clocks: ShownClocks, now: Date) {
  return { first_response: clockView(clocks, 'first_response', now), resolution: clockView(clocks, 'resolution', now) };
}
