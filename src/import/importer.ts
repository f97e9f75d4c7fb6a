import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { markForSearch } from '../search/pending.js';
import { caseIdsByUuid, insertAll, numberCases } from '../cases/bulk.js';
import type { HistoryEntry } from '../cases/repository.js';
import { normaliseTags, tagListText, tagRows } from '../cases/tags.js';
import type { Classifier } from '../classification/classifier.js';
import { customersForSenders } from '../customers/match.js';
import { isDuplicateKey } from '../db/errors.js';
import { toDbTime } from '../db/time.js';
import { withTransaction } from '../db/transaction.js';
import type { FieldErrors } from '../errors.js';
import { newTicketClocks } from '../sla/clocks.js';
import { loadSlaPolicies, type SlaPolicy } from '../sla/deadlines.js';
import { now as clockNow } from '../time/clock.js';
import { readRecords, type ImportFormat } from './formats.js';
import { toImportRow, type ImportRow } from './rows.js';
import { markForReports } from '../reports/rollups/roller.js';

/**
 * Bulk import (POST /tickets/import, `casehub import FILE`). A real import reads the file
 * twice: once to make sure it can be read to its end (a malformed file imports nothing), then
 * in batches of BATCH rows, each batch one transaction of multi-row inserts. Good rows land
 * even when others fail; every failed row is answered with its number and its errors. Rows
 * whose external id was imported before are skipped, so importing a file again creates nothing.
 */

const BATCH = 500;
// Where imported tickets say they came from (`source`); external ids are unique within it.
const SOURCE = 'import';

export interface ImportOptions {
  format: ImportFormat;
  dryRun: boolean;
  /** The person importing, for history; null from the command line. */
  actorId: number | null;
  /** Called after each batch with the data rows read so far. */
  onProgress?: (rows: number) => void;
}

export interface RowError {
  row: number;
  errors: FieldErrors;
}

export interface ImportResult {
  dry_run: boolean;
  /** Tickets created (in a dry run: that would be created). */
  imported: number;
  /** Rows whose external id was already imported, in an earlier import or earlier in this file. */
  skipped: number;
  failed: number;
  errors: RowError[];
  /** Columns that match no field, left out of every row. */
  ignored_columns: string[];
}

interface Numbered {
  row: number;
  ticket: ImportRow;
}

/** Reads the whole file once without writing: a file that cannot be read to its end throws. */
async function assertReadable(open: () => Readable, format: ImportFormat): Promise<void> {
  const records = readRecords(open(), format);
  while (!(await records.next()).done);
}

export async function importTickets(db: Knex, classifier: Classifier, open: () => Readable, options: ImportOptions): Promise<ImportResult> {
  if (!options.dryRun) await assertReadable(open, options.format);
  const unknownColumns = new Set<string>();
  const result: ImportResult = { dry_run: options.dryRun, imported: 0, skipped: 0, failed: 0, errors: [], ignored_columns: [] };
  const policies = await loadSlaPolicies(db);
  const writer = new BatchWriter(db, classifier, policies, options, result);
  let batch: Numbered[] = [];
  let read = 0;
  // One batch is written while the next is read: the file and the database work at once.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    const [full, rowsRead] = [batch, read];
    batch = [];
    writing = writer.write(full).then(() => options.onProgress?.(rowsRead));
    // A failed write must not wait unobserved until the next batch is full.
    writing.catch(() => undefined);
  };
  for await (const source of readRecords(open(), options.format)) {
    read = source.row;
    const parsed = source.record ? toImportRow(source.record, unknownColumns) : { errors: { row: [source.problem!] } };
    if ('errors' in parsed) writer.fail(source.row, parsed.errors);
    else batch.push({ row: source.row, ticket: parsed.ticket });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await writing;
  result.ignored_columns = [...unknownColumns];
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}

class BatchWriter {
  constructor(
    private readonly db: Knex,
    private readonly classifier: Classifier,
    private readonly policies: Map<string, SlaPolicy>,
    private readonly options: ImportOptions,
    private readonly result: ImportResult,
  ) {}

  fail(row: number, errors: FieldErrors): void {
    this.result.failed++;
    this.result.errors.push({ row, errors });
  }

  async write(batch: readonly Numbered[]): Promise<void> {
    if (batch.length === 0) return;
    const fresh = await this.withoutImported(batch);
    const agents = await this.agentIds(fresh);
    const ready = fresh.filter(({ row, ticket }) => {
      if (ticket.assigned_agent === undefined || agents.has(ticket.assigned_agent)) return true;
      this.fail(row, { assigned_agent: ['is not an active agent or admin'] });
      return false;
    });
    if (this.options.dryRun) {
      this.result.imported += ready.length;
      return;
    }
    try {
      await withTransaction(this.db, (trx) => this.insert(trx, ready, agents));
      this.result.imported += ready.length;
    } catch {
      // Another import created some of these meanwhile, or one row breaks a rule only the
      // database knows: each row on its own, so the good ones still land.
      for (const one of ready) await this.insertAlone(one, agents);
    }
  }

  private async insertAlone(one: Numbered, agents: Map<string, number>): Promise<void> {
    try {
      await withTransaction(this.db, (trx) => this.insert(trx, [one], agents));
      this.result.imported++;
    } catch (err) {
      if (isDuplicateKey(err)) this.result.skipped++;
      else this.fail(one.row, { row: ['could not be stored'] });
    }
  }

  /** The batch without rows whose external id is already stored, or repeated within the batch. */
  private async withoutImported(batch: readonly Numbered[]): Promise<Numbered[]> {
    const ids = batch.map((b) => b.ticket.external_id).filter((id): id is string => id !== undefined);
    const stored = new Set<string>(ids.length > 0 ? await this.db('cases').where({ source: SOURCE }).whereIn('external_id', ids).pluck('external_id') : []);
    return batch.filter(({ ticket }) => {
      const id = ticket.external_id;
      if (id === undefined) return true;
      if (stored.has(id)) {
        this.result.skipped++;
        return false;
      }
      stored.add(id);
      return true;
    });
  }

  private async agentIds(batch: readonly Numbered[]): Promise<Map<string, number>> {
    const emails = [...new Set(batch.map((b) => b.ticket.assigned_agent).filter((e): e is string => e !== undefined))];
    if (emails.length === 0) return new Map();
    const rows: Array<{ id: number; email: string }> = await this.db('users').whereIn('email', emails).whereIn('role', ['agent', 'admin']).where({ active: true }).select('id', 'email');
    return new Map(rows.map((r) => [r.email, Number(r.id)]));
  }

  private async insert(trx: Knex.Transaction, batch: readonly Numbered[], agents: Map<string, number>): Promise<void> {
    const now = clockNow();
    const nowText = toDbTime(now);
    const tickets = batch.map((b) => b.ticket);
    const tags = tickets.map((t) => normaliseTags(t.tags));
    const customers = await customersForSenders(
      trx,
      tickets.map((t) => (t.customer_email ? { name: t.customer_name ?? '', email: t.customer_email } : undefined)),
    );
    const classified = await this.classifier.classify(trx, tickets.map((t) => ({ subject: t.subject, description: t.description ?? null, category: t.category, priority: t.priority })));
    const rows = tickets.map((t, i) => {
      const { columns } = classified[i]!;
      const assigneeId = t.assigned_agent ? agents.get(t.assigned_agent)! : null;
      const status = t.status ?? (assigneeId ? 'assigned' : 'open');
      const created = t.created_at ? new Date(t.created_at) : now;
      return {
        uuid: randomUUID(),
        source: SOURCE,
        external_id: t.external_id ?? null,
        subject: t.subject,
        description: t.description ?? null,
        tag_list: tagListText(tags[i]!),
        status,
        ...columns,
        customer_id: (t.customer_email ? customers.get(t.customer_email) : undefined) ?? null,
        assignee_id: assigneeId,
        ...newTicketClocks(this.policies.get(columns.priority), created, status, null, now),
        resolved_at: status === 'resolved' || status === 'closed' ? nowText : null,
        closed_at: status === 'closed' ? nowText : null,
        created_at: toDbTime(created),
        updated_at: nowText,
      };
    });
    await insertAll(trx, 'cases', rows);
    const ids = await caseIdsByUuid(trx, rows.map((r) => r.uuid));
    const idOf = (i: number) => ids.get(rows[i]!.uuid)!;
    await markForSearch(trx, [...ids.values()]);
    await markForReports(trx, [...ids.values()]);
    const actor = this.options.actorId;
    const history: HistoryEntry[] = rows.map((row, i) => ({
      case_id: idOf(i),
      actor_id: actor,
      actor_type: actor === null ? 'system' : 'user',
      field: 'created',
      from_value: null,
      to_value: row.status,
      note: SOURCE,
      created_at: nowText,
    }));
    await insertAll(trx, 'case_tags', rows.flatMap((row, i) => tagRows({ id: idOf(i), created_at: row.created_at, archived: false }, tags[i]!)));
    await insertAll(trx, 'case_history', history);
    await this.classifier.log.record(
      trx,
      classified.flatMap(({ decided }, i) => (decided ? [{ caseId: idOf(i), ticketId: rows[i]!.uuid, ...decided }] : [])),
    );
    await numberCases(trx, now, rows.map((_, i) => idOf(i)));
  }
}
