import { dbTimeMs, toDbTime } from '../../db/time.js';
import { OPEN_STATUSES } from '../../tickets/workflow.js';
import type { TicketFacts } from './facts.js';

/**
 * What one ticket adds to the report rollups: for each measure, the time that places it in a
 * period and the key of its breakdown. Per-day series are kept per hour, which sums into the
 * local days of any zone a whole number of hours from UTC, and per quarter hour for the others
 * (every zone's midnight falls on a quarter hour); breakdowns are kept per UTC day and UTC
 * month, and a range's partial days at its ends are read from the tickets.
 */
export const SERIES_MEASURES = ['created', 'resolved'] as const;
export const TOTAL_MEASURES = [
  'volume.created', 'volume.resolved', 'sla.created', 'agents.created', 'agents.resolved', 'agents.first_response', 'agents.resolution',
] as const;
/** Counts of the desk as it is now, in no period: an agent's open tickets; the open tickets by breakdown and SLA state. */
export const NOW_MEASURES = ['agents.open', 'desk.open'] as const;
export type SeriesMeasure = (typeof SERIES_MEASURES)[number];
export type NowMeasure = (typeof NOW_MEASURES)[number];
export type TotalMeasure = (typeof TOTAL_MEASURES)[number];
export type Measure = SeriesMeasure | TotalMeasure | NowMeasure;

/** Where in a total measure's key its clock states are, to be read at the time of asking. */
export const STATE_POSITIONS: Partial<Record<TotalMeasure | NowMeasure, number[]>> = { 'sla.created': [1, 2], 'agents.created': [1, 2], 'desk.open': [4, 5] };
/** Where in a measure's key its warning is, read at the time of asking too. */
export const WARNING_POSITIONS: Partial<Record<NowMeasure, number>> = { 'desk.open': 6 };

export type Grain = 'q' | 'h' | 'd' | 'm' | 'n';

/** The one period of the counts of now. */
export const NOW_PERIOD = '1970-01-01 00:00:00.000';

export interface Contribution {
  measure: Measure;
  /** The ticket's time that places it (stored UTC text). */
  at: string;
  /** The breakdown's values, as a JSON array. */
  key: string;
}

const key = (...values: unknown[]): string => JSON.stringify(values);

/** The durations whose medians the agents report gives: creation to first response, and to resolution. */
export type DurationMetric = 'first_response' | 'resolution';
const ENDS: Record<DurationMetric, 'first_response_at' | 'resolved_at'> = { first_response: 'first_response_at', resolution: 'resolved_at' };

/** When the duration ended (its ticket counts in a range by that time), or null. */
export const durationEnd = (facts: TicketFacts, metric: DurationMetric): string | null => facts[ENDS[metric]];

/** Seconds from creation to the end of the duration, to the millisecond as stored. */
export const durationSeconds = (facts: TicketFacts, metric: DurationMetric): number => (dbTimeMs(durationEnd(facts, metric)!) - dbTimeMs(facts.created_at)) / 1000;

/**
 * Durations are counted in buckets a quarter of a doubling wide (19 % apart): a median is found
 * by counting up to the bucket that holds it, then reading that bucket's durations exactly.
 */
export function bucketOf(seconds: number): number {
  return seconds <= 1 ? 0 : 1 + Math.floor(4 * Math.log2(seconds));
}

/** The bucket of the ticket's duration, when it counts for an agent's median at all. */
export function durationBucket(facts: TicketFacts, metric: DurationMetric): number | null {
  if (facts.archived || facts.assignee_id === null || durationEnd(facts, metric) === null) return null;
  return bucketOf(durationSeconds(facts, metric));
}

export function contributions(facts: TicketFacts): Contribution[] {
  if (facts.archived) return [];
  const { created_at, resolved_at, status, category, priority, source, assignee_id } = facts;
  const states = [facts.first_response_state, facts.resolution_state];
  const found: Contribution[] = [
    { measure: 'created', at: created_at, key: key() },
    { measure: 'volume.created', at: created_at, key: key(status, category, priority, source) },
    { measure: 'sla.created', at: created_at, key: key(priority, ...states) },
  ];
  if (assignee_id !== null) found.push({ measure: 'agents.created', at: created_at, key: key(assignee_id, ...states) });
  if ((OPEN_STATUSES as readonly string[]).includes(status)) {
    found.push({ measure: 'desk.open', at: NOW_PERIOD, key: key(status, priority, category, assignee_id === null, ...states, facts.warning_state) });
    if (assignee_id !== null) found.push({ measure: 'agents.open', at: NOW_PERIOD, key: key(assignee_id) });
  }
  for (const metric of ['first_response', 'resolution'] as const) {
    const bucket = durationBucket(facts, metric);
    if (bucket !== null) found.push({ measure: `agents.${metric}`, at: durationEnd(facts, metric)!, key: key(assignee_id, bucket) });
  }
  if (resolved_at !== null) {
    found.push({ measure: 'resolved', at: resolved_at, key: key() }, { measure: 'volume.resolved', at: resolved_at, key: key(status, category, priority, source) });
    if (assignee_id !== null) found.push({ measure: 'agents.resolved', at: resolved_at, key: key(assignee_id) });
  }
  return found;
}

export const isSeries = (measure: Measure): measure is SeriesMeasure => (SERIES_MEASURES as readonly string[]).includes(measure);
export const isNow = (measure: Measure): measure is NowMeasure => (NOW_MEASURES as readonly string[]).includes(measure);

/** The grains a measure is kept in. */
const grainsOf = (measure: Measure): readonly Grain[] => (isSeries(measure) ? ['q', 'h'] : isNow(measure) ? ['n'] : ['d', 'm']);

const QUARTER_MS = 15 * 60_000;
export const HOUR_MS = 60 * 60_000;

/** The start of the period of `grain` holding the stored time `at`. */
export function periodOf(grain: Grain, at: string): string {
  if (grain === 'n') return NOW_PERIOD;
  if (grain === 'q' || grain === 'h') {
    const length = grain === 'q' ? QUARTER_MS : HOUR_MS;
    return toDbTime(new Date(Math.floor(dbTimeMs(at) / length) * length));
  }
  return grain === 'd' ? `${at.slice(0, 10)} 00:00:00.000` : `${at.slice(0, 7)}-01 00:00:00.000`;
}

export interface CountRow {
  measure: Measure;
  grain: Grain;
  period: string;
  key: string;
  n: number;
}

/** Adds `sign` times the ticket's contributions, in every grain, to `rows` (by primary key). */
export function addCounts(rows: Map<string, CountRow>, facts: TicketFacts, sign: 1 | -1): void {
  for (const { measure, at, key: k } of contributions(facts)) {
    for (const grain of grainsOf(measure)) {
      const period = periodOf(grain, at);
      const id = `${measure}\u0000${grain}\u0000${period}\u0000${k}`;
      const row = rows.get(id) ?? { measure, grain, period, key: k, n: 0 };
      row.n += sign;
      rows.set(id, row);
    }
  }
}
