import type { Knex } from 'knex';

/**
 * The next `count` numbers `TICK-YYYYMMDD-NNNN` for the UTC day of `now`. The day's counter
 * row is moved on by `count` and stays locked until the transaction ends, so numbers are
 * unique across instances and, because a rolled-back transaction rolls back its increment too,
 * gap-free. Call it as late in a transaction as possible to hold that lock briefly.
 */
export async function allocateTicketNumbers(trx: Knex.Transaction, now: Date, count: number): Promise<string[]> {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  await trx('ticket_counters')
    .insert({ day, last_value: count })
    .onConflict('day')
    .merge({ last_value: trx.raw('?? + ?', ['ticket_counters.last_value', count]) });
  const row = await trx('ticket_counters').where({ day }).first<{ last_value: number }>('last_value');
  const first = Number(row!.last_value) - count + 1;
  return Array.from({ length: count }, (_, i) => `TICK-${day}-${String(first + i).padStart(4, '0')}`);
}
