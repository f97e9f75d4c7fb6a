import type { Knex } from 'knex';
import { tableDefaults, time, uuid } from '../src/db/columns.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    uuid(knex, t, 'uuid').notNullable().unique('users_uuid_unique');
    t.enu('role', ['customer', 'agent', 'admin']).notNullable();
    // Stored lower-cased. A customer matched from an inbound mail may have no password,
    // and one created by hand may have no email at all.
    t.string('email', 254).nullable().unique('users_email_unique');
    t.string('password_hash', 255).nullable();
    t.string('first_name', 100).notNullable().defaultTo('');
    t.string('last_name', 100).notNullable().defaultTo('');
    t.string('phone', 50).nullable();
    t.boolean('active').notNullable().defaultTo(true);
    // Auto-assignment breaks ties by who was assigned least recently.
    time(t, 'last_assigned_at').nullable();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();
    t.index(['role', 'active'], 'users_role_active_index');
  });

  await knex.schema.createTable('refresh_tokens', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
    // Every rotation stays in one family; a reused token revokes the whole family.
    uuid(knex, t, 'family_id').notNullable();
    t.string('token_hash', 64).notNullable().unique('refresh_tokens_token_hash_unique');
    time(t, 'expires_at').notNullable();
    time(t, 'used_at').nullable();
    time(t, 'revoked_at').nullable();
    time(t, 'created_at').notNullable();
    t.index(['family_id'], 'refresh_tokens_family_id_index');
    t.index(['user_id'], 'refresh_tokens_user_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('refresh_tokens');
  await knex.schema.dropTable('users');
}
