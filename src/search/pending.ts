import type { Knex } from 'knex';
import { markCases } from '../db/marks.js';

/** Whether a change of a ticket's columns changes its search words (subject and description are searched). */
export const changesSearchedText = (changes: { subject?: unknown; description?: unknown }): boolean => changes.subject !== undefined || changes.description !== undefined;

/**
 * Marks tickets whose searchable text changed (a new ticket, a subject, a message added or
 * deleted) in the writing transaction: search reads their own text until the `search` job has
 * indexed them again, so a change is findable the moment it commits (src/db/marks.ts).
 */
export async function markForSearch(trx: Knex | Knex.Transaction, caseIds: readonly number[]): Promise<void> {
  await markCases(trx, 'search_pending', caseIds);
}
