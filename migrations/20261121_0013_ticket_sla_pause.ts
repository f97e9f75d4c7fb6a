import type { Knex } from 'knex';

/**
 * Time a ticket spent waiting on the customer, which does not count against its resolution
 * deadline: kept so that a priority change can recompute the deadline and still leave it out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.bigInteger('sla_paused_ms').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('sla_paused_ms');
  });
}
