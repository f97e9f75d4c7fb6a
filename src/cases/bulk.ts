import type { Knex } from 'knex';
import { allocateTicketNumbers } from './ticket-number.js';

/** Writing many new tickets in a fixed number of statements (ingest batches, imports). */

// Rows per INSERT: large enough to save round trips, small enough for any server's packet limit.
const CHUNK = 200;

export async function insertAll(trx: Knex.Transaction, table: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK));
}

/** The ids the database gave the new cases, by their UUIDs. */
export async function caseIdsByUuid(trx: Knex.Transaction, uuids: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < uuids.length; i += CHUNK) {
    const found: Array<{ id: number; uuid: string }> = await trx('cases').whereIn('uuid', uuids.slice(i, i + CHUNK)).select('id', 'uuid');
    for (const { id, uuid } of found) ids.set(uuid, Number(id));
  }
  return ids;
}

/**
 * Ticket numbers for new cases, in order, allocated as the transaction's last step so the
 * day's counter row is locked as briefly as possible; one UPDATE per chunk
 * (`number = CASE id WHEN … THEN … END`).
 */
export async function numberCases(trx: Knex.Transaction, now: Date, ids: readonly number[]): Promise<string[]> {
  const numbers = await allocateTicketNumbers(trx, now, ids.length);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const cases = chunk.map(() => 'WHEN ? THEN ?').join(' ');
    await trx('cases')
      .whereIn('id', chunk)
      .update({ number: trx.raw(`CASE id ${cases} END`, chunk.flatMap((id, k) => [id, numbers[i + k]!])) });
  }
  return numbers;
}
