/**
 * Times are stored as UTC text `YYYY-MM-DD HH:MM:SS.mmm`: a DATETIME(3) in MySQL and a
 * string in SQLite, which sorts chronologically in both. mysql2 runs with dateStrings so
 * both databases hand back the same text.
 */
export function toDbTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromDbTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value.replace(' ', 'T') + 'Z').toISOString();
}

/** Milliseconds since the epoch of a stored time. */
export function dbTimeMs(value: string): number {
  return Date.parse(value.replace(' ', 'T') + 'Z');
}
