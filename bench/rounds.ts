/** What the benches that run in rounds share: the order of a round and the middle of its figures. */

/** The middle value; with an even count, the mean of the two middle ones. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? Math.round((sorted[middle - 1]! + sorted[middle]!) / 2) : sorted[Math.floor(middle)]!;
}

/**
 * The first two swap places every other round: whoever runs second meets the machine as the
 * first left it (MariaDB still flushing its writes, caches warm), so neither always does.
 */
export function firstTwoInTurn<T>(items: readonly T[], round: number): T[] {
  if (items.length < 2 || round % 2 === 0) return [...items];
  const [first, second, ...rest] = items;
  return [second!, first!, ...rest];
}
