import type { Knex } from 'knex';
import type { Category, Priority } from '../cases/vocabulary.js';
import { now } from '../time/clock.js';
import { ClassificationLog, confidenceOf, type Decided } from './log.js';
import { decide, type Decision, type LearnedModel, type TicketText } from './model.js';
import { latestVersion, loadModel, trainAndStore, type TrainingResult } from './store.js';

/** What a new ticket says for itself: a field left undefined or null is the classifier's to set. */
export interface Explicit {
  category?: Category | null;
  priority?: Priority;
}

/** The columns a new ticket gets from the classifier (the given fields kept, marked as labels). */
export interface Classified {
  category: Category | null;
  priority: Priority;
  category_source: 'user' | 'auto';
  priority_source: 'user' | 'auto';
  classification_confidence: number | null;
}

export interface Classification {
  columns: Classified;
  /** Undefined when both fields were given: nothing was decided, nothing is logged. */
  decided?: Omit<Decided, 'caseId' | 'ticketId'>;
}

// How often an instance asks the database whether a newer model was trained (by another one).
const REFRESH_MS = 30_000;

/**
 * The classifier every creation path (API, ingest, import) asks: the latest learned model,
 * cached in the process and refreshed when another instance stores a newer version, and the
 * log its decisions go to.
 */
export class Classifier {
  readonly log: ClassificationLog;
  private model: LearnedModel | undefined;
  private checkedAt = -Infinity;

  constructor(logDir: string | undefined) {
    this.log = new ClassificationLog(logDir);
  }

  /** Category and priority for new tickets: the given ones kept, the missing ones decided. */
  async classify(db: Knex, tickets: ReadonlyArray<TicketText & Explicit>): Promise<Classification[]> {
    const needed = tickets.some((t) => !t.category || !t.priority);
    const model = needed ? await this.current(db) : undefined;
    const at = now();
    return tickets.map((ticket) => {
      const fields = { category: !ticket.category, priority: !ticket.priority };
      if (!fields.category && !fields.priority) {
        return { columns: { category: ticket.category!, priority: ticket.priority!, category_source: 'user', priority_source: 'user', classification_confidence: null } };
      }
      const decision = decide(model, ticket);
      return {
        columns: {
          category: ticket.category || decision.category.label,
          priority: ticket.priority ?? decision.priority.label,
          category_source: fields.category ? 'auto' : 'user',
          priority_source: fields.priority ? 'auto' : 'user',
          classification_confidence: confidenceOf({ fields, decision }),
        },
        decided: { fields, decision, modelVersion: model ? `model-${model.version}` : 'rules', at },
      };
    });
  }

  /** A decision for both fields of a stored ticket (re-classifying it). */
  async decide(db: Knex, ticket: TicketText): Promise<{ decision: Decision; modelVersion: string }> {
    const model = await this.current(db);
    return { decision: decide(model, ticket), modelVersion: model ? `model-${model.version}` : 'rules' };
  }

  /** Trains a new version now and makes it this instance's model. */
  async retrain(db: Knex, onlyIfChanged = false): Promise<TrainingResult> {
    const { result, model } = await trainAndStore(db, onlyIfChanged);
    if (this.model?.version !== result.version) this.model = model ?? (await loadModel(db, result.version));
    this.checkedAt = Date.now();
    return result;
  }

  private async current(db: Knex): Promise<LearnedModel | undefined> {
    if (Date.now() - this.checkedAt < REFRESH_MS) return this.model;
    this.checkedAt = Date.now();
    const version = await latestVersion(db);
    if (version !== undefined && version !== this.model?.version) this.model = await loadModel(db, version);
    return this.model;
  }
}
