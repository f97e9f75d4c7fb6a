import { ValidationError } from '../errors.js';

export interface Page {
  limit: number;
  offset: number;
}

export interface PageOf<T> extends Page {
  items: T[];
  total: number;
  next_cursor: string | null;
}

/** A list answered by `limit`/`offset` (DESIGN §5 list shape; no cursor). */
export function offsetPage<T>(items: T[], total: number, page: Page): PageOf<T> {
  return { items, total, ...page, next_cursor: null };
}

const NON_NEGATIVE_INTEGER = /^\d{1,9}$/;

/**
 * `limit` 1 to `max` (default `fallback`), `offset` from 0. Anything else is a 400 rather than
 * silently clamped, so a client never reads a page it did not ask for.
 */
export function readPage(query: Record<string, unknown>, fallback = 20, max = 100): Page {
  const errors: Record<string, string[]> = {};
  const read = (name: string, dflt: number, min: number, top: number): number => {
    const raw = query[name];
    if (raw === undefined) return dflt;
    const n = typeof raw === 'string' && NON_NEGATIVE_INTEGER.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= top)) errors[name] = [`must be an integer from ${min} to ${top}`];
    return n;
  };
  const page = { limit: read('limit', fallback, 1, max), offset: read('offset', 0, 0, 999_999_999) };
  if (Object.keys(errors).length > 0) throw new ValidationError('Invalid pagination', errors);
  return page;
}
