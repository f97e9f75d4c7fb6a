import type { Knex } from 'knex';
import { exactName, tableDefaults, time } from '../src/db/columns.js';

/** Values the installation generates once and every instance shares (the JWT secret when unset). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('settings', (t) => {
    tableDefaults(knex, t);
    exactName(knex, t, 'name', 100).primary();
    t.text('value').notNullable();
    time(t, 'created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('settings');
}
