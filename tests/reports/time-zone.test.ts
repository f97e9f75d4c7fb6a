import { rangeOf } from '../../src/reports/range.js';
import { localDate, offsetAt, offsetPieces, startOfDay } from '../../src/reports/time-zone.js';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

describe('local days in a time zone', () => {
  it('finds the offset on either side of a change to summer time', () => {
    expect(offsetAt('Europe/Copenhagen', utc('2026-03-29T00:59:59Z'))).toBe(HOUR);
    expect(offsetAt('Europe/Copenhagen', utc('2026-03-29T01:00:00Z'))).toBe(2 * HOUR);
    expect(offsetAt('Asia/Kathmandu', utc('2026-06-01T00:00:00Z'))).toBe(5.75 * HOUR);
  });

  it('starts a day at local midnight, 23 hours long when the clocks go forward', () => {
    expect(new Date(startOfDay('Europe/Copenhagen', '2026-03-29')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDay('Europe/Copenhagen', '2026-03-30')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(startOfDay('America/New_York', '2026-11-01')).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(startOfDay('America/New_York', '2026-11-02')).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('starts a day at the change itself where the change skips midnight', () => {
    // Cuba moves its clocks from 00:00 to 01:00 on the second Sunday of March.
    const start = startOfDay('America/Havana', '2026-03-08');
    expect(localDate('America/Havana', start)).toBe('2026-03-08');
    expect(localDate('America/Havana', start - 1)).toBe('2026-03-07');
  });

  it('splits a range where the offset changes, at the very millisecond', () => {
    const pieces = offsetPieces('Europe/Copenhagen', utc('2026-03-01T00:00:00Z'), utc('2026-11-01T00:00:00Z'));
    expect(pieces).toEqual([
      { until: utc('2026-03-29T01:00:00Z'), offsetMs: HOUR },
      { until: utc('2026-10-25T01:00:00Z'), offsetMs: 2 * HOUR },
      { until: null, offsetMs: HOUR },
    ]);
    expect(offsetPieces('UTC', utc('2026-01-01T00:00:00Z'), utc('2027-01-01T00:00:00Z'))).toEqual([{ until: null, offsetMs: 0 }]);
  });

  it('lists every local day of a range, both ends included', () => {
    const range = rangeOf('Europe/Copenhagen', '2026-02-27', '2026-03-02');
    expect(range.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(range.start.toISOString()).toBe('2026-02-26T23:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-03-02T23:00:00.000Z');
  });
});
