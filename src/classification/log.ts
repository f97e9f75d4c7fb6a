import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { countRows } from '../db/count.js';
import { fromDbTime, toDbTime } from '../db/time.js';
import { offsetPage, type Page } from '../api/pagination.js';
import { roundConfidence } from './confidence.js';
import type { Decision } from './model.js';

/**
 * The classification log: every decision (which ticket, what it set, how sure, the words that
 * decided, which model), and later whether a person overrode it. In the database, and as JSONL
 * under CLASSIFY_LOG_DIR when set, one file per UTC day.
 */

export interface Decided {
  caseId: number;
  /** The ticket's public id, for the JSONL lines (the case id is internal). */
  ticketId: string;
  /** What the classifier set: a field given explicitly is not in the decision it logs. */
  fields: { category: boolean; priority: boolean };
  decision: Decision;
  modelVersion: string;
  at: Date;
}

export interface LogFilter {
  /** The ticket's UUID or number. */
  ticket_id?: string;
  overridden?: 'true' | 'false';
}

interface LogRow {
  id: number;
  case_id: number;
  category: string | null;
  priority: string | null;
  confidence: number;
  keywords: string;
  model_version: string;
  category_decided_by: string | null;
  priority_decided_by: string | null;
  overridden_category: string | null;
  overridden_priority: string | null;
  overridden_at: string | null;
  created_at: string;
}

/** The confidence of a decision: that of the least sure field it set. */
export function confidenceOf({ fields, decision }: Pick<Decided, 'fields' | 'decision'>): number {
  const parts = [fields.category ? decision.category.confidence : 1, fields.priority ? decision.priority.confidence : 1];
  return Math.min(...parts);
}

function logRow(d: Decided): Omit<LogRow, 'id' | 'overridden_category' | 'overridden_priority' | 'overridden_at'> {
  const { category, priority } = d.decision;
  const keywords = [...(d.fields.category ? category.keywords : []), ...(d.fields.priority ? priority.keywords : [])];
  return {
    case_id: d.caseId,
    category: d.fields.category ? category.label : null,
    priority: d.fields.priority ? priority.label : null,
    confidence: confidenceOf(d),
    keywords: JSON.stringify([...new Set(keywords)]),
    model_version: d.modelVersion,
    category_decided_by: d.fields.category ? category.decidedBy : null,
    priority_decided_by: d.fields.priority ? priority.decidedBy : null,
    created_at: toDbTime(d.at),
  };
}

export class ClassificationLog {
  constructor(private readonly dir: string | undefined) {}

  /** Writes the decisions in the caller's transaction; the JSONL lines follow once it commits. */
  async record(trx: Knex.Transaction, decisions: readonly Decided[]): Promise<void> {
    if (decisions.length === 0) return;
    const rows = decisions.map(logRow);
    for (let i = 0; i < rows.length; i += 200) await trx('classification_log').insert(rows.slice(i, i + 200));
    if (this.dir) this.afterCommit(trx, rows.map((r, i) => jsonLine(decisions[i]!.ticketId, r)));
  }

  /**
   * A person changed a field the classifier had set: the ticket's latest decision records it
   * (the ticket itself is now a labelled example the next training learns from).
   */
  async recordOverride(trx: Knex.Transaction, ticket: { id: number; uuid: string }, changed: { category?: string | null; priority?: string }, by: { id: number; uuid: string }, at: Date): Promise<void> {
    const latest = await trx('classification_log').where({ case_id: ticket.id }).orderBy('id', 'desc').first('id');
    if (!latest) return;
    const update: Record<string, unknown> = { overridden_by: by.id, overridden_at: toDbTime(at) };
    if (changed.category !== undefined) update.overridden_category = changed.category;
    if (changed.priority !== undefined) update.overridden_priority = changed.priority;
    await trx('classification_log').where({ id: latest.id }).update(update);
    if (this.dir) this.afterCommit(trx, [{ event: 'override', ticket_id: ticket.uuid, log_id: String(latest.id), ...changed, by: by.uuid, at: at.toISOString() }]);
  }

  /** The appends, one after another in the order their transactions committed. */
  private appending: Promise<void> = Promise.resolve();

  private afterCommit(trx: Knex.Transaction, lines: object[]): void {
    const dir = this.dir!;
    const file = join(dir, `classification-${new Date().toISOString().slice(0, 10)}.jsonl`);
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    // A rolled-back decision never happened, so it is never written; a failing disk must not
    // fail the request that already committed. Appends that ran side by side could land out of
    // order (a ticket's override before its decision).
    const append = () => mkdir(dir, { recursive: true }).then(() => appendFile(file, text));
    trx.executionPromise.then(
      () => {
        this.appending = this.appending.then(append).catch(() => undefined);
      },
      () => undefined,
    );
  }
}

// The case id is internal: a JSONL reader gets the ticket's public id instead.
function jsonLine(ticketId: string, { case_id, ...row }: ReturnType<typeof logRow>) {
  return { event: 'decision', ticket_id: ticketId, ...row, keywords: JSON.parse(row.keywords) as string[], created_at: fromDbTime(row.created_at) };
}

/** GET /classification/log: newest first, with the ticket's public id and number. */
export async function listClassificationLog(db: Knex, filter: LogFilter, page: Page) {
  const query = db('classification_log as log').join('cases', 'cases.id', 'log.case_id').leftJoin('users', 'users.id', 'log.overridden_by');
  if (filter.ticket_id !== undefined) query.where((q) => q.where('cases.uuid', filter.ticket_id!.toLowerCase()).orWhere('cases.number', filter.ticket_id!));
  if (filter.overridden !== undefined) query[filter.overridden === 'true' ? 'whereNotNull' : 'whereNull']('log.overridden_at');
  const [rows, total] = await Promise.all([
    query
      .clone()
      .orderBy('log.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .select('log.*', 'cases.uuid as ticket_uuid', 'cases.number as ticket_number', 'users.uuid as overridden_by_uuid'),
    countRows(query.clone()),
  ]);
  return offsetPage(rows.map(logEntryView), total, page);
}

function logEntryView(row: LogRow & { ticket_uuid: string; ticket_number: string | null; overridden_by_uuid: string | null }) {
  return {
    id: String(row.id),
    ticket_id: row.ticket_uuid,
    ticket_number: row.ticket_number,
    category: row.category,
    priority: row.priority,
    confidence: roundConfidence(row.confidence),
    keywords: JSON.parse(row.keywords) as string[],
    model_version: row.model_version,
    category_decided_by: row.category_decided_by,
    priority_decided_by: row.priority_decided_by,
    overridden: row.overridden_at
      ? { category: row.overridden_category, priority: row.overridden_priority, by: row.overridden_by_uuid, at: fromDbTime(row.overridden_at) }
      : null,
    created_at: fromDbTime(row.created_at),
  };
}
