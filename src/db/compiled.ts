import type { Knex } from 'knex';
import { isMysql } from './dialect.js';

interface Statement {
  sql: string;
  bindings: readonly Knex.Value[];
}

/**
 * Statements compiled once and run again as they are, for queries that a few inputs fully
 * decide and that run often with the same inputs (a desk's common ticket lists). Building and
 * compiling such a statement through knex was about a sixth of the API process's time for a
 * list. Per database handle, bounded: past `max` statements the oldest is forgotten first.
 */
export class CompiledStatements {
  private readonly handles = new WeakMap<Knex, Map<string, Statement>>();

  constructor(private readonly max = 2_000) {}

  /** The rows of the statement `key` names, compiled from `build()` the first time. */
  async rows<Row>(db: Knex, key: string, build: () => Knex.QueryBuilder): Promise<Row[]> {
    let statements = this.handles.get(db);
    if (!statements) this.handles.set(db, (statements = new Map()));
    let statement = statements.get(key);
    if (!statement) {
      const { sql, bindings } = build().toSQL().toNative();
      statement = { sql, bindings: bindings as readonly Knex.Value[] };
      if (statements.size >= this.max) statements.delete(statements.keys().next().value!);
      statements.set(key, statement);
    }
    const result = (await db.raw(statement.sql, statement.bindings as Knex.RawBinding[])) as unknown;
    return (isMysql(db) ? (result as [Row[]])[0] : result) as Row[];
  }
}
