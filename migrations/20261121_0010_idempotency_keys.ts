import type { Knex } from 'knex';
import { longText, tableDefaults, time } from '../src/db/columns.js';

/** Idempotency-Key on POST: the first response is kept for 24 hours and replayed. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    // Keys are scoped to their caller: one user's key never replays another's response.
    t.string('scope', 100).notNullable();
    t.string('idempotency_key', 255).notNullable();
    t.string('request_hash', 64).notNullable();
    t.smallint('status_code').nullable();
    longText(t, 'response_body').nullable();
    time(t, 'created_at').notNullable();
    t.unique(['scope', 'idempotency_key'], { indexName: 'idempotency_keys_scope_idempotency_key_unique' });
    t.index(['created_at'], 'idempotency_keys_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
}
