import type { Knex } from 'knex';
import { bytes, exactId, tableDefaults, time } from '../src/db/columns.js';

/** Every /v1/case request, accepted or not, with its raw bytes so it can be read and replayed. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ingest_log', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    // Null when the request carried no valid key.
    t.bigInteger('integration_id').unsigned().nullable().references('id').inTable('integrations').onDelete('CASCADE');
    t.string('request_id', 128).notNullable();
    t.string('method', 10).notNullable();
    t.string('route', 100).notNullable();
    exactId(knex, t, 'case_uid').nullable();
    t.smallint('status_code').notNullable();
    t.string('outcome', 20).nullable();
    t.text('error').nullable();
    bytes(knex, t, 'raw_body').nullable();
    t.bigInteger('replay_of').unsigned().nullable();
    time(t, 'received_at').notNullable();
    t.index(['integration_id', 'id'], 'ingest_log_integration_id_id_index');
    t.index(['received_at'], 'ingest_log_received_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ingest_log');
}
