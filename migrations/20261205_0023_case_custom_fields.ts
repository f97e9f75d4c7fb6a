import type { Knex } from 'knex';
import { exactName, longText, tableDefaults } from '../src/db/columns.js';
import { isMysql } from '../src/db/dialect.js';

/** Tickets filled per statement on MySQL, so no one statement gathers a whole backlog's fields. */
const FILL_STEP = 20_000;

/** Room for ten fields of 10,000 characters as JSON, each character escaped at worst; MySQL's default is 1,024 bytes. */
const GROUP_CONCAT_MAX_LEN = 1 << 23;

/**
 * Each case keeps its custom fields in its own row (`cases.custom_fields`, a JSON list ordered
 * by name) instead of one `case_custom_fields` row per field: nothing filters by them, and they
 * are only ever read and written whole with their case, so a table, a read before every update
 * that carries them and a query of `GET /v1/case` go. (The ingest bench measured no change in
 * speed either way: docs/performance.md.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    // NULL for none: MySQL gives TEXT columns no default.
    longText(t, 'custom_fields').nullable();
  });
  if (isMysql(knex)) {
    const { last } = (await knex('case_custom_fields').max({ last: 'case_id' }).first()) as { last: number | null };
    // knex runs a migration in one transaction, on one connection, so the setting holds for the fill.
    await knex.raw(`SET SESSION group_concat_max_len = ${GROUP_CONCAT_MAX_LEN}`);
    for (let from = 0; last !== null && from <= Number(last); from += FILL_STEP) await fillMysql(knex, from, from + FILL_STEP);
  } else {
    await knex.raw(
      `UPDATE cases SET custom_fields = (
         SELECT json_group_array(json_object('name', name, 'value', value) ORDER BY name) FROM case_custom_fields WHERE case_id = cases.id
       ) WHERE id IN (SELECT case_id FROM case_custom_fields)`,
    );
  }
  await knex.schema.dropTable('case_custom_fields');
}

/** The custom field lists of the cases with ids in (from, to]. (`name` is binary, so ORDER BY is by code unit, as the app sorts.) */
async function fillMysql(knex: Knex, from: number, to: number): Promise<void> {
  await knex.raw(
    `UPDATE cases JOIN (
       SELECT case_id, CONCAT('[', GROUP_CONCAT(JSON_OBJECT('name', name, 'value', value) ORDER BY name SEPARATOR ','), ']') AS list
       FROM case_custom_fields WHERE case_id > ? AND case_id <= ? GROUP BY case_id
     ) AS fielded ON fielded.case_id = cases.id
     SET cases.custom_fields = fielded.list`,
    [from, to],
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_custom_fields', (t) => {
    tableDefaults(knex, t);
    t.bigInteger('case_id').unsigned().notNullable().references('id').inTable('cases').onDelete('CASCADE');
    exactName(knex, t, 'name', 64).notNullable();
    t.text('value').notNullable();
    t.primary(['case_id', 'name']);
  });
  for (let after = 0; ; ) {
    const rows = (await knex('cases').whereNotNull('custom_fields').where('id', '>', after).orderBy('id').limit(100).select('id', 'custom_fields')) as Array<{ id: number; custom_fields: string }>;
    if (rows.length === 0) break;
    const fields = rows.flatMap((row) => (JSON.parse(row.custom_fields) as Array<{ name: string; value: string }>).map((f) => ({ case_id: row.id, name: f.name, value: f.value })));
    if (fields.length > 0) await knex('case_custom_fields').insert(fields);
    after = Number(rows[rows.length - 1]!.id);
  }
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('custom_fields');
  });
}
