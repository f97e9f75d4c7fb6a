import type { Knex } from 'knex';

/** Whether a change of a ticket's columns changes its search words (subject and description are searched). */
export const changesSearchedText = (changes: { subject?: unknown; description?: unknown }): boolean => changes.subject !== undefined || changes.description !== undefined;

/**
 * Marks tickets whose searchable text changed (a new ticket, a subject, a message added or
 * deleted) in the writing transaction: search reads their own text until the `search` job has
 * indexed them again, so a change is findable the moment it commits. Each mark counts its
 * changes, and the indexer clears only the count it read: a change during indexing stays marked.
 */
export async function markForSearch(trx: Knex | Knex.Transaction, caseIds: readonly number[]): Promise<void> {
  const ids = [...new Set(caseIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  await trx('search_pending')
    .insert(ids.map((case_id) => ({ case_id, changes: 1 })))
    .onConflict('case_id')
    .merge({ changes: trx.raw('search_pending.changes + 1') });
}
