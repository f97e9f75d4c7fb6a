import type { Knex } from 'knex';
import { exactId, exactName, longText, tableDefaults, time, uuid } from '../src/db/columns.js';

/**
 * A case (an ingested Capturi case, or a ticket made through the API or an import) with its
 * messages, tags and custom fields. The internal ids are never exposed and never compared
 * across integrations; the public identity is the UUID, the ticket number, or
 * (integration, case_uid) for integrations.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cases', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    uuid(knex, t, 'uuid').notNullable().unique('cases_uuid_unique');
    // Allocated as the last step of the creating transaction, so the per-day counter row is
    // locked as briefly as possible; never null once committed.
    t.string('number', 24).nullable().unique('cases_number_unique');
    t.bigInteger('integration_id').unsigned().nullable().references('id').inTable('integrations');
    exactId(knex, t, 'case_uid').nullable();
    // `api`, `import`, or the pushing integration's name.
    t.string('source', 200).notNullable();
    // The integration's own `source` field, kept verbatim.
    t.string('external_source', 200).nullable();
    t.string('inbox', 200).nullable();
    t.string('subject', 1000).notNullable();
    longText(t, 'description').nullable();
    t.string('status', 20).notNullable();
    t.string('external_status', 100).nullable();
    t.string('priority', 10).notNullable();
    t.string('external_priority', 100).nullable();
    t.string('category', 20).nullable();
    t.bigInteger('customer_id').unsigned().nullable().references('id').inTable('users');
    t.bigInteger('assignee_id').unsigned().nullable().references('id').inTable('users');
    t.text('resolution_comment').nullable();
    // The integration's own `updated` orders out-of-order deliveries, so keep its microseconds.
    t.datetime('external_updated_at', { precision: 6 }).nullable();
    // Properties an integration sent that Casehub does not know yet, kept as JSON.
    longText(t, 'extra_fields').nullable();
    // SLA clocks.
    time(t, 'first_response_at').nullable();
    time(t, 'resolved_at').nullable();
    time(t, 'closed_at').nullable();
    time(t, 'first_response_due_at').nullable();
    time(t, 'resolution_due_at').nullable();
    time(t, 'sla_paused_at').nullable();
    time(t, 'first_response_warned_at').nullable();
    time(t, 'resolution_warned_at').nullable();
    time(t, 'first_response_breached_at').nullable();
    time(t, 'resolution_breached_at').nullable();
    // Classification: who set category and priority, and how sure the classifier was.
    t.string('category_source', 10).nullable();
    t.string('priority_source', 10).nullable();
    t.float('classification_confidence').nullable();
    t.boolean('archived').notNullable().defaultTo(false);
    time(t, 'archived_at').nullable();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();

    t.unique(['integration_id', 'case_uid'], { indexName: 'cases_integration_id_case_uid_unique' });
    t.index(['archived', 'status', 'priority', 'created_at'], 'cases_archived_status_priority_created_at_index');
    t.index(['assignee_id', 'status'], 'cases_assignee_id_status_index');
    t.index(['customer_id', 'created_at'], 'cases_customer_id_created_at_index');
    t.index(['category', 'created_at'], 'cases_category_created_at_index');
    t.index(['created_at'], 'cases_created_at_index');
    t.index(['resolution_due_at'], 'cases_resolution_due_at_index');
    t.index(['first_response_due_at'], 'cases_first_response_due_at_index');
  });

  await knex.schema.createTable('messages', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    t.bigInteger('case_id').unsigned().notNullable().references('id').inTable('cases').onDelete('CASCADE');
    uuid(knex, t, 'uuid').notNullable().unique('messages_uuid_unique');
    // Keyed within its case, so a resend is a no-op; messages written through the API have none.
    exactId(knex, t, 'message_uid').nullable();
    t.string('type', 50).nullable();
    t.string('direction', 10).notNullable();
    t.string('visibility', 10).notNullable();
    t.bigInteger('author_id').unsigned().nullable().references('id').inTable('users');
    t.string('from_name', 200).nullable();
    t.string('from_email', 254).nullable();
    t.string('from_id', 200).nullable();
    longText(t, 'recipients').nullable();
    t.string('subject', 1000).nullable();
    longText(t, 'content').notNullable();
    longText(t, 'attachments').nullable();
    longText(t, 'extra_fields').nullable();
    time(t, 'created_at').notNullable();
    time(t, 'received_at').notNullable();
    time(t, 'deleted_at').nullable();
    t.unique(['case_id', 'message_uid'], { indexName: 'messages_case_id_message_uid_unique' });
    t.index(['case_id', 'created_at'], 'messages_case_id_created_at_index');
  });

  await knex.schema.createTable('case_tags', (t) => {
    tableDefaults(knex, t);
    t.bigInteger('case_id').unsigned().notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.smallint('position').notNullable();
    t.string('tag', 100).notNullable();
    // Lower-cased: tags are unique and searched case-insensitively, the first spelling kept in `tag`.
    t.string('tag_key', 100).notNullable();
    t.primary(['case_id', 'tag_key']);
    t.index(['tag_key', 'case_id'], 'case_tags_tag_key_case_id_index');
  });

  await knex.schema.createTable('case_custom_fields', (t) => {
    tableDefaults(knex, t);
    t.bigInteger('case_id').unsigned().notNullable().references('id').inTable('cases').onDelete('CASCADE');
    exactName(knex, t, 'name', 64).notNullable();
    t.text('value').notNullable();
    t.primary(['case_id', 'name']);
  });

  await knex.schema.createTable('case_history', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    t.bigInteger('case_id').unsigned().notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.bigInteger('actor_id').unsigned().nullable().references('id').inTable('users');
    // user, integration or system
    t.string('actor_type', 20).notNullable();
    t.string('field', 50).notNullable();
    t.text('from_value').nullable();
    t.text('to_value').nullable();
    t.text('note').nullable();
    time(t, 'created_at').notNullable();
    t.index(['case_id', 'id'], 'case_history_case_id_id_index');
  });

  // Ticket numbers TICK-YYYYMMDD-NNNN: one counter row per day, incremented under a row lock.
  await knex.schema.createTable('ticket_counters', (t) => {
    tableDefaults(knex, t);
    t.string('day', 8).primary();
    t.integer('last_value').unsigned().notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ticket_counters', 'case_history', 'case_custom_fields', 'case_tags', 'messages', 'cases']) {
    await knex.schema.dropTable(table);
  }
}
