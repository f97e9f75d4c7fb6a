import { ValidationError } from '../errors.js';

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

export interface Instant {
  /** UTC, `YYYY-MM-DD HH:MM:SS.ffffff`: sorts as text, fits DATETIME(6). */
  micros: string;
  /** The same instant as a Date (milliseconds). */
  date: Date;
}

/**
 * An RFC 3339 timestamp as UTC with its microseconds kept: offsets are whole minutes, so the
 * fraction does not change when the offset is applied. Out-of-order deliveries are ordered by
 * this, so nothing below a millisecond may be lost.
 */
export function parseInstant(text: string, field: string): Instant {
  const match = RFC3339.exec(text);
  const whole = match ? new Date(`${match[1]}T${match[2]}${match[4]!.toUpperCase()}`) : undefined;
  const year = whole?.getUTCFullYear();
  if (!match || !whole || Number.isNaN(whole.getTime()) || year! < 1970 || year! > 9999) {
    throw new ValidationError('Invalid timestamp', { [field]: ['must be an RFC 3339 date-time from 1970 to 9999'] });
  }
  const fraction = (match[3] ?? '').slice(0, 6).padEnd(6, '0');
  const seconds = whole.toISOString().slice(0, 19).replace('T', ' ');
  return { micros: `${seconds}.${fraction}`, date: new Date(whole.getTime() + Number(fraction.slice(0, 3))) };
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) back to RFC 3339, keeping the microseconds. */
export function microsToRfc3339(micros: string): string {
  const [day, time] = micros.split(' ');
  const [clock, fraction = ''] = time!.split('.');
  return `${day}T${clock}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}
