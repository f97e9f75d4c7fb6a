import type { Knex } from 'knex';
import { exactName, tableDefaults, time } from '../src/db/columns.js';

/** A scheduled job fires on one instance at a time: the one holding its lease row. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_leases', (t) => {
    tableDefaults(knex, t);
    exactName(knex, t, 'name', 100).primary();
    t.string('holder', 200).notNullable();
    time(t, 'expires_at').notNullable();
    time(t, 'last_fired_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_leases');
}
