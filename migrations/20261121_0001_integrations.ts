import type { Knex } from 'knex';
import { tableDefaults, time, uuid } from '../src/db/columns.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('integrations', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    uuid(knex, t, 'uuid').notNullable().unique('integrations_uuid_unique');
    t.string('name', 200).notNullable();
    // The API key is shown once; only its SHA-256 and a display prefix are kept.
    t.string('key_prefix', 16).notNullable();
    t.string('key_hash', 64).notNullable().unique('integrations_key_hash_unique');
    t.boolean('active').notNullable().defaultTo(true);
    // HMAC needs the secret itself; the previous one stays valid for a while after rotation.
    t.string('signing_secret', 200).nullable();
    t.string('previous_signing_secret', 200).nullable();
    time(t, 'previous_signing_secret_expires_at').nullable();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('integrations');
}
