import type { Knex } from 'knex';
import { CATEGORIES, PRIORITIES, STATUSES } from '../cases/vocabulary.js';
import { now } from '../time/clock.js';
import { NO_CATEGORY } from './figures.js';
import type { ReportRange } from './range.js';
import { readConsistently } from './rollups/consistent.js';
import { readRollups, type Tally } from './rollups/totals.js';

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

type DimensionRow = Record<Dimension, string | null> & { n: number };

/** The rollup's tallies (keyed status, category, priority, source) as rows of those dimensions. */
const dimensionRows = (tallies: Tally[]): DimensionRow[] =>
  tallies.map(({ values, n }) => ({ ...(Object.fromEntries(DIMENSIONS.map((dimension, i) => [dimension, values[i]])) as Record<Dimension, string | null>), n }));

/** Rows for every known value (zeros included, in their usual order), then any other value seen. */
function breakdown<K extends Dimension>(dimension: K, known: readonly string[], created: DimensionRow[], resolved: DimensionRow[]): Array<Record<K, string> & Volume> {
  const volumes = new Map<string, Volume>(known.map((key) => [key, { created: 0, resolved: 0 }]));
  const add = (rows: DimensionRow[], event: Event) => {
    for (const row of rows) {
      const key = row[dimension] ?? NO_CATEGORY;
      const volume = volumes.get(key) ?? { created: 0, resolved: 0 };
      volume[event] += row.n;
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
  const { perDay, totals } = await readConsistently(db, (reader) => readRollups(reader, range, now(), { series: true, totals: ['volume.created', 'volume.resolved'] }));
  const by_day = range.days.map((date) => ({ date, created: perDay.created.get(date) ?? 0, resolved: perDay.resolved.get(date) ?? 0 }));
  const created = dimensionRows(totals['volume.created']);
  const resolved = dimensionRows(totals['volume.resolved']);
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
