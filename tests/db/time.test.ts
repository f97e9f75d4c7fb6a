import { fromDbTime, toDbTime } from '../../src/db/time.js';

describe('stored times', () => {
  it('reads what toDbTime wrote back as the same instant in ISO 8601', () => {
    const instant = new Date('2026-11-22T06:59:01.042Z');
    expect(fromDbTime(toDbTime(instant))).toBe('2026-11-22T06:59:01.042Z');
  });

  it('reads stored text without milliseconds, or with fewer digits, as the same instant', () => {
    expect(fromDbTime('2026-01-01 10:00:00')).toBe('2026-01-01T10:00:00.000Z');
    expect(fromDbTime('2026-01-01 10:00:00.5')).toBe('2026-01-01T10:00:00.500Z');
  });

  it('reads no time as null', () => {
    expect(fromDbTime(null)).toBeNull();
    expect(fromDbTime(undefined)).toBeNull();
  });
});
