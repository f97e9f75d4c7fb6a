import type { Knex } from 'knex';

/**
 * The next `TICK-YYYYMMDD-NNNN` for the UTC day of `now`. The day's counter row is incremented
 * and stays locked until the transaction ends, so numbers are unique across instances and,
 * because a rolled-back transaction also rolls back its increment, gap-free. Call it as the
 * last write of a transaction to hold that lock as briefly as possible.
 */
export async function allocateTicketNumber(trx: Knex.Transaction, now: Date): Promise<string> {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  await trx('ticket_counters')
    .insert({ day, last_value: 1 })
    .onConflict('day')
    .merge({ last_value: trx.raw('?? + 1', ['ticket_counters.last_value']) });
  const row = await trx('ticket_counters').where({ day }).first<{ last_value: number }>('last_value');
  return `TICK-${day}-${String(row!.last_value).padStart(4, '0')}`;
}
