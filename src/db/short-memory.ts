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
