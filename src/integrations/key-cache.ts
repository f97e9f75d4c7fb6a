import type { Knex } from 'knex';
import { findIntegrationByKeyHash, type IntegrationRow } from './repository.js';

const MAX_ENTRIES = 10_000;

/**
 * Integrations by API-key hash, each remembered for a moment. Every ingest request needs its
 * integration, and under load that lookup was a query of its own per request; keys change
 * rarely. This instance forgets everything as soon as an admin changes an integration
 * (`forget`), so a rotated key or a disabled integration is refused at once here and within
 * `ttlMs` on other instances. Unknown keys are never remembered.
 */
export class IntegrationKeyCache {
  private readonly entries = new Map<string, { row: IntegrationRow; until: number }>();

  constructor(
    private readonly db: Knex,
    private readonly ttlMs = 1000,
  ) {}

  async find(keyHash: string): Promise<IntegrationRow | undefined> {
    const now = Date.now();
    const cached = this.entries.get(keyHash);
    if (cached && cached.until > now) return cached.row;
    const row = await findIntegrationByKeyHash(this.db, keyHash);
    if (!row) {
      this.entries.delete(keyHash);
      return undefined;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(keyHash, { row, until: now + this.ttlMs });
    return row;
  }

  forget(): void {
    this.entries.clear();
  }
}
