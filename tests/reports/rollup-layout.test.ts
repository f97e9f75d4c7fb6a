import { rangeOf } from '../../src/reports/range.js';
import { bucketOf } from '../../src/reports/rollups/counts.js';
import { layout } from '../../src/reports/rollups/totals.js';

const t = (iso: string) => iso.replace('T', ' ').replace('Z', '');

describe('how a range is read from the rollups', () => {
  it('sums whole UTC months, then whole UTC days, and reads the partial days at the ends', () => {
    // Copenhagen's 2026-01-15 begins at 01-14 23:00 UTC; its 2026-04-10 ends at 04-10 22:00 UTC.
    expect(layout(rangeOf('Europe/Copenhagen', '2026-01-15', '2026-04-10'))).toEqual({
      months: { start: t('2026-02-01T00:00:00.000Z'), end: t('2026-04-01T00:00:00.000Z') },
      days: [
        { start: t('2026-01-15T00:00:00.000Z'), end: t('2026-02-01T00:00:00.000Z') },
        { start: t('2026-04-01T00:00:00.000Z'), end: t('2026-04-10T00:00:00.000Z') },
      ],
      interior: { start: t('2026-01-15T00:00:00.000Z'), end: t('2026-04-10T00:00:00.000Z') },
      edges: [
        { start: t('2026-01-14T23:00:00.000Z'), end: t('2026-01-15T00:00:00.000Z') },
        { start: t('2026-04-10T00:00:00.000Z'), end: t('2026-04-10T22:00:00.000Z') },
      ],
    });
  });

  it('needs no edges in UTC, and reads one local day that holds no whole UTC day from the tickets alone', () => {
    expect(layout(rangeOf('UTC', '2026-03-01', '2026-03-31'))).toMatchObject({ months: { start: t('2026-03-01T00:00:00.000Z') }, days: [], edges: [] });
    // Kathmandu (+5:45): 2026-06-01 runs from 05-31 18:15 to 06-01 18:15 UTC.
    expect(layout(rangeOf('Asia/Kathmandu', '2026-06-01', '2026-06-01'))).toEqual({
      months: null,
      days: [],
      interior: null,
      edges: [{ start: t('2026-05-31T18:15:00.000Z'), end: t('2026-06-01T18:15:00.000Z') }],
    });
  });

  it('puts durations in buckets a quarter of a doubling wide', () => {
    expect([0, 1, 2, 60, 3600].map(bucketOf)).toEqual([0, 0, 5, 24, 48]);
    expect(bucketOf(6000)).toBe(bucketOf(6660));
    expect(bucketOf(6000)).not.toBe(bucketOf(7200));
  });
});
