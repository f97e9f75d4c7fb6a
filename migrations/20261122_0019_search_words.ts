import type { Knex } from 'knex';
import { exactName, tableDefaults } from '../src/db/columns.js';
import { isMysql } from '../src/db/dialect.js';

/**
 * Search over a large backlog without full-text indexes on the write path (docs/search.md):
 * - `search_words`: each word of a ticket (subject and live messages) once, with whether
 *   anything a customer may read holds it; a term is a range of its word index.
 * - `search_pending`: tickets whose words changed since they were last indexed, and how often
 *   (so the indexer only clears the mark it read). Search reads their text itself until the
 *   `search` job has indexed them.
 * Every existing ticket starts pending; the job (or `casehub worker run-once search`) indexes
 * them in the background.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('search_words', (t) => {
    tableDefaults(knex, t);
    exactName(knex, t, 'word', 64).notNullable();
    t.bigInteger('case_id').unsigned().notNullable();
    t.boolean('public').notNullable();
    // In ticket order, so a new ticket's words are appended and its old ones found together;
    // a term reads the (word, public) index, which holds the ticket id too.
    t.primary(['case_id', 'word']);
    t.index(['word', 'public'], 'search_words_word_public_index');
  });
  await knex.schema.createTable('search_pending', (t) => {
    tableDefaults(knex, t);
    t.bigInteger('case_id').unsigned().primary();
    t.integer('changes').unsigned().notNullable().defaultTo(1);
  });
  await knex.raw('INSERT INTO search_pending (case_id) SELECT id FROM cases');
  if (isMysql(knex)) {
    await knex.raw('ALTER TABLE messages DROP INDEX messages_content_fulltext');
    await knex.raw('ALTER TABLE cases DROP INDEX cases_subject_fulltext');
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isMysql(knex)) {
    await knex.raw('ALTER TABLE cases ADD FULLTEXT INDEX cases_subject_fulltext (subject)');
    await knex.raw('ALTER TABLE messages ADD FULLTEXT INDEX messages_content_fulltext (content)');
  }
  await knex.schema.dropTable('search_pending');
  await knex.schema.dropTable('search_words');
}
