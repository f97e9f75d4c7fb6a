import type { Knex } from 'knex';
import { dbTimeMs } from '../../db/time.js';
import { durationBucket, durationEnd, durationSeconds, type DurationMetric } from './counts.js';
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

/**
 * Each agent's median duration (seconds) over the range: the stored bucket counts say which
 * bucket holds the middle, and only that bucket's durations are read, from the tickets as the
 * job last counted them (but those changed since) and from the tickets read live. Exact: the
 * same value the durations themselves give.
 */
export async function rolledMedians(db: Knex, rolled: RolledUp, metric: DurationMetric, onlyUserId?: number): Promise<Map<number, number>> {
  const wanted = middles(rolled, metric, onlyUserId);
  const bucketColumn = `${metric}_bucket`;
  const endColumn = metric === 'first_response' ? 'first_response_at' : 'resolved_at';
  const durations = new Map(wanted.map((w) => [`${w.assignee}:${w.bucket}`, [] as number[]]));
  const add = (assignee: number, bucket: number, seconds: number) => durations.get(`${assignee}:${bucket}`)?.push(seconds);
  if (rolled.interior && wanted.length > 0) {
    const stored = (await db('report_tickets')
      .whereIn(['assignee_id', bucketColumn], wanted.map((w) => [w.assignee, w.bucket]))
      .where(endColumn, '>=', rolled.interior.start)
      .where(endColumn, '<', rolled.interior.end)
      .select('case_id', 'assignee_id', `${bucketColumn} as bucket`, 'created_at', `${endColumn} as ended_at`)) as Array<{ case_id: unknown; assignee_id: unknown; bucket: unknown; created_at: string; ended_at: string }>;
    for (const row of stored) {
      if (!rolled.pending.has(Number(row.case_id))) add(Number(row.assignee_id), Number(row.bucket), (dbTimeMs(row.ended_at) - dbTimeMs(row.created_at)) / 1000);
    }
  }
  const live = [
    ...rolled.edgeTickets.filter((facts) => rolled.edges.some((edge) => within(durationEnd(facts, metric) ?? '', edge))),
    ...rolled.pendingTickets.filter((facts) => rolled.interior && within(durationEnd(facts, metric) ?? '', rolled.interior)),
  ];
  for (const facts of live) {
    const bucket = durationBucket(facts, metric);
    if (bucket !== null) add(facts.assignee_id!, bucket, durationSeconds(facts, metric));
  }
  const middle = new Map<number, number[]>();
  for (const { assignee, bucket, positions } of wanted) {
    const values = durations.get(`${assignee}:${bucket}`)!.sort((a, b) => a - b);
    const found = middle.get(assignee) ?? [];
    for (const position of positions) if (values[position] !== undefined) found.push(values[position]);
    middle.set(assignee, found);
  }
  return new Map([...middle].filter(([, values]) => values.length > 0).map(([assignee, values]) => [assignee, values.reduce((sum, v) => sum + v, 0) / values.length]));
}
