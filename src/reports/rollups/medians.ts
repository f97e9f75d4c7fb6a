import type { Knex } from 'knex';
import { dbTimeMs } from '../../db/time.js';
import { secondsBetween } from '../sql.js';
import { durationBucket, durationEnd, durationSeconds, type DurationMetric } from './counts.js';
import type { TicketFacts } from './facts.js';
import { within, type RolledUp } from './totals.js';

/** One agent's bucket that holds a middle duration, and which of its durations (from 0, shortest first). */
interface Wanted {
  assignee: number;
  bucket: number;
  positions: number[];
}

/** Per agent, the buckets and positions of the middle duration (two when the count is even). */
function middles(rolled: RolledUp, metric: DurationMetric, onlyUserId: number | undefined): Wanted[] {
  const histograms = new Map<number, Map<number, number>>();
  for (const { values, n } of rolled.totals[`agents.${metric}`]) {
    const [assignee, bucket] = values.map(Number) as [number, number];
    if (onlyUserId !== undefined && assignee !== onlyUserId) continue;
    const histogram = histograms.get(assignee) ?? new Map<number, number>();
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
    histograms.set(assignee, histogram);
  }
  const wanted: Wanted[] = [];
  for (const [assignee, histogram] of histograms) {
    const total = [...histogram.values()].reduce((sum, n) => sum + n, 0);
    const ranks = total % 2 === 1 ? [(total - 1) / 2] : [total / 2 - 1, total / 2];
    let before = 0;
    for (const [bucket, n] of [...histogram].sort(([a], [b]) => a - b)) {
      const positions = ranks.filter((rank) => rank >= before && rank < before + n).map((rank) => rank - before);
      if (positions.length > 0) wanted.push({ assignee, bucket, positions });
      before += n;
    }
  }
  return wanted;
}

const pairOf = (assignee: number, bucket: number) => `${assignee}:${bucket}`;

/**
 * Each agent's median duration (seconds) over the range: the stored bucket counts say which
 * bucket holds the middle, and only that bucket's durations are read. Where no ticket read
 * live (the range's partial days, tickets changed since the job) falls in the bucket, the
 * database picks the value at the position itself; otherwise the bucket's stored durations
 * are read and merged with the live ones. Exact: the same value the durations themselves give.
 */
export async function rolledMedians(db: Knex, rolled: RolledUp, metric: DurationMetric, onlyUserId?: number): Promise<Map<number, number>> {
  const wanted = middles(rolled, metric, onlyUserId);
  const liveValues = new Map<string, number[]>();
  const inInterior = (facts: TicketFacts) => rolled.interior !== null && within(durationEnd(facts, metric) ?? '', rolled.interior);
  const live = [...rolled.edgeTickets.filter((facts) => rolled.edges.some((edge) => within(durationEnd(facts, metric) ?? '', edge))), ...rolled.pendingTickets.filter(inInterior)];
  for (const facts of live) {
    const bucket = durationBucket(facts, metric);
    if (bucket === null) continue;
    const pair = pairOf(facts.assignee_id!, bucket);
    if (!liveValues.has(pair)) liveValues.set(pair, []);
    liveValues.get(pair)!.push(durationSeconds(facts, metric));
  }
  // A bucket that holds a changed ticket's counted duration must leave that row out: read whole.
  const touched = new Set(liveValues.keys());
  for (const facts of rolled.pendingCounted.filter(inInterior)) {
    const bucket = durationBucket(facts, metric);
    if (bucket !== null) touched.add(pairOf(facts.assignee_id!, bucket));
  }
  const values = new Map<number, number[]>();
  const found = (assignee: number, value: number) => {
    if (!values.has(assignee)) values.set(assignee, []);
    values.get(assignee)!.push(value);
  };
  const [picked, merged] = await Promise.all([
    storedAtPositions(db, rolled, metric, wanted.filter((w) => !touched.has(pairOf(w.assignee, w.bucket)))),
    mergedBuckets(db, rolled, metric, wanted.filter((w) => touched.has(pairOf(w.assignee, w.bucket))), liveValues),
  ]);
  for (const [assignee, value] of [...picked, ...merged]) found(assignee, value);
  return new Map([...values].map(([assignee, middle]) => [assignee, middle.reduce((sum, v) => sum + v, 0) / middle.length]));
}

const columnsOf = (metric: DurationMetric) => ({ bucket: `${metric}_bucket`, end: metric === 'first_response' ? 'first_response_at' : 'resolved_at' });

/** The stored durations at the wanted positions of the wanted buckets, picked by the database: [assignee, seconds]. */
async function storedAtPositions(db: Knex, rolled: RolledUp, metric: DurationMetric, wanted: Wanted[]): Promise<Array<[number, number]>> {
  const interior = rolled.interior;
  if (!interior || wanted.length === 0) return [];
  const { bucket, end } = columnsOf(metric);
  const picks = wanted.flatMap((w) =>
    w.positions.map((position, i) =>
      db
        .select('*')
        .from(
          db('report_tickets')
            .where({ assignee_id: w.assignee, [bucket]: w.bucket })
            .where(end, '>=', interior.start)
            .where(end, '<', interior.end)
            .select(db.raw('? AS assignee', [w.assignee]), db.raw(`${secondsBetween(db, 'created_at', end)} AS seconds`))
            .orderBy('seconds')
            .limit(1)
            .offset(position)
            .as(`pick_${w.assignee}_${w.bucket}_${i}`),
        ),
    ),
  );
  const [first, ...rest] = picks;
  const rows = (await (rest.length > 0 ? first!.unionAll(rest) : first!)) as Array<{ assignee: unknown; seconds: unknown }>;
  return rows.map((row) => [Number(row.assignee), Number(row.seconds)]);
}

/** The wanted positions of buckets that hold tickets read live: their stored durations (but changed tickets') and the live ones, sorted. */
async function mergedBuckets(db: Knex, rolled: RolledUp, metric: DurationMetric, wanted: Wanted[], liveValues: Map<string, number[]>): Promise<Array<[number, number]>> {
  if (wanted.length === 0) return [];
  const { bucket, end } = columnsOf(metric);
  const durations = new Map(wanted.map((w) => [pairOf(w.assignee, w.bucket), [...(liveValues.get(pairOf(w.assignee, w.bucket)) ?? [])]]));
  if (rolled.interior) {
    const stored = (await db('report_tickets')
      .whereIn(['assignee_id', bucket], wanted.map((w) => [w.assignee, w.bucket]))
      .where(end, '>=', rolled.interior.start)
      .where(end, '<', rolled.interior.end)
      .select('case_id', 'assignee_id', `${bucket} as bucket`, 'created_at', `${end} as ended_at`)) as Array<{ case_id: unknown; assignee_id: unknown; bucket: unknown; created_at: string; ended_at: string }>;
    for (const row of stored) {
      if (rolled.pending.has(Number(row.case_id))) continue;
      durations.get(pairOf(Number(row.assignee_id), Number(row.bucket)))?.push((dbTimeMs(row.ended_at) - dbTimeMs(row.created_at)) / 1000);
    }
  }
  return wanted.flatMap((w) => {
    const sorted = durations.get(pairOf(w.assignee, w.bucket))!.sort((a, b) => a - b);
    return w.positions.filter((position) => sorted[position] !== undefined).map((position): [number, number] => [w.assignee, sorted[position]!]);
  });
}
