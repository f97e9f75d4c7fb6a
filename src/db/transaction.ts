import type { Knex } from 'knex';
import { isMysql } from './dialect.js';
import { isDuplicateKey, isRetryableConflict } from './errors.js';

const ATTEMPTS = 10;

/**
 * Runs `work` in a transaction, and runs it again when the database rolled it back for a
 * deadlock or lock timeout, or when a concurrent transaction inserted the same unique row first
 * (the retry then finds that row). Callers never see these as errors. (MySQL sessions run at
 * READ COMMITTED; see src/db/connect.ts.)
 */
export async function withTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (attempt >= ATTEMPTS || !(isRetryableConflict(err) || isDuplicateKey(err))) throw err;
      // A growing, jittered pause so the colliding transactions do not meet again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/** SELECT … FOR UPDATE on MySQL; SQLite has one writer at a time and no such clause. */
export function forUpdate<T extends Knex.QueryBuilder>(db: Knex, query: T): T {
  return isMysql(db) ? (query.forUpdate() as T) : query;
}

/**
 * Runs reads that must agree with one another in one transaction that sees one snapshot of the
 * database (REPEATABLE READ on MySQL, whose sessions otherwise read committed rows
 * statement by statement; a SQLite transaction already sees one state).
 */
export function inOneSnapshot<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return isMysql(db) ? db.transaction(work, { isolationLevel: 'repeatable read' }) : db.transaction(work);
}
