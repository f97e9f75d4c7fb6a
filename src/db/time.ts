/**
 * Times are stored as UTC text `YYYY-MM-DD HH:MM:SS.mmm`: a DATETIME(3) in MySQL and a
 * string in SQLite, which sorts chronologically in both. mysql2 runs with dateStrings so
 * both databases hand back the same text.
 */
export function toDbTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** What toDbTime writes; such text becomes ISO 8601 by swapping two characters, no Date needed. */
const STORED_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

export function fromDbTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // A list of tickets reads about ten times per ticket; parsing each into a Date was a twentieth
  // of the server's time (docs/performance.md).
  if (STORED_TIME.test(value)) return `${value.slice(0, 10)}T${value.slice(11)}Z`;
  return new Date(value.replace(' ', 'T') + 'Z').toISOString();
}

/** Milliseconds since the epoch of a stored time. */
export function dbTimeMs(value: string): number {
  return Date.parse(value.replace(' ', 'T') + 'Z');
}
