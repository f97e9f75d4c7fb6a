import type { Knex } from 'knex';
import type { Classifier } from '../classification/classifier.js';
import { createCases, type NewCase } from '../cases/create-cases.js';
import type { WriteResult } from '../cases/rows.js';
import type { Logger } from '../logger.js';
import { appendIngestLog, type IngestLogEntry } from './log.js';

interface Pending {
  item: NewCase;
  key: string;
  bytes: number;
  logEntry: (result: WriteResult) => IngestLogEntry;
  settle: (result: WriteResult | undefined) => void;
}

export interface BatcherOptions {
  /** Most cases in one transaction. */
  maxItems: number;
  /** Most request bytes in one transaction, so one batch never makes an oversized statement. */
  maxBytes: number;
  /** Batches in flight at once (each is one transaction on its own connection). */
  concurrency: number;
}

const DEFAULTS: BatcherOptions = { maxItems: 100, maxBytes: 4 * 1024 * 1024, concurrency: 2 };

/**
 * Groups concurrent requests that create new cases into one transaction each: multi-row inserts
 * and one commit for many requests, instead of a dozen statements and a commit apiece. Nothing
 * waits for a batch to fill: a request is taken as soon as a batch slot is free, so an idle
 * server answers at once and a busy one batches by itself. Every request is answered only after
 * the transaction holding its case has committed.
 *
 * `create` answers undefined for anything the batch did not create: the case already exists,
 * the same case is in the batch twice, or the batch failed (say, another instance created one of
 * its cases first). The caller then takes the ordinary one-request path, which handles all of it.
 */
export class CreationBatcher {
  private readonly queue: Pending[] = [];
  private readonly inFlight = new Set<string>();
  private running = 0;
  private drainScheduled = false;
  private readonly options: BatcherOptions;

  constructor(
    private readonly db: Knex,
    private readonly classifier: Classifier,
    private readonly logger: Logger,
    options: Partial<BatcherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  create(item: NewCase, bytes: number, logEntry: (result: WriteResult) => IngestLogEntry): Promise<WriteResult | undefined> {
    return new Promise((settle) => {
      this.queue.push({ item, key: `${item.integration.id}\u0000${item.input.caseUid}`, bytes, logEntry, settle });
      // Requests arriving in the same turn of the event loop share a batch; nothing waits longer
      // than that. (A microtask took each body the body thread answered alone, in its own batch.)
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(() => {
          this.drainScheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.running++;
      void this.flush(batch).finally(() => {
        this.running--;
        for (const p of batch) this.inFlight.delete(p.key);
        this.drain();
      });
    }
  }

  /** The next batch: queue order, within the limits, skipping cases another batch is writing. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let bytes = 0;
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxItems; ) {
      const pending = this.queue[i]!;
      const fits = batch.length === 0 || bytes + pending.bytes <= this.options.maxBytes;
      if (this.inFlight.has(pending.key) || !fits) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.inFlight.add(pending.key);
      batch.push(pending);
      bytes += pending.bytes;
    }
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    let created: Map<Pending, WriteResult>;
    try {
      created = await this.db.transaction(async (trx) => {
        const fresh = await this.onlyNew(trx, batch);
        const results = fresh.length > 0 ? await createCases(trx, this.classifier, fresh.map((p) => p.item)) : [];
        await appendIngestLog(trx, ...fresh.map((p, i) => p.logEntry(results[i]!)));
        return new Map(fresh.map((p, i) => [p, results[i]!]));
      });
    } catch (err) {
      this.logger.debug({ err, size: batch.length }, 'creation batch failed; its requests go one by one');
      created = new Map();
    }
    for (const pending of batch) pending.settle(created.get(pending));
  }

  /** The requests whose case does not exist yet. (`take` never puts one case in a batch twice.) */
  private async onlyNew(trx: Knex.Transaction, batch: Pending[]): Promise<Pending[]> {
    const byIntegration = new Map<number, string[]>();
    for (const p of batch) {
      const uids = byIntegration.get(p.item.integration.id) ?? [];
      uids.push(p.item.input.caseUid);
      byIntegration.set(p.item.integration.id, uids);
    }
    const existing = new Set<string>();
    for (const [integrationId, uids] of byIntegration) {
      const found: string[] = await trx('cases').where({ integration_id: integrationId }).whereIn('case_uid', uids).pluck('case_uid');
      for (const uid of found) existing.add(`${integrationId}\u0000${uid}`);
    }
    return batch.filter((p) => !existing.has(p.key));
  }
}
