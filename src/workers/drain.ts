/**
 * Handles every id `fetchBatch` finds, batch after batch. Handling an id takes it out of what the
 * query finds; a batch with nothing new (rows another instance holds) or a short one ends it.
 */
export async function drain(fetchBatch: () => Promise<unknown[]>, batchSize: number, handle: (id: number) => Promise<void>): Promise<void> {
  const seen = new Set<number>();
  for (;;) {
    const ids = (await fetchBatch()).map(Number);
    const fresh = ids.filter((id) => !seen.has(id));
    for (const id of fresh) {
      seen.add(id);
      await handle(id);
    }
    if (fresh.length === 0 || ids.length < batchSize) return;
  }
}
