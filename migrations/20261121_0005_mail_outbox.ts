import type { Knex } from 'knex';
import { longText, tableDefaults, time } from '../src/db/columns.js';

/** Mail is written here in the same transaction as the change that causes it, and sent later. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mail_outbox', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    // One mail per cause, whoever writes it and however often.
    t.string('idempotency_key', 191).notNullable().unique('mail_outbox_idempotency_key_unique');
    t.string('kind', 50).notNullable();
    t.bigInteger('case_id').unsigned().nullable().references('id').inTable('cases').onDelete('SET NULL');
    t.string('to_address', 254).notNullable();
    t.string('subject', 1000).notNullable();
    longText(t, 'text_body').notNullable();
    longText(t, 'html_body').nullable();
    // queued, sent or failed
    t.string('status', 10).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    time(t, 'next_attempt_at').notNullable();
    t.text('last_error').nullable();
    t.string('message_id', 255).notNullable();
    time(t, 'created_at').notNullable();
    time(t, 'sent_at').nullable();
    t.index(['status', 'next_attempt_at'], 'mail_outbox_status_next_attempt_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('mail_outbox');
}
