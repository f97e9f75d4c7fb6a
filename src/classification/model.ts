import { CATEGORIES, PRIORITIES, type Category, type Priority } from '../cases/vocabulary.js';
import { roundConfidence } from './confidence.js';
import { features } from './features.js';
import { NaiveBayes, type NaiveBayesState } from './naive-bayes.js';
import { decideByRules, type RuleDecision, type RulesDecision } from './rules.js';

/**
 * The classifier as it decides: a learned model per field (category, priority) where the
 * installation has labelled tickets, and the keyword rules wherever the model is missing or
 * unsure.
 */

export interface TicketText {
  subject: string;
  description: string | null;
  /**
   * The rules' reading of this very text, when it was made already: an ingest body thread reads
   * it beside the event loop (docs/architecture.md).
   */
  byRules?: RulesDecision;
}

export interface LabelledTicket extends TicketText {
  /** Set by a person (or explicitly at creation): null when the field is not a label. */
  category: Category | null;
  priority: Priority | null;
}

export interface LearnedModel {
  version: number;
  category: NaiveBayes;
  priority: NaiveBayes;
}

export interface FieldDecision<T extends string> extends RuleDecision<T> {
  /** `rules`, or `model-N` for the learned model's version N. */
  decidedBy: string;
}

export interface Decision {
  category: FieldDecision<Category>;
  priority: FieldDecision<Priority>;
}

// Below this the model's answer is not trusted and the rules decide (tuned on labelled tickets,
// see docs/classification.md).
export const MODEL_TRUST = 0.85;
// A field's model needs this many examples, and at least two classes, before it may decide.
export const MIN_EXAMPLES = 20;
// What a stored model keeps: a feature must appear in two tickets, and the most seen 50,000 stay.
const PRUNE = { minCount: 2, maxFeatures: 50_000 };

const textOf = (t: TicketText) => `${t.subject}\n${t.description ?? ''}`;

export function trainModels(examples: readonly LabelledTicket[]): { category: NaiveBayes; priority: NaiveBayes } {
  const category = new NaiveBayes();
  const priority = new NaiveBayes();
  for (const example of examples) {
    const seen = features(textOf(example));
    if (example.category) category.learn(seen, example.category);
    if (example.priority) priority.learn(seen, example.priority);
  }
  category.prune(PRUNE.minCount, PRUNE.maxFeatures);
  priority.prune(PRUNE.minCount, PRUNE.maxFeatures);
  return { category, priority };
}

function fromModel<T extends string>(model: NaiveBayes | undefined, version: number | undefined, seen: string[], allowed: readonly T[]): FieldDecision<T> | undefined {
  if (!model || model.examples < MIN_EXAMPLES || model.labels.length < 2) return undefined;
  const prediction = model.predict(seen);
  if (!prediction || prediction.confidence < MODEL_TRUST || !allowed.includes(prediction.label as T)) return undefined;
  return { label: prediction.label as T, confidence: roundConfidence(prediction.confidence), keywords: prediction.keywords, decidedBy: `model-${version}` };
}

/** Category and priority for a ticket: the learned model's when it is sure, the rules' otherwise. */
export function decide(model: LearnedModel | undefined, ticket: TicketText): Decision {
  // Features are the model's input alone: with no model yet, reading them is wasted work.
  const seen = model ? features(textOf(ticket)) : [];
  const category = fromModel(model?.category, model?.version, seen, CATEGORIES);
  const priority = fromModel(model?.priority, model?.version, seen, PRIORITIES);
  const rules = category && priority ? undefined : (ticket.byRules ?? decideByRules(ticket.subject, ticket.description ?? ''));
  return {
    category: category ?? { ...rules!.category, decidedBy: 'rules' },
    priority: priority ?? { ...rules!.priority, decidedBy: 'rules' },
  };
}

export function serialiseModels(models: { category: NaiveBayes; priority: NaiveBayes }): string {
  return JSON.stringify({ category: models.category.toJSON(), priority: models.priority.toJSON() });
}

export function parseModels(version: number, text: string): LearnedModel {
  const state = JSON.parse(text) as { category: NaiveBayesState; priority: NaiveBayesState };
  return { version, category: new NaiveBayes(state.category), priority: new NaiveBayes(state.priority) };
}
