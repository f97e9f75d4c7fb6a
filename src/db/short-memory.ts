import type { Knex } from 'knex';
import { now } from '../time/clock.js';

/**
 * Answers worth remembering for a few seconds, per database handle (tests run many apps, each
 * on its own database, in one process). Bounded: past `max` keys the oldest is forgotten first.
 */
export class ShortMemory<V> {
  private readonly handles = new WeakMap<Knex, Map<string, { value: V; until: number }>>();

  constructor(
    private readonly ms: number,
    private readonly max = 10_000,
  ) {}

  recall(db: Knex, key: string): V | undefined {
    const entries = this.handles.get(db);
    const entry = entries?.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now().getTime()) return entry.value;
    entries!.delete(key);
    return undefined;
  }

  forget(db: Knex, key: string): void {
    this.handles.get(db)?.delete(key);
  }

  remember(db: Knex, key: string, value: V): void {
    let entries = this.handles.get(db);
    if (!entries) this.handles.set(db, (entries = new Map()));
    if (entries.size >= this.max && !entries.has(key)) entries.delete(entries.keys().next().value!);
    entries.set(key, { value, until: now().getTime() + this.ms });
  }
}

/**
 * An answer believed for `ms`. Once that runs out, the first caller asks again and the others
 * keep the old answer until it knows (for `ms` more at most): when a belief ran out under load,
 * every request in flight asked at once.
 */
export class SharedBelief<V> {
  private readonly memory: ShortMemory<{ value: V; at: number; askingAgain: boolean }>;

  constructor(private readonly ms: number) {
    this.memory = new ShortMemory(2 * ms);
  }

  /**
   * The answer believed for `key`, or the one `ask` finds now: remembered when defined,
   * forgotten when undefined. Without `mayTrust`, `ask` always runs.
   */
  async answer(db: Knex, key: string, ask: () => Promise<V | undefined>, mayTrust = true): Promise<V | undefined> {
    const known = mayTrust ? this.memory.recall(db, key) : undefined;
    if (known && (known.askingAgain || now().getTime() - known.at < this.ms)) return known.value;
    if (known) known.askingAgain = true;
    let value: V | undefined;
    try {
      value = await ask();
    } finally {
      if (known) known.askingAgain = false;
    }
    if (value === undefined) this.memory.forget(db, key);
    else this.memory.remember(db, key, { value, at: now().getTime(), askingAgain: false });
    return value;
  }

  forget(db: Knex, key: string): void {
    this.memory.forget(db, key);
  }
}
