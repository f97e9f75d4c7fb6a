/**
 * Multinomial naive Bayes over binary features, with add-α smoothing. Small, exact and
 * incremental: learning is counting, so a model can take one more example at any time, and
 * its state is plain counts that serialise to JSON.
 */

export interface NaiveBayesState {
  labels: string[];
  /** Examples learned per label. */
  docs: number[];
  /** Feature occurrences per label. */
  totals: number[];
  /** Per feature, its count under each label (same order as `labels`). */
  counts: Record<string, number[]>;
}

export interface Prediction {
  label: string;
  /** The posterior probability of `label`, 0..1. */
  confidence: number;
  /** The features of the text that spoke most for `label` over the runner-up. */
  keywords: string[];
}

const ALPHA = 0.1;
const KEYWORDS = 5;
// Naive Bayes takes a text's features as independent evidence, so for any text of some length
// its raw posterior is 0.999… whether it is right or not. Dividing the log-odds by a share of
// the features it knows gives a confidence that falls when it is often wrong (measured on
// labelled tickets: see docs/classification.md).
const FEATURES_PER_DEGREE = 6;

export class NaiveBayes {
  private readonly state: NaiveBayesState;
  private readonly index = new Map<string, number>();
  private vocabulary: number | undefined;

  constructor(state?: NaiveBayesState) {
    this.state = state ?? { labels: [], docs: [], totals: [], counts: Object.create(null) as Record<string, number[]> };
    this.state.labels.forEach((label, i) => this.index.set(label, i));
  }

  get examples(): number {
    return this.state.docs.reduce((a, b) => a + b, 0);
  }

  get labels(): readonly string[] {
    return this.state.labels;
  }

  learn(features: readonly string[], label: string): void {
    const i = this.labelIndex(label);
    this.vocabulary = undefined;
    this.state.docs[i]! += 1;
    this.state.totals[i]! += features.length;
    for (const feature of features) {
      let row = this.state.counts[feature];
      if (!row) row = this.state.counts[feature] = new Array<number>(this.state.labels.length).fill(0);
      while (row.length < this.state.labels.length) row.push(0);
      row[i]! += 1;
    }
  }

  /** The most likely label, or undefined before anything was learned. */
  predict(features: readonly string[]): Prediction | undefined {
    const { labels, docs, totals, counts } = this.state;
    if (labels.length === 0) return undefined;
    const examples = this.examples;
    const vocabulary = (this.vocabulary ??= Object.keys(counts).length);
    const known = features.filter((f) => counts[f] !== undefined);
    const scores = labels.map((_, i) => {
      const denominator = Math.log(totals[i]! + ALPHA * vocabulary);
      let score = Math.log(docs[i]! / examples);
      for (const f of known) score += Math.log((counts[f]![i] ?? 0) + ALPHA) - denominator;
      return score;
    });
    const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
    const best = order[0]!;
    const top = scores[best]!;
    const temperature = Math.max(1, known.length / FEATURES_PER_DEGREE);
    const sum = scores.reduce((s, score) => s + Math.exp((score - top) / temperature), 0);
    return { label: labels[best]!, confidence: 1 / sum, keywords: this.keywords(known, best, order[1]) };
  }

  /** Drops features seen in fewer than `minCount` examples, then all but the `maxFeatures` most seen. */
  prune(minCount: number, maxFeatures: number): void {
    const seen = (row: number[]) => row.reduce((a, b) => a + b, 0);
    const kept = Object.entries(this.state.counts)
      .filter(([, row]) => seen(row) >= minCount)
      .sort((a, b) => seen(b[1]) - seen(a[1]))
      .slice(0, maxFeatures);
    this.state.counts = Object.fromEntries(kept);
    this.vocabulary = undefined;
  }

  toJSON(): NaiveBayesState {
    return this.state;
  }

  /** Features ranked by how much more likely they make `best` than `runnerUp`. */
  private keywords(known: readonly string[], best: number, runnerUp: number | undefined): string[] {
    if (runnerUp === undefined) return [];
    const { totals, counts } = this.state;
    const weight = (f: string) => Math.log(((counts[f]![best] ?? 0) + ALPHA) / (totals[best]! + 1)) - Math.log(((counts[f]![runnerUp] ?? 0) + ALPHA) / (totals[runnerUp]! + 1));
    return known
      .map((f) => [f, weight(f)] as const)
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, KEYWORDS)
      .map(([f]) => f.replace('_', ' '));
  }

  private labelIndex(label: string): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.state.labels.length;
      this.state.labels.push(label);
      this.state.docs.push(0);
      this.state.totals.push(0);
      this.index.set(label, i);
    }
    return i;
  }
}
