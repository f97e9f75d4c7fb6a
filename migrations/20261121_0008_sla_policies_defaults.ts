import type { Knex } from 'knex';
import { toDbTime } from '../src/db/time.js';

/** The contract's default SLA targets (DESIGN §6); admins change them later through the API. */
const DEFAULTS = [
  { priority: 'urgent', first_response_minutes: 2 * 60, resolution_minutes: 24 * 60 },
  { priority: 'high', first_response_minutes: 4 * 60, resolution_minutes: 48 * 60 },
  { priority: 'medium', first_response_minutes: 8 * 60, resolution_minutes: 5 * 24 * 60 },
  { priority: 'low', first_response_minutes: 24 * 60, resolution_minutes: 10 * 24 * 60 },
];

export async function up(knex: Knex): Promise<void> {
  const now = toDbTime(new Date());
  await knex('sla_policies').insert(DEFAULTS.map((policy) => ({ ...policy, updated_at: now })));
}

export async function down(knex: Knex): Promise<void> {
  await knex('sla_policies').whereIn('priority', DEFAULTS.map((p) => p.priority)).delete();
}
