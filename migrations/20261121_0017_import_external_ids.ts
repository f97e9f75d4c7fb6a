import type { Knex } from 'knex';
import { exactName } from '../src/db/columns.js';

/**
 * The id a ticket had in the tool it was exported from. Unique per source, so importing the
 * same file twice finds every row already there and creates nothing new. Null for tickets
 * made here (NULLs never collide in a unique index, on MySQL or SQLite).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    exactName(knex, t, 'external_id', 200).nullable();
    t.unique(['source', 'external_id'], { indexName: 'cases_source_external_id_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropUnique(['source', 'external_id'], 'cases_source_external_id_unique');
    t.dropColumn('external_id');
  });
}
