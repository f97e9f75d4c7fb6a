import type { Knex } from 'knex';
import { tableDefaults, time } from '../src/db/columns.js';

/**
 * Failed logins per account and per client address, in fixed windows. In the database rather
 * than in memory so that every API instance behind a load balancer counts the same attempts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_throttle', (t) => {
    tableDefaults(knex, t);
    // `account:<email>` or `address:<ip>`.
    t.string('throttle_key', 300).primary();
    t.integer('failures').unsigned().notNullable();
    time(t, 'window_started_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_throttle');
}
