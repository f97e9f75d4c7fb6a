import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Category, Priority } from '../cases/vocabulary.js';
import { toDbTime } from '../db/time.js';
import { now } from '../time/clock.js';
import { parseModels, serialiseModels, trainModels, type LabelledTicket, type LearnedModel } from './model.js';

/** The learned models in the database: what they learn from, and their versions. */

// The newest labelled tickets a model learns from: recent enough to follow how a team labels
// today, and enough to learn any support vocabulary, in a second or two of training.
export const MAX_TRAINING_TICKETS = 20_000;
// Older versions are deleted beyond this many; the log keeps naming them.
const VERSIONS_KEPT = 10;

export interface TrainingResult {
  version: number;
  trained_on: number;
  category_examples: number;
  priority_examples: number;
  /** False when the labels had not changed since the last version, so none was made. */
  created: boolean;
}

/** Tickets whose category or priority a person set or confirmed (or gave at creation), newest first. */
async function labelledTickets(db: Knex): Promise<Array<LabelledTicket & { id: number }>> {
  const rows: Array<{ id: number; subject: string; description: string | null; category: string | null; priority: string; category_source: string | null; priority_source: string | null }> =
    await db('cases')
      .where((q) => q.where('category_source', 'user').orWhere('priority_source', 'user'))
      .orderBy('id', 'desc')
      .limit(MAX_TRAINING_TICKETS)
      .select('id', 'subject', 'description', 'category', 'priority', 'category_source', 'priority_source');
  return rows.map((r) => ({
    id: Number(r.id),
    subject: r.subject,
    description: r.description,
    category: r.category_source === 'user' ? (r.category as Category | null) : null,
    priority: r.priority_source === 'user' ? (r.priority as Priority) : null,
  }));
}

function fingerprint(examples: ReadonlyArray<LabelledTicket & { id: number }>): string {
  const hash = createHash('sha256');
  for (const e of examples) hash.update(`${e.id}:${e.category ?? ''}:${e.priority ?? ''}\n`);
  return hash.digest('hex');
}

export async function latestVersion(db: Knex): Promise<number | undefined> {
  const row = await db('classification_models').max('id as version').first();
  return row?.version === null || row?.version === undefined ? undefined : Number(row.version);
}

export async function loadModel(db: Knex, version: number): Promise<LearnedModel | undefined> {
  const row = await db('classification_models').where({ id: version }).first('model');
  return row ? parseModels(version, row.model as string) : undefined;
}

/**
 * Trains on the labelled tickets and stores the result as a new version. With `onlyIfChanged`
 * (the schedule), nothing is made when the labels are the ones the latest version learned.
 */
export async function trainAndStore(db: Knex, onlyIfChanged: boolean): Promise<{ result: TrainingResult; model?: LearnedModel }> {
  const examples = await labelledTickets(db);
  const digest = fingerprint(examples);
  const latest = await db('classification_models').orderBy('id', 'desc').first('id', 'fingerprint', 'trained_on', 'category_examples', 'priority_examples');
  if (onlyIfChanged && latest?.fingerprint === digest) {
    const { trained_on, category_examples, priority_examples } = latest;
    return { result: { version: Number(latest.id), trained_on, category_examples, priority_examples, created: false } };
  }
  const models = trainModels(examples);
  const counts = { trained_on: examples.length, category_examples: models.category.examples, priority_examples: models.priority.examples };
  const [version] = (await db('classification_models').insert({ ...counts, fingerprint: digest, model: serialiseModels(models), created_at: toDbTime(now()) })) as [number];
  await db('classification_models').where('id', '<=', Number(version) - VERSIONS_KEPT).delete();
  return { result: { version: Number(version), ...counts, created: true }, model: { version: Number(version), ...models } };
}
