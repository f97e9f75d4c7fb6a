import type { Knex } from 'knex';

/**
 * Indexes that answer the dashboard and the reports from the index alone (measured in
 * `npm run bench -- reports`): each holds every column its reports read, so a year of a
 * million-ticket desk is one range scan, never a read of each ticket's row.
 *
 * - open: open tickets by status, priority, category and assignee, with the SLA columns that
 *   say whether a clock is breached or at risk now;
 * - created: tickets created in a range, by every breakdown, with their SLA clocks;
 * - resolved: tickets resolved in a range, by every breakdown, and how long each took;
 * - first response: first responses given in a range, and how long each took.
 */
const INDEXES: Record<string, string[]> = {
  cases_report_open_index: [
    'archived', 'status', 'priority', 'category', 'assignee_id', 'first_response_at', 'finished_at', 'sla_paused_at',
    'first_response_due_at', 'first_response_breached_at', 'first_response_warned_at', 'first_response_check_at',
    'resolution_due_at', 'resolution_breached_at', 'resolution_warned_at', 'resolution_check_at',
  ],
  cases_report_created_index: [
    'archived', 'created_at', 'priority', 'status', 'category', 'source', 'assignee_id', 'first_response_at', 'finished_at', 'sla_paused_at',
    'first_response_due_at', 'first_response_breached_at', 'resolution_due_at', 'resolution_breached_at',
  ],
  cases_report_resolved_index: ['archived', 'resolved_at', 'status', 'priority', 'category', 'source', 'assignee_id', 'created_at'],
  cases_report_first_response_index: ['archived', 'first_response_at', 'assignee_id', 'created_at'],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    for (const [name, columns] of Object.entries(INDEXES)) t.index(columns, name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    for (const name of Object.keys(INDEXES)) t.dropIndex([], name);
  });
}
