/**
 * `npm run bench -- classify`: the classifier's quality on labelled tickets that are not ours to
 * ship (`../shared/data/classification/dev.csv`, or CLASSIFY_DATA): the rules alone, and 5-fold
 * cross-validation of the learned model, bare and as deployed (model when sure, rules otherwise).
 * Prints accuracy and macro-F1 for category and priority, and the time one decision takes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Category, Priority } from '../src/cases/vocabulary.js';
import { features } from '../src/classification/features.js';
import { decide, trainModels, type LabelledTicket, type LearnedModel } from '../src/classification/model.js';

interface Row extends LabelledTicket {
  category: Category;
  priority: Priority;
}

const CATEGORY: Record<string, Category> = { Technical: 'technical', Billing: 'billing', General: 'general', 'Feature Request': 'feature_request' };
// The data has no fourth level: a predicted urgent counts as high.
const scoredPriority = (p: string) => (p === 'urgent' ? 'high' : p);

function load(path: string): Row[] {
  const records = parse(readFileSync(path), { columns: true }) as Array<{ text: string; category: string; priority: string }>;
  return records.map((r) => {
    const cut = r.text.indexOf('\n');
    return {
      subject: cut < 0 ? r.text : r.text.slice(0, cut),
      description: cut < 0 ? '' : r.text.slice(cut + 1),
      category: CATEGORY[r.category]!,
      priority: r.priority.toLowerCase() as Priority,
    };
  });
}

/** Accuracy and the mean of per-class F1 (classes as the labels have them). */
function score(pairs: ReadonlyArray<readonly [truth: string, guess: string]>) {
  const labels = [...new Set(pairs.map(([truth]) => truth))];
  const f1 = labels.map((label) => {
    const tp = pairs.filter(([t, g]) => t === label && g === label).length;
    const fp = pairs.filter(([t, g]) => t !== label && g === label).length;
    const fn = pairs.filter(([t, g]) => t === label && g !== label).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return { accuracy: pairs.filter(([t, g]) => t === g).length / pairs.length, macroF1: f1.reduce((a, b) => a + b, 0) / labels.length };
}

/** A fixed shuffle into five folds, so runs compare. */
function folds(count: number): number[] {
  let seed = 20261121;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => Math.floor(random() * 5));
}

type Guess = (row: Row, model: LearnedModel | undefined) => { category: string; priority: string };

function crossValidate(rows: Row[], guess: Guess) {
  const fold = folds(rows.length);
  const category: Array<[string, string]> = [];
  const priority: Array<[string, string]> = [];
  for (let k = 0; k < 5; k++) {
    const model = { version: k, ...trainModels(rows.filter((_, i) => fold[i] !== k)) };
    rows.forEach((row, i) => {
      if (fold[i] !== k) return;
      const g = guess(row, model);
      category.push([row.category, g.category]);
      priority.push([row.priority, scoredPriority(g.priority)]);
    });
  }
  return { category: score(category), priority: score(priority) };
}

const asDeployed: Guess = (row, model) => {
  const d = decide(model, row);
  return { category: d.category.label, priority: d.priority.label };
};
const rulesAlone: Guess = (row) => asDeployed(row, undefined);
const modelAlone: Guess = (row, model) => {
  const seen = features(`${row.subject}\n${row.description}`);
  return { category: model!.category.predict(seen)!.label, priority: model!.priority.predict(seen)!.label };
};

function timePerDecision(rows: Row[]): number {
  const model = { version: 1, ...trainModels(rows) };
  const rounds = 20;
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const row of rows) decide(model, row);
  return Number(process.hrtime.bigint() - started) / 1e6 / (rounds * rows.length);
}

export async function runClassifyBench(): Promise<void> {
  const path = resolve(process.env.CLASSIFY_DATA ?? '../shared/data/classification/dev.csv');
  const rows = load(path);
  console.log(`${rows.length} labelled tickets from ${path}\n`);
  const results = {
    'rules alone': { category: score(rows.map((r) => [r.category, rulesAlone(r, undefined).category])), priority: score(rows.map((r) => [r.priority, scoredPriority(rulesAlone(r, undefined).priority)])) },
    'learned model (5-fold)': crossValidate(rows, modelAlone),
    'as deployed (5-fold)': crossValidate(rows, asDeployed),
  };
  const pct = (n: number) => `${(n * 100).toFixed(1)} %`.padStart(8);
  console.log(`${''.padEnd(24)}${'category acc'.padStart(14)}${'macro-F1'.padStart(10)}${'priority acc'.padStart(14)}${'macro-F1'.padStart(10)}`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(24)}${pct(r.category.accuracy).padStart(14)}${pct(r.category.macroF1).padStart(10)}${pct(r.priority.accuracy).padStart(14)}${pct(r.priority.macroF1).padStart(10)}`);
  }
  console.log(`\none decision (features, model, rules): ${(timePerDecision(rows) * 1000).toFixed(0)} µs on average`);
}
