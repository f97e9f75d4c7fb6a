import type { Knex } from 'knex';
import type { IntegrationRow } from './repository.js';

const TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

type Entries = Map<string, { row: IntegrationRow; until: number }>;

// One cache per database handle, so apps on different databases (tests) never share entries.
const caches = new WeakMap<Knex, Entries>();

function entriesOf(db: Knex): Entries {
  let entries = caches.get(db);
  if (!entries) caches.set(db, (entries = new Map()));
  return entries;
}

/**
 * Integrations by API-key hash, each remembered for a second. Every ingest request needs its
 * integration, and under load that lookup was a query of its own per request, while keys change
 * rarely. Every change to an integration made through this process forgets them all
 * (`forgetIntegrationKeys`), so a rotated key or a disabled integration is refused at once here,
 * and within a second on other instances. Unknown keys are never remembered.
 */
export async function cachedIntegrationByKeyHash(db: Knex, keyHash: string, find: () => Promise<IntegrationRow | undefined>): Promise<IntegrationRow | undefined> {
  const entries = entriesOf(db);
  const now = Date.now();
  const cached = entries.get(keyHash);
  if (cached && cached.until > now) return cached.row;
  const row = await find();
  if (!row) {
    entries.delete(keyHash);
    return undefined;
  }
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(keyHash, { row, until: now + TTL_MS });
  return row;
}

export function forgetIntegrationKeys(db: Knex): void {
  caches.get(db)?.clear();
}
