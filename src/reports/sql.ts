/**
 * SQL pieces the reports share, in the one dialect that runs (MySQL or SQLite). Times are UTC
 * text in both (src/db/time.ts), so ranges compare as text and only local dates and durations
 * need dialect-specific functions.
 */
import type { Knex } from 'knex';
import { isMysql } from '../db/dialect.js';
import { toDbTime } from '../db/time.js';
import type { SlaMetric } from '../sla/clocks.js';
import type { OffsetPiece } from './time-zone.js';

/** The zone's offset, in seconds, at the time in `column`: one branch per stretch of one offset. */
function offsetSeconds(column: string, pieces: readonly OffsetPiece[], bindings: string[]): string {
  const last = pieces[pieces.length - 1]!;
  if (pieces.length === 1) return String(last.offsetMs / 1000);
  const branches = pieces.slice(0, -1).map((piece) => {
    bindings.push(toDbTime(new Date(piece.until!)));
    return `WHEN ${column} < ? THEN ${piece.offsetMs / 1000}`;
  });
  return `CASE ${branches.join(' ')} ELSE ${last.offsetMs / 1000} END`;
}

/** The local date (`YYYY-MM-DD`) of the UTC time in `column`, in the zone the pieces describe. */
export function localDate(db: Knex, column: string, pieces: readonly OffsetPiece[]): Knex.Raw {
  const bindings: string[] = [];
  const offset = offsetSeconds(column, pieces, bindings);
  const sql = isMysql(db) ? `DATE(DATE_ADD(${column}, INTERVAL (${offset}) SECOND))` : `date(${column}, (${offset}) || ' seconds')`;
  return db.raw(sql, bindings);
}

/** Seconds from the time in `start` to the time in `end`. */
export function secondsBetween(db: Knex, start: string, end: string): string {
  return isMysql(db) ? `TIMESTAMPDIFF(MICROSECOND, ${start}, ${end}) / 1000000` : `(julianday(${end}) - julianday(${start})) * 86400.0`;
}

/** Instants bounding a range of local days: from `start`, up to but not including `end`. */
export interface Span {
  start: Date;
  end: Date;
}

/** Tickets (not archived) whose time in `column` falls in the span: where every report starts. */
export function happenedIn(db: Knex, column: string, span: Span): Knex.QueryBuilder {
  return db('cases').where('archived', false).where(column, '>=', toDbTime(span.start)).where(column, '<', toDbTime(span.end));
}

/** Seconds from creation to the time in `column`, for tickets whose `column` time falls in the span: the rows `medians` reads, as one group. */
export function durations(db: Knex, column: 'first_response_at' | 'resolved_at', span: Span): Knex.QueryBuilder {
  return happenedIn(db, column, span).select(db.raw("'all' AS grp"), db.raw(`${secondsBetween(db, 'created_at', column)} AS value`));
}

/**
 * The median of `value` per `grp` over the rows `source` selects (columns `grp` and `value`): the
 * middle value, or the mean of the two middle ones. Window functions run in MySQL 8, MariaDB
 * 10.2 and SQLite 3.25 alike, where MEDIAN() and PERCENTILE_CONT() do not.
 */
export async function medians(db: Knex, source: Knex.QueryBuilder): Promise<Map<string, number>> {
  const rows = (await db
    .select('grp')
    .avg({ median: 'value' })
    .from(
      db
        .select('grp', 'value')
        .select(db.raw('ROW_NUMBER() OVER (PARTITION BY grp ORDER BY value) AS position'))
        .select(db.raw('COUNT(*) OVER (PARTITION BY grp) AS n'))
        .from(source.as('durations'))
        .as('ranked'),
    )
    // The middle row of n, or the two middle rows when n is even.
    .whereRaw('position * 2 IN (n, n + 1, n + 2)')
    .groupBy('grp')) as Array<{ grp: unknown; median: number | string }>;
  return new Map(rows.map((row) => [String(row.grp), Number(row.median)]));
}

export type ClockState = 'met' | 'breached' | 'running' | 'none';

/**
 * The state of a ticket's first-response or resolution clock, as its ticket view tells it
 * (src/sla/view.ts): breached when a breach was recorded or the clock stopped (or still runs)
 * past its deadline; met when it stopped in time; running while it runs or is paused; none
 * without a deadline.
 */
function clockState(db: Knex, metric: SlaMetric, now: Date): Knex.Raw {
  const stopped = metric === 'first_response' ? 'COALESCE(first_response_at, finished_at)' : 'finished_at';
  const until = metric === 'first_response' ? stopped : 'COALESCE(finished_at, sla_paused_at)';
  return db.raw(
    `CASE WHEN ${metric}_due_at IS NULL THEN 'none'
      WHEN ${metric}_breached_at IS NOT NULL OR COALESCE(${until}, ?) > ${metric}_due_at THEN 'breached'
      WHEN ${stopped} IS NOT NULL THEN 'met'
      ELSE 'running' END`,
    [toDbTime(now)],
  );
}

/** Adds both clocks' states to the tickets `query` selects, as columns `first_response` and `resolution`. */
export function withClockStates(db: Knex, query: Knex.QueryBuilder, now: Date): Knex.QueryBuilder {
  return query.select(clockState(db, 'first_response', now).wrap('', ' AS first_response'), clockState(db, 'resolution', now).wrap('', ' AS resolution'));
}

/** Tickets (not archived) created in the span, each with its two clocks' states. */
export function createdWithClocks(db: Knex, span: Span, now: Date): Knex.QueryBuilder {
  return withClockStates(db, happenedIn(db, 'created_at', span), now);
}

/** Over rows with `first_response` and `resolution` states: a ticket with a clock breached. */
export const TICKET_BREACHED = "(first_response = 'breached' OR resolution = 'breached')";
