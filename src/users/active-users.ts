import type { Knex } from 'knex';
import { SharedBelief } from '../db/short-memory.js';
import { findActiveUserByUuid, type UserRow } from './repository.js';

/**
 * How long a request that only reads may trust an active user another request read. Reading
 * the user was one statement of two for a page of tickets. A write always reads the user; a
 * change made through this process is seen at once, one made through another instance within
 * this time and the one read that follows it (docs/api.md, "Deactivation").
 */
const TRUSTED_FOR_MS = 1000;
const recentlyActive = new SharedBelief<UserRow>(TRUSTED_FOR_MS);

/** The active user with this public id, or undefined; `readOnly` requests may get one read in the last second. */
export function activeUser(db: Knex, uuid: string, readOnly: boolean): Promise<UserRow | undefined> {
  return recentlyActive.answer(db, uuid, () => findActiveUserByUuid(db, uuid), readOnly);
}

/** After a change to the user (deactivation, email): no request trusts the old row. */
export function forgetUser(db: Knex, uuid: string): void {
  recentlyActive.forget(db, uuid);
}
