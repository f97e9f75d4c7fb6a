import type { Knex } from 'knex';
import { dbTimeMs, toDbTime } from '../../db/time.js';
import type { ReportRange } from '../range.js';
import { localDate } from '../sql.js';
import { localDate as localDateOf } from '../time-zone.js';
import {
  contributions, HOUR_MS, isNow, isSeries, NOW_MEASURES, NOW_PERIOD, SERIES_MEASURES, STATE_POSITIONS, TOTAL_MEASURES, WARNING_POSITIONS,
  type Measure, type NowMeasure, type SeriesMeasure, type TotalMeasure,
} from './counts.js';
import { countedFacts, currentFacts, stateAt, warnedAt, type TicketFacts } from './facts.js';

/** Pending tickets read per round. */
const PENDING_CHUNK = 1000;
const DAY_MS = 86_400_000;

/** A span of stored times (UTC text, src/db/time.ts): from `start`, up to but not including `end`. */
export interface StoredSpan {
  start: string;
  end: string;
}

export const within = (at: string, span: StoredSpan) => at >= span.start && at < span.end;

const dayFloor = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const monthFloor = (ms: number) => {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
};
const span = (start: number, end: number): StoredSpan => ({ start: toDbTime(new Date(start)), end: toDbTime(new Date(end)) });

/**
 * How a range is read: the whole UTC months inside it from month rows, the other whole UTC days
 * from day rows, and the partial days at its ends (a local day is rarely a UTC day) from the
 * tickets themselves.
 */
export function layout(range: ReportRange): { months: StoredSpan | null; days: StoredSpan[]; interior: StoredSpan | null; edges: StoredSpan[] } {
  const start = range.start.getTime();
  const end = range.end.getTime();
  const firstDay = start === dayFloor(start) ? start : dayFloor(start) + DAY_MS;
  const lastDay = dayFloor(end);
  if (firstDay >= lastDay) return { months: null, days: [], interior: null, edges: [span(start, end)] };
  const edges = [span(start, firstDay), span(lastDay, end)].filter((edge) => edge.start < edge.end);
  const firstMonth = firstDay === monthFloor(firstDay) ? firstDay : nextMonth(firstDay);
  const lastMonth = monthFloor(lastDay);
  if (firstMonth >= lastMonth) return { months: null, days: [span(firstDay, lastDay)], interior: span(firstDay, lastDay), edges };
  const days = [span(firstDay, firstMonth), span(lastMonth, lastDay)].filter((part) => part.start < part.end);
  return { months: span(firstMonth, lastMonth), days, interior: span(firstDay, lastDay), edges };
}

/** A breakdown's values (as the measure's key lists them) and how many tickets have them. */
export interface Tally {
  values: unknown[];
  n: number;
}

export interface RolledUp {
  /** Per local date of the range. */
  perDay: Record<SeriesMeasure, Map<string, number>>;
  /** Per breakdown over the whole range, clock states as they stand now. */
  totals: Record<TotalMeasure | NowMeasure, Tally[]>;
  /** Whole UTC days of the range, counted in the stored rollups but for `pending` tickets. */
  interior: StoredSpan | null;
  /** The partial days at the range's ends, read from `edgeTickets`. */
  edges: StoredSpan[];
  edgeTickets: TicketFacts[];
  /** Tickets changed since the job counted them, and their facts now and as counted (those with an assignee). */
  pending: Set<number>;
  pendingTickets: TicketFacts[];
  pendingCounted: TicketFacts[];
}

/** What a report sums: the per-day series or not, which measures over the range, and which of now. */
export interface Wanted {
  series: boolean;
  totals: readonly TotalMeasure[];
  now?: readonly NowMeasure[];
}

/** Counts being summed, per measure: by local date for the series, by key for the others. */
type Sums = Map<string, number>;
type Counts = Record<Measure, Sums>;

const emptyCounts = (): Counts => Object.fromEntries([...SERIES_MEASURES, ...TOTAL_MEASURES, ...NOW_MEASURES].map((m) => [m, new Map()])) as Counts;
const addTo = (sums: Sums, key: string, n: number) => sums.set(key, (sums.get(key) ?? 0) + n);

function addAll(into: Counts, from: Counts): void {
  for (const [measure, sums] of Object.entries(from) as Array<[Measure, Sums]>) for (const [key, n] of sums) addTo(into[measure], key, n);
}

/** The stored per-day series over the range: hours where the zone is whole hours from UTC, else quarter hours. */
async function storedSeries(db: Knex, range: ReportRange, counts: Counts): Promise<void> {
  const wholeHours = range.pieces.every((piece) => piece.offsetMs % HOUR_MS === 0);
  const rows = (await db('report_counts')
    .whereIn('measure', SERIES_MEASURES)
    .where('grain', wholeHours ? 'h' : 'q')
    .where('period', '>=', toDbTime(range.start))
    .where('period', '<', toDbTime(range.end))
    .select('measure', localDate(db, 'period', range.pieces).wrap('', ' AS day'))
    .sum({ n: 'n' })
    .groupBy('measure', 'day')) as Array<{ measure: SeriesMeasure; day: string; n: unknown }>;
  for (const row of rows) addTo(counts[row.measure], String(row.day).slice(0, 10), Number(row.n));
}

/** One measure's stored counts per key, over whole months and days, or of now. */
async function storedSums(db: Knex, measure: TotalMeasure | NowMeasure, months: StoredSpan | null, days: StoredSpan[], counts: Counts): Promise<void> {
  if (!isNow(measure) && !months && days.length === 0) return;
  const rows = (await db('report_counts')
    .where('measure', measure)
    .where((periods) => {
      if (isNow(measure)) return void periods.where({ grain: 'n', period: NOW_PERIOD });
      if (months) periods.orWhere((q) => q.where('grain', 'm').where('period', '>=', months.start).where('period', '<', months.end));
      for (const part of days) periods.orWhere((q) => q.where('grain', 'd').where('period', '>=', part.start).where('period', '<', part.end));
    })
    .select('key')
    .sum({ n: 'n' })
    .groupBy('key')) as Array<{ key: string; n: unknown }>;
  for (const row of rows) addTo(counts[measure], row.key, Number(row.n));
}

/** Tickets with a counted time in one of the spans, as they are now. */
async function ticketsIn(db: Knex, spans: StoredSpan[]): Promise<TicketFacts[]> {
  const found = new Map<number, TicketFacts>();
  const reads = spans.flatMap((part) =>
    ['created_at', 'resolved_at', 'first_response_at'].map((column) =>
      currentFacts(db('cases').where('archived', false).where(column, '>=', part.start).where(column, '<', part.end)),
    ),
  );
  for (const facts of (await Promise.all(reads)).flat()) found.set(facts.case_id, facts);
  return [...found.values()];
}

/** Where the contributions `addFacts` adds must fall: series, totals; counts of now are added or not. */
interface Where {
  series: StoredSpan | null;
  totals: StoredSpan[];
  now: boolean;
}

/** Adds `sign` times the tickets' contributions that fall where `where` says. */
function addFacts(counts: Counts, facts: TicketFacts[], sign: 1 | -1, timeZone: string, where: Where): void {
  for (const { measure, at, key } of facts.flatMap(contributions)) {
    if (isNow(measure)) {
      if (where.now) addTo(counts[measure], key, sign);
    } else if (isSeries(measure)) {
      if (where.series && within(at, where.series)) addTo(counts[measure], localDateOf(timeZone, dbTimeMs(at)), sign);
    } else if (where.totals.some((part) => within(at, part))) addTo(counts[measure], key, sign);
  }
}

/**
 * For every ticket changed since the job last counted it: what it adds now less what the
 * stored counts hold of it, within the range (series), its whole UTC days (totals), and now.
 */
async function pendingCorrection(db: Knex, range: ReportRange, interior: StoredSpan | null) {
  const counts = emptyCounts();
  const pending = ((await db('report_pending').orderBy('case_id').pluck('case_id')) as unknown[]).map(Number);
  const where = { series: span(range.start.getTime(), range.end.getTime()), totals: interior ? [interior] : [], now: true };
  const tickets: TicketFacts[] = [];
  const counted: TicketFacts[] = [];
  const assigned = (facts: TicketFacts) => !facts.archived && facts.assignee_id !== null;
  for (let i = 0; i < pending.length; i += PENDING_CHUNK) {
    const ids = pending.slice(i, i + PENDING_CHUNK);
    const [before, after] = await Promise.all([countedFacts(db, ids), currentFacts(db('cases').whereIn('id', ids))]);
    addFacts(counts, before, -1, range.timeZone, where);
    addFacts(counts, after, 1, range.timeZone, where);
    tickets.push(...after.filter(assigned));
    counted.push(...before.filter(assigned));
  }
  return { counts, pending: new Set(pending), tickets, counted };
}

/** Values of a key with its clock states read at `now`, summed again where states now agree. */
function settle(measure: TotalMeasure | NowMeasure, sums: Sums, now: Date): Tally[] {
  const positions = STATE_POSITIONS[measure] ?? [];
  const warning = WARNING_POSITIONS[measure as NowMeasure];
  const settled = new Map<string, Tally>();
  for (const [key, n] of sums) {
    if (n === 0) continue;
    const values = JSON.parse(key) as unknown[];
    for (const position of positions) values[position] = stateAt(values[position] as string, now);
    if (warning !== undefined) values[warning] = warnedAt(values[warning] as string, now);
    const id = JSON.stringify(values);
    const tally = settled.get(id) ?? { values, n: 0 };
    tally.n += n;
    settled.set(id, tally);
  }
  return [...settled.values()].filter((tally) => tally.n !== 0);
}

/**
 * The rollups' counts for a range, exact at the moment of asking: stored counts, plus the
 * range's partial days read from the tickets, plus the correction for tickets changed since the
 * `reports` job last counted them. Run it within readConsistently (./consistent.ts).
 */
export async function readRollups(db: Knex, range: ReportRange, now: Date, wanted: Wanted): Promise<RolledUp> {
  const { months, days, interior, edges } = layout(range);
  const counts = emptyCounts();
  const [edgeTickets, correction] = await Promise.all([
    wanted.totals.length > 0 ? ticketsIn(db, edges) : [],
    pendingCorrection(db, range, interior),
    wanted.series ? storedSeries(db, range, counts) : undefined,
    ...[...wanted.totals, ...(wanted.now ?? [])].map((measure) => storedSums(db, measure, months, days, counts)),
  ]);
  // The per-day series and the counts of now are stored whole; the edges add only to totals.
  addFacts(counts, edgeTickets, 1, range.timeZone, { series: null, totals: edges, now: false });
  addAll(counts, correction.counts);
  const kept = [...TOTAL_MEASURES, ...NOW_MEASURES];
  return {
    perDay: { created: counts.created, resolved: counts.resolved },
    totals: Object.fromEntries(kept.map((measure) => [measure, settle(measure, counts[measure], now)])) as RolledUp['totals'],
    interior,
    edges,
    edgeTickets,
    pending: correction.pending,
    pendingTickets: correction.tickets,
    pendingCounted: correction.counted,
  };
}
