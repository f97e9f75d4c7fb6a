import type { Knex } from 'knex';
import { time } from '../src/db/columns.js';
import { isMysql } from '../src/db/dialect.js';

/**
 * Indexes for the ticket list over a large backlog (measured in `npm run bench -- tickets`):
 * the default order (newest first) for an assignee or a tag, read straight off an
 * index instead of sorting every match; and, on MySQL, full-text indexes for `q`, which a LIKE
 * '%word%' could only answer by reading every subject and message.
 *
 * A tag's tickets in order need the ticket's creation time and archived flag beside the tag:
 * each tag row repeats them (written with the tags, and on archiving).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_tags', (t) => {
    t.boolean('case_archived').notNullable().defaultTo(false);
    time(t, 'case_created_at').nullable();
  });
  await knex('case_tags').update({
    case_archived: knex('cases').select('archived').where('cases.id', knex.ref('case_tags.case_id')),
    case_created_at: knex('cases').select('created_at').where('cases.id', knex.ref('case_tags.case_id')),
  });
  await knex.schema.alterTable('case_tags', (t) => {
    t.index(['tag_key', 'case_archived', 'case_created_at', 'case_id'], 'case_tags_list_index');
    t.dropIndex([], 'case_tags_tag_key_case_id_index');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.index(['assignee_id', 'archived', 'created_at'], 'cases_assignee_id_archived_created_at_index');
  });
  if (isMysql(knex)) {
    await knex.raw('ALTER TABLE cases ADD FULLTEXT INDEX cases_subject_fulltext (subject)');
    await knex.raw('ALTER TABLE messages ADD FULLTEXT INDEX messages_content_fulltext (content)');
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isMysql(knex)) {
    await knex.raw('ALTER TABLE messages DROP INDEX messages_content_fulltext');
    await knex.raw('ALTER TABLE cases DROP INDEX cases_subject_fulltext');
  }
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex([], 'cases_assignee_id_archived_created_at_index');
  });
  await knex.schema.alterTable('case_tags', (t) => {
    t.index(['tag_key', 'case_id'], 'case_tags_tag_key_case_id_index');
    t.dropIndex([], 'case_tags_list_index');
    t.dropColumn('case_created_at');
    t.dropColumn('case_archived');
  });
}
