import type { Knex } from 'knex';
import { CATEGORIES, PRIORITIES, STATUSES } from '../cases/vocabulary.js';
import { count, NO_CATEGORY } from './figures.js';
import type { ReportRange } from './range.js';
import { happenedIn, localDate } from './sql.js';

export interface Volume {
  created: number;
  resolved: number;
}

export interface TicketVolumeReport {
  from: string;
  to: string;
  time_zone: string;
  totals: Volume;
  by_day: Array<{ date: string } & Volume>;
  by_status: Array<{ status: string } & Volume>;
  by_category: Array<{ category: string } & Volume>;
  by_priority: Array<{ priority: string } & Volume>;
  by_source: Array<{ source: string } & Volume>;
}

type Event = 'created' | 'resolved';
const DIMENSIONS = ['status', 'category', 'priority', 'source'] as const;
type Dimension = (typeof DIMENSIONS)[number];

async function perDay(db: Knex, event: Event, range: ReportRange): Promise<Map<string, number>> {
  const rows = (await happenedIn(db, `${event}_at`, range)
    .select(localDate(db, `${event}_at`, range.pieces).wrap('', ' AS day'))
    .count({ n: '*' })
    .groupBy('day')) as Array<{ day: string; n: unknown }>;
  return new Map(rows.map((row) => [String(row.day).slice(0, 10), count(row.n)]));
}

type DimensionRow = Record<Dimension, string | null> & { n: unknown };

/** One pass per event over every dimension at once; the breakdowns are summed up from it. */
async function perDimensions(db: Knex, event: Event, range: ReportRange): Promise<DimensionRow[]> {
  return (await happenedIn(db, `${event}_at`, range).select(...DIMENSIONS).count({ n: '*' }).groupBy(...DIMENSIONS)) as DimensionRow[];
}

/** Rows for every known value (zeros included, in their usual order), then any other value seen. */
function breakdown<K extends Dimension>(dimension: K, known: readonly string[], created: DimensionRow[], resolved: DimensionRow[]): Array<Record<K, string> & Volume> {
  const volumes = new Map<string, Volume>(known.map((key) => [key, { created: 0, resolved: 0 }]));
  const add = (rows: DimensionRow[], event: Event) => {
    for (const row of rows) {
      const key = row[dimension] ?? NO_CATEGORY;
      const volume = volumes.get(key) ?? { created: 0, resolved: 0 };
      volume[event] += count(row.n);
      volumes.set(key, volume);
    }
  };
  add(created, 'created');
  add(resolved, 'resolved');
  return [...volumes].map(([key, volume]) => ({ [dimension]: key, ...volume }) as Record<K, string> & Volume);
}

/**
 * Tickets created and resolved in the range: per local day, and by status (as they are now),
 * category, priority and source. A ticket counts as resolved on the day it was last resolved;
 * reopening takes it out until it is resolved again.
 */
export async function ticketVolumeReport(db: Knex, range: ReportRange): Promise<TicketVolumeReport> {
  const [createdPerDay, resolvedPerDay, created, resolved] = await Promise.all([
    perDay(db, 'created', range),
    perDay(db, 'resolved', range),
    perDimensions(db, 'created', range),
    perDimensions(db, 'resolved', range),
  ]);
  const by_day = range.days.map((date) => ({ date, created: createdPerDay.get(date) ?? 0, resolved: resolvedPerDay.get(date) ?? 0 }));
  return {
    from: range.from,
    to: range.to,
    time_zone: range.timeZone,
    totals: { created: by_day.reduce((sum, day) => sum + day.created, 0), resolved: by_day.reduce((sum, day) => sum + day.resolved, 0) },
    by_day,
    by_status: breakdown('status', STATUSES, created, resolved),
    by_category: breakdown('category', [...CATEGORIES, NO_CATEGORY], created, resolved),
    by_priority: breakdown('priority', PRIORITIES, created, resolved),
    by_source: breakdown('source', [], created, resolved),
  };
}
