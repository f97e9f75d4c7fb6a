import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';
import { cachedIntegrationByKeyHash, forgetIntegrationKeys } from './key-cache.js';

export interface IntegrationRow {
  id: number;
  uuid: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  active: number | boolean;
  signing_secret: string | null;
  previous_signing_secret: string | null;
  previous_signing_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export async function insertIntegration(db: Knex, name: string, keyPrefix: string, keyHash: string): Promise<IntegrationRow> {
  const now = toDbTime(new Date());
  const uuid = randomUUID();
  await db('integrations').insert({ uuid, name, key_prefix: keyPrefix, key_hash: keyHash, active: true, created_at: now, updated_at: now });
  return (await findIntegrationByUuid(db, uuid))!;
}

export function findIntegrationByUuid(db: Knex, uuid: string): Promise<IntegrationRow | undefined> {
  return db<IntegrationRow>('integrations').where({ uuid }).first();
}

/** The integration a key belongs to, possibly as it was up to a second ago (see key-cache.ts). */
export function findIntegrationByKeyHash(db: Knex, keyHash: string): Promise<IntegrationRow | undefined> {
  return cachedIntegrationByKeyHash(db, keyHash, () => db<IntegrationRow>('integrations').where({ key_hash: keyHash }).first());
}

export async function listIntegrations(db: Knex, limit: number, offset: number): Promise<{ rows: IntegrationRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    db<IntegrationRow>('integrations').orderBy('id').limit(limit).offset(offset),
    db('integrations').count<{ n: number | string }[]>({ n: '*' }),
  ]);
  return { rows, total: Number(count[0]!.n) };
}

export async function updateIntegration(db: Knex, id: number, changes: Partial<IntegrationRow>): Promise<void> {
  await db('integrations').where({ id }).update({ ...changes, updated_at: toDbTime(new Date()) });
  forgetIntegrationKeys(db);
}
