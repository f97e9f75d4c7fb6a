/**
 * Local calendar days in an IANA time zone, from the platform's Intl data: no library, and the
 * same answers as the browser showing the dashboard.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the platform knows this zone name (`Europe/Copenhagen`, `UTC`, `Etc/GMT+5`). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `ms` in the zone, as if it were UTC, in ms since the epoch. */
function wallClockMs(timeZone: string, ms: number): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall + (ms - Math.floor(ms / 1000) * 1000);
}

/** The zone's offset from UTC at instant `ms`, in ms (Copenhagen in summer: +7,200,000). */
export function offsetAt(timeZone: string, ms: number): number {
  return wallClockMs(timeZone, ms) - ms;
}

/** The local date (`YYYY-MM-DD`) at instant `ms`. */
export function localDate(timeZone: string, ms: number): string {
  return new Date(wallClockMs(timeZone, ms)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first instant of a local date, in ms since the epoch. */
export function startOfDay(timeZone: string, date: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let start = wall - offsetAt(timeZone, wall);
  // A second pass settles days on which the offset changes.
  start = wall - offsetAt(timeZone, start);
  // Where a transition skips midnight itself, the day begins at the transition.
  if (localDate(timeZone, start) !== date) start = wall - offsetAt(timeZone, start);
  return start;
}

/** A stretch of time with one UTC offset: from the previous piece's end up to `until` (null: on and on). */
export interface OffsetPiece {
  until: number | null;
  offsetMs: number;
}

/** The instant the offset changes between `low` (old offset) and `high` (new offset). */
function transitionBetween(timeZone: string, low: number, high: number): number {
  const before = offsetAt(timeZone, low);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(timeZone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * The zone's offsets over [start, end), split where they change (twice a year where summer
 * time is kept), so a query can turn stored UTC times into local dates exactly. Transitions
 * are looked for between consecutive day boundaries; no zone changes its offset twice a day.
 */
export function offsetPieces(timeZone: string, start: number, end: number): OffsetPiece[] {
  const pieces: OffsetPiece[] = [];
  let offset = offsetAt(timeZone, start);
  for (let from = start; from < end; from += 86_400_000) {
    const to = Math.min(from + 86_400_000, end);
    const next = offsetAt(timeZone, to);
    if (next === offset) continue;
    pieces.push({ until: transitionBetween(timeZone, from, to), offsetMs: offset });
    offset = next;
  }
  pieces.push({ until: null, offsetMs: offset });
  return pieces;
}
