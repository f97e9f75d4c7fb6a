import type { Knex } from 'knex';
import { toDbTime } from '../../db/time.js';
import type { ReportRange } from '../range.js';
import { localDate } from '../sql.js';
import { localDate as localDateOf } from '../time-zone.js';
import { contributions, HOUR_MS, SERIES_MEASURES, STATE_POSITIONS, TOTAL_MEASURES, isSeries, type SeriesMeasure, type TotalMeasure } from './counts.js';
import { countedFacts, currentFacts, stateAt, type TicketFacts } from './facts.js';

/** Pending tickets read per round. */
const PENDING_CHUNK = 1000;
const DAY_MS = 86_400_000;

export interface Span {
  start: string;
  end: string;
}

export const within = (at: string, span: Span) => at >= span.start && at < span.end;

const dayFloor = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const monthFloor = (ms: number) => {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
};
const span = (start: number, end: number): Span => ({ start: toDbTime(new Date(start)), end: toDbTime(new Date(end)) });

/**
 * How a range is read: the whole UTC months inside it from month rows, the other whole UTC days
 * from day rows, and the partial days at its ends (a local day is rarely a UTC day) from the
 * tickets themselves.
 */
export function layout(range: ReportRange): { months: Span | null; days: Span[]; interior: Span | null; edges: Span[] } {
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
  totals: Record<TotalMeasure, Tally[]>;
  /** Whole UTC days of the range, counted in the stored rollups but for `pending` tickets. */
  interior: Span | null;
  /** The partial days at the range's ends, read from `edgeTickets`. */
  edges: Span[];
  edgeTickets: TicketFacts[];
  /** Tickets changed since the job counted them, and their facts now. */
  pending: Set<number>;
  pendingTickets: TicketFacts[];
}

type Sums = Map<string, number>;
const addTo = (sums: Sums, key: string, n: number) => sums.set(key, (sums.get(key) ?? 0) + n);

async function storedSeries(db: Knex, range: ReportRange): Promise<Record<SeriesMeasure, Sums>> {
  const wholeHours = range.pieces.every((piece) => piece.offsetMs % HOUR_MS === 0);
  const rows = (await db('report_counts')
    .whereIn('measure', SERIES_MEASURES)
    .where('grain', wholeHours ? 'h' : 'q')
    .where('period', '>=', toDbTime(range.start))
    .where('period', '<', toDbTime(range.end))
    .select('measure', localDate(db, 'period', range.pieces).wrap('', ' AS day'))
    .sum({ n: 'n' })
    .groupBy('measure', 'day')) as Array<{ measure: SeriesMeasure; day: string; n: unknown }>;
  const series = { created: new Map(), resolved: new Map() } as Record<SeriesMeasure, Sums>;
  for (const row of rows) addTo(series[row.measure], String(row.day).slice(0, 10), Number(row.n));
  return series;
}

const emptySeries = (): Record<SeriesMeasure, Sums> => ({ created: new Map(), resolved: new Map() });
const emptyTotals = (): Record<TotalMeasure, Sums> => Object.fromEntries(TOTAL_MEASURES.map((m) => [m, new Map()])) as Record<TotalMeasure, Sums>;

/** One measure's stored counts over whole months and days, per key; one query per measure, in parallel. */
async function storedTotals(db: Knex, measures: readonly TotalMeasure[], months: Span | null, days: Span[]): Promise<Record<TotalMeasure, Sums>> {
  const totals = emptyTotals();
  if (!months && days.length === 0) return totals;
  const read = async (measure: TotalMeasure) => {
    const rows = (await db('report_counts')
      .where('measure', measure)
      .where((periods) => {
        if (months) periods.orWhere((q) => q.where('grain', 'm').where('period', '>=', months.start).where('period', '<', months.end));
        for (const part of days) periods.orWhere((q) => q.where('grain', 'd').where('period', '>=', part.start).where('period', '<', part.end));
      })
      .select('key')
      .sum({ n: 'n' })
      .groupBy('key')) as Array<{ key: string; n: unknown }>;
    for (const row of rows) addTo(totals[measure], row.key, Number(row.n));
  };
  await Promise.all(measures.map(read));
  return totals;
}

/** Tickets with a counted time in one of the spans, as they are now. */
async function ticketsIn(db: Knex, spans: Span[]): Promise<TicketFacts[]> {
  const found = new Map<number, TicketFacts>();
  const reads = spans.flatMap((part) =>
    ['created_at', 'resolved_at'].map((column) => currentFacts(db('cases').where('archived', false).where(column, '>=', part.start).where(column, '<', part.end))),
  );
  for (const facts of (await Promise.all(reads)).flat()) found.set(facts.case_id, facts);
  return [...found.values()];
}

/** Adds `sign` times the tickets' contributions that fall in the given spans. */
function addFacts(series: Record<SeriesMeasure, Sums>, totals: Record<TotalMeasure, Sums>, facts: TicketFacts[], sign: 1 | -1, range: ReportRange, seriesSpan: Span | null, totalSpans: Span[]): void {
  for (const contribution of facts.flatMap(contributions)) {
    const { measure, at, key } = contribution;
    if (isSeries(measure)) {
      if (seriesSpan && within(at, seriesSpan)) addTo(series[measure], localDateOf(range.timeZone, Date.parse(`${at.replace(' ', 'T')}Z`)), sign);
    } else if (totalSpans.some((part) => within(at, part))) addTo(totals[measure], key, sign);
  }
}

/** Values of a key with its clock states read at `now`, summed again where states now agree. */
function settle(measure: TotalMeasure, sums: Sums, now: Date): Tally[] {
  const positions = STATE_POSITIONS[measure] ?? [];
  const settled = new Map<string, Tally>();
  for (const [key, n] of sums) {
    if (n === 0) continue;
    const values = JSON.parse(key) as unknown[];
    for (const position of positions) values[position] = stateAt(values[position] as string, now);
    const id = JSON.stringify(values);
    const tally = settled.get(id) ?? { values, n: 0 };
    tally.n += n;
    settled.set(id, tally);
  }
  return [...settled.values()].filter((tally) => tally.n !== 0);
}

/** What a report sums: the per-day series or not, and which total measures. */
export interface Wanted {
  series: boolean;
  totals: readonly TotalMeasure[];
}

/**
 * For every ticket changed since the job last counted it: what it adds now less what the
 * stored counts hold of it, within the range (series) and its whole UTC days (totals).
 */
async function pendingCorrection(db: Knex, range: ReportRange, interior: Span | null) {
  const series = emptySeries();
  const totals = emptyTotals();
  const pending = ((await db('report_pending').orderBy('case_id').pluck('case_id')) as unknown[]).map(Number);
  const whole = span(range.start.getTime(), range.end.getTime());
  const interiorSpans = interior ? [interior] : [];
  const tickets: TicketFacts[] = [];
  for (let i = 0; i < pending.length; i += PENDING_CHUNK) {
    const ids = pending.slice(i, i + PENDING_CHUNK);
    const [before, after] = await Promise.all([countedFacts(db, ids), currentFacts(db('cases').whereIn('id', ids))]);
    addFacts(series, totals, before, -1, range, whole, interiorSpans);
    addFacts(series, totals, after, 1, range, whole, interiorSpans);
    tickets.push(...after.filter((facts) => !facts.archived && facts.assignee_id !== null));
  }
  return { series, totals, pending: new Set(pending), tickets };
}

function merge(into: Sums, from: Sums): void {
  for (const [key, n] of from) addTo(into, key, n);
}

/**
 * The rollups' counts for a range, exact at the moment of asking: stored counts, plus the
 * range's partial days read from the tickets, plus the correction for tickets changed since the
 * `reports` job last counted them. Run it within readConsistently (./consistent.ts).
 */
export async function readRollups(db: Knex, range: ReportRange, now: Date, wanted: Wanted): Promise<RolledUp> {
  const { months, days, interior, edges } = layout(range);
  const [series, totals, edgeTickets, correction] = await Promise.all([
    wanted.series ? storedSeries(db, range) : emptySeries(),
    storedTotals(db, wanted.totals, months, days),
    wanted.totals.length > 0 ? ticketsIn(db, edges) : [],
    pendingCorrection(db, range, interior),
  ]);
  // The per-day series is stored for the whole range already; the edges add only to totals.
  addFacts(series, totals, edgeTickets, 1, range, null, edges);
  for (const measure of SERIES_MEASURES) merge(series[measure], correction.series[measure]);
  for (const measure of wanted.totals) merge(totals[measure], correction.totals[measure]);
  return {
    perDay: series,
    totals: Object.fromEntries(TOTAL_MEASURES.map((measure) => [measure, settle(measure, totals[measure], now)])) as Record<TotalMeasure, Tally[]>,
    interior,
    edges,
    edgeTickets,
    pending: correction.pending,
    pendingTickets: correction.tickets,
  };
}
