import type { Knex } from 'knex';

/**
 * An agent's open work (`assignee_id=me&status=assigned,in_progress,reopened`, newest first)
 * from the index alone: (assignee, status) now also holds the archived flag and the creation
 * time, so neither the page nor its count reads a ticket's row to filter or order it (a few
 * hundred random row reads per request before). Still serves what used (assignee, status):
 * the least-loaded agent for auto-assignment.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(['assignee_id', 'status', 'archived', 'created_at'], 'cases_assignee_status_archived_created_index');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex([], 'cases_assignee_id_status_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(['assignee_id', 'status'], 'cases_assignee_id_status_index');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex([], 'cases_assignee_status_archived_created_index');
  });
}
