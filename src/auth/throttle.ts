import type { Knex } from 'knex';
import { fromDbTime, toDbTime } from '../db/time.js';
import { RateLimitedError } from '../errors.js';

/** Failed logins allowed per window before further attempts are refused with 429. */
export const LOGIN_LIMITS = { account: 5, address: 20, windowMs: 15 * 60 * 1000 } as const;

export interface LoginAttempt {
  email: string;
  /** The client's address as the server sees it (behind a proxy: see TRUST_PROXY). */
  address: string;
}

const keysOf = (attempt: LoginAttempt) =>
  [
    { key: `account:${attempt.email.toLowerCase()}`, limit: LOGIN_LIMITS.account },
    { key: `address:${attempt.address}`, limit: LOGIN_LIMITS.address },
  ] as const;

/** Refuses the attempt (429 with Retry-After) while its account or its address is over the limit. */
export async function assertLoginAllowed(db: Knex, attempt: LoginAttempt, now = new Date()): Promise<void> {
  const keys = keysOf(attempt);
  const rows: Array<{ throttle_key: string; failures: number; window_started_at: string }> = await db('login_throttle').whereIn(
    'throttle_key',
    keys.map((k) => k.key),
  );
  for (const row of rows) {
    const limit = keys.find((k) => k.key === row.throttle_key)!.limit;
    const windowEnds = Date.parse(fromDbTime(row.window_started_at)!) + LOGIN_LIMITS.windowMs;
    if (row.failures >= limit && windowEnds > now.getTime()) {
      throw new RateLimitedError('Too many failed logins; try again later', (windowEnds - now.getTime()) / 1000);
    }
  }
}

/** Counts a failure against the account and the address; a window that has ended starts again. */
export async function recordLoginFailure(db: Knex, attempt: LoginAttempt, now = new Date()): Promise<void> {
  const windowOpenSince = toDbTime(new Date(now.getTime() - LOGIN_LIMITS.windowMs));
  for (const { key } of keysOf(attempt)) {
    const counted = await db('login_throttle').where({ throttle_key: key }).where('window_started_at', '>', windowOpenSince).increment('failures', 1);
    if (counted === 0) {
      await db('login_throttle')
        .insert({ throttle_key: key, failures: 1, window_started_at: toDbTime(now) })
        .onConflict('throttle_key')
        .merge(['failures', 'window_started_at']);
    }
  }
}

/** A successful login clears its account's count (not its address's: one success must not reopen a spray). */
export async function clearLoginFailures(db: Knex, attempt: LoginAttempt): Promise<void> {
  await db('login_throttle').where({ throttle_key: keysOf(attempt)[0].key }).delete();
}
