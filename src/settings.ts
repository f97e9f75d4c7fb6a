import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { toDbTime } from './db/time.js';

/**
 * A secret generated on first use and kept in the database, so every instance and every restart
 * agrees on it without configuration. The first writer wins; everyone reads what it wrote.
 */
export async function sharedSecret(db: Knex, name: string): Promise<string> {
  await db('settings')
    .insert({ name, value: randomBytes(48).toString('base64url'), created_at: toDbTime(new Date()) })
    .onConflict('name')
    .ignore();
  const row = await db('settings').where({ name }).first<{ value: string }>('value');
  return row!.value;
}
