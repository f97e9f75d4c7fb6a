import type { Knex } from 'knex';
import { time } from '../src/db/columns.js';

/**
 * What the `sla` job needs to find its work without reading the backlog every minute:
 * - `first_response_check_at` and `resolution_check_at`: when the job must next look at each
 *   clock (its 80 % warning point, then its deadline); null once the clock stopped, is paused
 *   or has breached, so the index holds only running clocks.
 * - `finished_at`: when the ticket was resolved, closed or rejected, which stops both clocks
 *   (cleared on reopening).
 * - `mail_outbox.claim_token`: the sender that claimed a batch finds its rows by it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    time(t, 'finished_at').nullable();
    time(t, 'first_response_check_at').nullable();
    time(t, 'resolution_check_at').nullable();
    t.index(['first_response_check_at'], 'cases_first_response_check_at_index');
    t.index(['resolution_check_at'], 'cases_resolution_check_at_index');
  });
  await knex('cases').whereIn('status', ['resolved', 'closed', 'rejected']).update({
    finished_at: knex.raw('coalesce(resolved_at, closed_at, updated_at)'),
  });
  const running = () => knex('cases').whereNull('finished_at').where('archived', false);
  await running()
    .whereNull('first_response_at')
    .whereNull('first_response_breached_at')
    .update({ first_response_check_at: knex.ref('first_response_due_at') });
  await running()
    .whereNull('sla_paused_at')
    .whereNull('resolution_breached_at')
    .update({ resolution_check_at: knex.ref('resolution_due_at') });

  await knex.schema.alterTable('mail_outbox', (t) => {
    t.string('claim_token', 36).nullable();
    t.index(['claim_token'], 'mail_outbox_claim_token_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('mail_outbox', (t) => {
    t.dropIndex([], 'mail_outbox_claim_token_index');
    t.dropColumn('claim_token');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex([], 'cases_resolution_check_at_index');
    t.dropIndex([], 'cases_first_response_check_at_index');
    t.dropColumn('resolution_check_at');
    t.dropColumn('first_response_check_at');
    t.dropColumn('finished_at');
  });
}
