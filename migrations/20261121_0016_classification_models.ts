import type { Knex } from 'knex';
import { longText, tableDefaults, time } from '../src/db/columns.js';

/**
 * The learned classifier, one row per trained version (the id is the version), so every
 * instance loads the same model and the log can say which one decided. The log gains which
 * part decided each field (`rules` or `model-N`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('classification_models', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    t.integer('trained_on').unsigned().notNullable();
    t.integer('category_examples').unsigned().notNullable();
    t.integer('priority_examples').unsigned().notNullable();
    // A digest of the labels it learned from: the scheduled retrain skips when nothing changed.
    t.string('fingerprint', 64).notNullable();
    longText(t, 'model').notNullable();
    time(t, 'created_at').notNullable();
  });
  await knex.schema.alterTable('classification_log', (t) => {
    t.string('category_decided_by', 30).nullable();
    t.string('priority_decided_by', 30).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('classification_log', (t) => {
    t.dropColumn('category_decided_by');
    t.dropColumn('priority_decided_by');
  });
  await knex.schema.dropTable('classification_models');
}
