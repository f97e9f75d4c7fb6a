import type { Knex } from 'knex';
import { exactName, tableDefaults, time } from '../src/db/columns.js';

/**
 * Report rollups (docs/reports.md, "Rollups"): counts that a year's report sums instead of
 * scanning a year of tickets.
 * - `report_counts`: per measure (`volume.created`, `sla.created`, …), grain (quarter hour,
 *   UTC day or UTC month), period start and key (the breakdown's values as a JSON array), how
 *   many tickets.
 * - `report_tickets`: what each ticket last added to those counts, so the job can take it back
 *   out when the ticket changes; and its durations' buckets, to find a median's exact value.
 * - `report_pending`: tickets changed since the job last counted them; reports read their own
 *   rows until it has.
 * - `report_state`: one row whose `version` every commit of the job raises, so a report can
 *   tell that its reads, made in parallel, all saw the same counts.
 * Every existing ticket starts pending; the `reports` job counts them in the background.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_counts', (t) => {
    tableDefaults(knex, t);
    exactName(knex, t, 'measure', 24).notNullable();
    exactName(knex, t, 'grain', 1).notNullable();
    time(t, 'period').notNullable();
    exactName(knex, t, 'key', 400).notNullable();
    t.integer('n').notNullable();
    t.primary(['measure', 'grain', 'period', 'key']);
  });
  await knex.schema.createTable('report_tickets', (t) => {
    tableDefaults(knex, t);
    t.bigInteger('case_id').unsigned().primary();
    t.boolean('archived').notNullable();
    time(t, 'created_at').notNullable();
    time(t, 'resolved_at').nullable();
    time(t, 'first_response_at').nullable();
    t.string('status', 20).notNullable();
    t.string('category', 20).nullable();
    t.string('priority', 10).notNullable();
    t.string('source', 200).notNullable();
    t.bigInteger('assignee_id').unsigned().nullable();
    // 'none', 'met', 'breached', 'running', or 'due <time>': running until then, breached after.
    t.string('first_response_state', 40).notNullable();
    t.string('resolution_state', 40).notNullable();
    // 'warned', 'no', or 'at <time>': warned from then on (the dashboard's "at risk").
    t.string('warning_state', 40).notNullable();
    // The agents report's medians read one bucket of one agent's durations (src/reports/rollups/medians.ts).
    t.integer('first_response_bucket').nullable();
    t.integer('resolution_bucket').nullable();
    t.index(['assignee_id', 'first_response_bucket', 'first_response_at', 'created_at'], 'report_tickets_first_response_index');
    t.index(['assignee_id', 'resolution_bucket', 'resolved_at', 'created_at'], 'report_tickets_resolution_index');
  });
  await knex.schema.createTable('report_pending', (t) => {
    tableDefaults(knex, t);
    t.bigInteger('case_id').unsigned().primary();
    t.integer('changes').unsigned().notNullable().defaultTo(1);
  });
  await knex.schema.createTable('report_state', (t) => {
    tableDefaults(knex, t);
    t.integer('id').primary();
    t.bigInteger('version').notNullable();
  });
  await knex('report_state').insert({ id: 1, version: 0 });
  await knex.raw('INSERT INTO report_pending (case_id) SELECT id FROM cases');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('report_state');
  await knex.schema.dropTable('report_pending');
  await knex.schema.dropTable('report_tickets');
  await knex.schema.dropTable('report_counts');
}
