import type { Knex } from 'knex';
import { isMysql } from '../src/db/dialect.js';

/** Tickets filled per statement on MySQL, so no one statement gathers a whole backlog's tags. */
const FILL_STEP = 20_000;

/** Room for a ticket's tags as JSON (100 tags of 100 characters, each escaped as \uXXXX at worst); MySQL's default is 1,024 bytes. */
const GROUP_CONCAT_MAX_LEN = 1 << 20;

/**
 * Each ticket keeps its tags, in order, as a JSON array in its own row (`cases.tag_list`), so
 * every read of a ticket has them without touching `case_tags`. Reading them with a subquery
 * per ticket took more of MariaDB's time than the rest of a list page together (measured in
 * `npm run bench -- tickets`). `case_tags` stays: it is what the tag filter reads.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    // NULL for no tags: MySQL gives TEXT columns no default.
    t.text('tag_list').nullable();
  });
  if (!isMysql(knex)) {
    await knex.raw('UPDATE cases SET tag_list = (SELECT json_group_array(tag ORDER BY position) FROM case_tags WHERE case_id = cases.id) WHERE id IN (SELECT case_id FROM case_tags)');
    return;
  }
  const { last } = (await knex('case_tags').max({ last: 'case_id' }).first()) as { last: number | null };
  // knex runs a migration in one transaction, on one connection, so the setting holds for the
  // fill. (A nested transaction here would follow the ALTER's implicit commit, which knex warns of.)
  await knex.raw(`SET SESSION group_concat_max_len = ${GROUP_CONCAT_MAX_LEN}`);
  for (let from = 0; last !== null && from <= Number(last); from += FILL_STEP) await fill(knex, from, from + FILL_STEP);
}

/** The tag lists of the tickets with ids in (from, to]. */
async function fill(knex: Knex, from: number, to: number): Promise<void> {
  await knex.raw(
    `UPDATE cases JOIN (
       SELECT case_id, CONCAT('[', GROUP_CONCAT(JSON_QUOTE(tag) ORDER BY position SEPARATOR ','), ']') AS list
       FROM case_tags WHERE case_id > ? AND case_id <= ? GROUP BY case_id
     ) AS tagged ON tagged.case_id = cases.id
     SET cases.tag_list = tagged.list`,
    [from, to],
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('tag_list');
  });
}
