import type { Knex } from 'knex';
import { toDbTime, fromDbTime } from '../db/time.js';
import { NotFoundError } from '../errors.js';
import { newApiKey, newSigningSecret } from './keys.js';
import {
  findIntegrationByUuid,
  insertIntegration,
  updateIntegration,
  type IntegrationRow,
} from './repository.js';

/** After a new signing secret is set, the one it replaces stays valid this long. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600 * 1000;

export interface IntegrationView {
  id: string;
  name: string;
  key_prefix: string;
  active: boolean;
  has_signing_secret: boolean;
  created_at: string;
  updated_at: string;
}

export function toView(row: IntegrationRow): IntegrationView {
  return {
    id: row.uuid,
    name: row.name,
    key_prefix: row.key_prefix,
    active: Boolean(row.active),
    has_signing_secret: row.signing_secret !== null,
    created_at: fromDbTime(row.created_at)!,
    updated_at: fromDbTime(row.updated_at)!,
  };
}

export async function getIntegration(db: Knex, uuid: string): Promise<IntegrationRow> {
  const row = await findIntegrationByUuid(db, uuid);
  if (!row) throw new NotFoundError('No such integration');
  return row;
}

export async function createIntegration(db: Knex, name: string): Promise<IntegrationView & { api_key: string }> {
  const key = newApiKey();
  const row = await insertIntegration(db, name.trim(), key.prefix, key.hash);
  return { ...toView(row), api_key: key.key };
}

/** A new key replaces the old one at once: the old key stops working with this call. */
export async function rotateApiKey(db: Knex, uuid: string): Promise<IntegrationView & { api_key: string }> {
  const row = await getIntegration(db, uuid);
  const key = newApiKey();
  await updateIntegration(db, row.id, { key_prefix: key.prefix, key_hash: key.hash });
  return { ...toView((await findIntegrationByUuid(db, uuid))!), api_key: key.key };
}

export async function changeIntegration(db: Knex, uuid: string, changes: { name?: string; active?: boolean }): Promise<IntegrationView> {
  const row = await getIntegration(db, uuid);
  await updateIntegration(db, row.id, {
    ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
    ...(changes.active !== undefined ? { active: changes.active } : {}),
  });
  return toView((await findIntegrationByUuid(db, uuid))!);
}

/** Sets a new secret; the previous one (if any) keeps verifying for 24 h so senders can roll over. */
export async function setSigningSecret(db: Knex, uuid: string, now = new Date()): Promise<string> {
  const row = await getIntegration(db, uuid);
  const secret = newSigningSecret();
  await updateIntegration(db, row.id, {
    signing_secret: secret,
    previous_signing_secret: row.signing_secret,
    previous_signing_secret_expires_at: row.signing_secret ? toDbTime(new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS)) : null,
  });
  return secret;
}

/** Requests are no longer signed: both the current and any previous secret are dropped. */
export async function clearSigningSecret(db: Knex, uuid: string): Promise<void> {
  const row = await getIntegration(db, uuid);
  await updateIntegration(db, row.id, { signing_secret: null, previous_signing_secret: null, previous_signing_secret_expires_at: null });
}

/** The secrets a signature may be made with right now: the current one, and the previous within its grace period. */
export function activeSecrets(row: IntegrationRow, now = new Date()): string[] {
  const secrets = row.signing_secret ? [row.signing_secret] : [];
  const expires = fromDbTime(row.previous_signing_secret_expires_at);
  if (row.previous_signing_secret && expires && Date.parse(expires) > now.getTime()) secrets.push(row.previous_signing_secret);
  return secrets;
}
