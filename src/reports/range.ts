import { emptyFieldErrors, ValidationError } from '../errors.js';
import { now } from '../time/clock.js';
import { addDays, isTimeZone, localDate, offsetPieces, startOfDay, type OffsetPiece } from './time-zone.js';

/** The longest range one report covers: a year, leap day included. */
export const MAX_RANGE_DAYS = 366;
/** Without `from`, a report covers the 30 days up to `to` (default: today). */
export const DEFAULT_RANGE_DAYS = 30;

/**
 * The days a report covers: local dates `from` to `to`, both included, in `timeZone`. Times are
 * stored in UTC; `start`/`end` are the UTC instants that bound those local days, and `pieces`
 * the zone's offsets in between, to turn a stored time into its local date.
 */
export interface ReportRange {
  from: string;
  to: string;
  timeZone: string;
  start: Date;
  end: Date;
  days: string[];
  pieces: OffsetPiece[];
}

export interface RangeQuery {
  from?: string;
  to?: string;
  time_zone?: string;
}

/** The zone of a report: `time_zone`, default UTC; an unknown name is a 400. */
export function readTimeZone(name: string | undefined): string {
  if (name === undefined) return 'UTC';
  if (!isTimeZone(name)) throw new ValidationError('Unknown time zone', { time_zone: ['must be an IANA time zone name, such as Europe/Copenhagen or UTC'] });
  return name;
}

/** The range of local days from `start` to `end` (both `YYYY-MM-DD`, included). */
export function rangeOf(timeZone: string, from: string, to: string): ReportRange {
  const start = startOfDay(timeZone, from);
  const end = startOfDay(timeZone, addDays(to, 1));
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return { from, to, timeZone, start: new Date(start), end: new Date(end), days, pieces: offsetPieces(timeZone, start, end) };
}

/** The range a report's query asks for (dates already checked as `YYYY-MM-DD` by its schema). */
export function readRange(query: RangeQuery): ReportRange {
  const timeZone = readTimeZone(query.time_zone);
  const to = query.to ?? localDate(timeZone, now().getTime());
  const from = query.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
  const errors = emptyFieldErrors();
  if (from > to) errors.from = ['must not be after to'];
  else if (addDays(from, MAX_RANGE_DAYS) <= to) errors.to = [`must be at most ${MAX_RANGE_DAYS} days after from`];
  if (Object.keys(errors).length > 0) throw new ValidationError('Invalid date range', errors);
  return rangeOf(timeZone, from, to);
}
