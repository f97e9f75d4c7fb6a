import type { Knex } from 'knex';
import { tableDefaults, time } from '../src/db/columns.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sla_policies', (t) => {
    tableDefaults(knex, t);
    t.string('priority', 10).primary();
    t.integer('first_response_minutes').unsigned().notNullable();
    t.integer('resolution_minutes').unsigned().notNullable();
    time(t, 'updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sla_policies');
}
