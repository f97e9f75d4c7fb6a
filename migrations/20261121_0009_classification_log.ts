import type { Knex } from 'knex';
import { tableDefaults, time } from '../src/db/columns.js';

/** Every classification decision, and whether a person later overrode it. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('classification_log', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    t.bigInteger('case_id').unsigned().notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.string('category', 20).nullable();
    t.string('priority', 10).nullable();
    t.float('confidence').notNullable();
    t.text('keywords').notNullable();
    t.string('model_version', 50).notNullable();
    t.string('overridden_category', 20).nullable();
    t.string('overridden_priority', 10).nullable();
    t.bigInteger('overridden_by').unsigned().nullable().references('id').inTable('users');
    time(t, 'overridden_at').nullable();
    time(t, 'created_at').notNullable();
    t.index(['case_id'], 'classification_log_case_id_index');
    t.index(['created_at'], 'classification_log_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('classification_log');
}
