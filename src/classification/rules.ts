import type { Category, Priority } from '../cases/vocabulary.js';
import { roundConfidence } from './confidence.js';
import { tokens } from './features.js';

/**
 * The cold start: keyword rules that need no training. Each category and priority has weighted
 * cue words and phrases; a cue in the subject counts double (people name the problem there).
 * The best-scoring class wins, and its share of all the evidence is the confidence.
 */

export interface RuleDecision<T extends string> {
  label: T;
  confidence: number;
  keywords: string[];
}

type Cues = ReadonlyArray<readonly [cue: string, weight: number]>;

const CATEGORY_CUES: Record<Category, Cues> = {
  billing: [
    ['billing', 3], ['bill', 2], ['billed', 3], ['invoice', 3], ['invoices', 3], ['invoiced', 3], ['payment', 3], ['payments', 3],
    ['charge', 2], ['charges', 3], ['charged', 3], ['overcharged', 3], ['refund', 3], ['refunds', 3], ['subscription', 3],
    ['subscriptions', 2], ['pricing', 2], ['price', 2], ['prices', 2], ['fee', 2], ['fees', 2], ['cost', 1], ['costs', 1],
    ['receipt', 2], ['credit card', 3], ['discount', 2], ['discounts', 2], ['renewal', 2], ['plan', 1], ['plans', 1],
    ['discrepancy', 1], ['discrepancies', 1], ['transaction', 2], ['transactions', 2], ['statement', 1], ['vat', 2], ['tax', 2],
  ],
  technical: [
    ['error', 2], ['errors', 2], ['crash', 3], ['crashes', 3], ['crashing', 3], ['bug', 3], ['bugs', 3], ['broken', 2],
    ['not working', 3], ['fails', 2], ['failed', 2], ['failing', 2], ['failure', 2], ['failures', 2], ['outage', 3],
    ['down', 1], ['unable', 1], ['cannot', 1], ['issue', 1], ['issues', 1], ['problem', 1], ['problems', 1],
    ['troubleshooting', 3], ['troubleshoot', 3], ['restart', 2], ['restarting', 2], ['reboot', 2], ['rebooting', 2],
    ['network', 2], ['connection', 2], ['connectivity', 2], ['connect', 1], ['disconnect', 2], ['server', 1], ['servers', 2],
    ['firewall', 2], ['firmware', 2], ['driver', 2], ['drivers', 2], ['login', 1], ['password', 1], ['access', 1],
    ['breach', 3], ['unauthorized', 3], ['vulnerability', 3], ['vulnerabilities', 3], ['malware', 3], ['encryption', 2],
    ['timeout', 2], ['slow', 2], ['latency', 2], ['disruption', 2], ['disruptions', 2], ['downtime', 3], ['malfunction', 3],
    ['sync', 1], ['synchronization', 1], ['install', 1], ['installation', 1], ['compatibility', 2], ['freeze', 2], ['freezes', 2],
    ['data loss', 3], ['experiencing', 1], ['persists', 1], ['persist', 1], ['stopped', 2], ['performance', 1],
    ['trouble', 1], ['log in', 2], ['logging in', 2], ['logging into', 2], ['sign in', 2], ["can't", 1], ['locked out', 3],
  ],
  feature_request: [
    ['feature', 3], ['features', 2], ['feature request', 3], ['enhancement', 3], ['enhancements', 3], ['enhance', 2],
    ['improve', 2], ['improvement', 2], ['improvements', 2], ['improved', 1], ['upgrade', 2], ['upgrades', 2],
    ['suggestion', 3], ['suggest', 2], ['add', 1], ['adding', 1], ['support for', 2], ['would be great', 3],
    ['could you add', 3], ['new functionality', 3], ['functionality', 1], ['capabilities', 1], ['roadmap', 3],
    ['integrate', 1], ['implement', 1], ['implementation', 1], ['optimize', 1], ['better', 1], ['enable', 1],
  ],
  general: [
    ['question', 2], ['questions', 2], ['inquiry', 2], ['inquire', 2], ['information', 2], ['info', 1], ['details', 1],
    ['documentation', 2], ['how to', 1], ['how do', 1], ['interested', 2], ['learn', 1], ['learn more', 2], ['guidance', 1],
    ['advice', 2], ['feedback', 1], ['partnership', 2], ['training', 1], ['onboarding', 1], ['contact', 1], ['hours', 1],
    ['return', 1], ['exchange', 1], ['availability', 1], ['wondering', 2], ['explain', 1], ['clarification', 1],
  ],
};

const PRIORITY_CUES: Record<Priority, Cues> = {
  urgent: [
    ['emergency', 3], ['asap', 3], ['immediately', 2], ['right away', 3], ['critical', 2], ['outage', 2], ['production down', 3],
    ['completely down', 3], ['data loss', 3], ['security breach', 3], ['breach', 2], ['cannot work', 3], ['stopped working', 2],
  ],
  high: [
    ['urgent', 3], ['urgently', 3], ['important', 2], ['high priority', 3], ['serious', 2], ['severe', 2], ['severely', 2],
    ['impacting', 2], ['affecting', 1], ['disruption', 2], ['disruptions', 1], ['failure', 1], ['failures', 1], ['unable', 1],
    ['immediate', 2], ['prompt', 1], ['promptly', 1], ['quickly', 1], ['essential', 1], ['significant', 1], ['loss', 1],
    ['unauthorized', 2], ['vulnerability', 1], ['as soon as possible', 2],
  ],
  medium: [['issue', 1], ['problem', 1], ['error', 1], ['discrepancy', 1], ['charge', 1], ['charges', 1]],
  low: [
    ['low priority', 3], ['no rush', 3], ['when you have time', 3], ['whenever', 2], ['not urgent', 3], ['minor', 2],
    ['question', 1], ['inquiry', 2], ['inquire', 2], ['information', 1], ['curious', 2], ['wondering', 2], ['interested', 2],
    ['suggestion', 2], ['feedback', 1], ['clarification', 2], ['details', 1], ['learn more', 2],
  ],
};

/** A cue as it is looked for in a text: its whole text and its words. */
interface SoughtCue {
  text: string;
  words: string[];
}

/** The list kept under `key`, started empty the first time. */
function listAt<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

/** Every cue by its first word, so a text is read once whatever the number of cues. */
const CUES_BY_FIRST_WORD = new Map<string, SoughtCue[]>();
for (const cues of [...Object.values(CATEGORY_CUES), ...Object.values(PRIORITY_CUES)] as Cues[]) {
  for (const [text] of cues) {
    const words = text.split(' ');
    const list = listAt(CUES_BY_FIRST_WORD, words[0]!);
    if (!list.some((known) => known.text === text)) list.push({ text, words });
  }
}

/** The cues (words and whole phrases) a text contains, in any case. */
function cuesIn(text: string): Set<string> {
  const list = tokens(text);
  const found = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const starting = CUES_BY_FIRST_WORD.get(list[i]!);
    if (starting === undefined) continue;
    for (const cue of starting) {
      if (cue.words.every((word, k) => list[i + k] === word)) found.add(cue.text);
    }
  }
  return found;
}

interface Found {
  inSubject: Set<string>;
  inBody: Set<string>;
}

/** Where a cue counts: each class that lists it, its weight there, and its place in the list. */
type Votes<T extends string> = Map<string, Array<{ label: T; weight: number; place: number }>>;

function votesOf<T extends string>(cues: Record<T, Cues>): Votes<T> {
  const votes: Votes<T> = new Map();
  for (const label of Object.keys(cues) as T[]) {
    cues[label].forEach(([cue, weight], place) => listAt(votes, cue).push({ label, weight, place }));
  }
  return votes;
}

const CATEGORY_VOTES = votesOf(CATEGORY_CUES);
const PRIORITY_VOTES = votesOf(PRIORITY_CUES);

/**
 * The best class by weighted cues, or `fallback` with a low confidence when nothing matched.
 * Only the cues found are visited, so the cost follows the text, not the size of the lists.
 */
function decide<T extends string>(votes: Votes<T>, { inSubject, inBody }: Found, fallback: T): RuleDecision<T> {
  const scores = new Map<T, number>();
  const matched = new Map<T, Array<{ place: number; cue: string }>>();
  // A cue found in the subject counts double, once, wherever else it was found.
  const count = (cue: string, inTheSubject: boolean) => {
    for (const { label, weight, place } of votes.get(cue) ?? []) {
      scores.set(label, (scores.get(label) ?? 0) + weight * (inTheSubject ? 2 : 1));
      listAt(matched, label).push({ place, cue });
    }
  };
  for (const cue of inSubject) count(cue, true);
  for (const cue of inBody) if (!inSubject.has(cue)) count(cue, false);
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, bestScore] = ranked[0] ?? [fallback, 0];
  if (bestScore === 0 || ranked[1]?.[1] === bestScore) return { label: fallback, confidence: 0.3, keywords: [] };
  const total = ranked.reduce((sum, [, score]) => sum + score, 0);
  // Keywords in the order the class lists them, whatever the order they were found in.
  const keywords = (matched.get(best) ?? []).sort((a, b) => a.place - b.place).map(({ cue }) => cue);
  return { label: best, confidence: roundConfidence(bestScore / total), keywords };
}

/** The rules' answer for both fields of one ticket. */
export interface RulesDecision {
  category: RuleDecision<Category>;
  priority: RuleDecision<Priority>;
}

/** Category and priority by the rules, the text read once for both. */
export function decideByRules(subject: string, body: string): RulesDecision {
  const found = { inSubject: cuesIn(subject), inBody: cuesIn(body) };
  return { category: decide(CATEGORY_VOTES, found, 'general'), priority: decide(PRIORITY_VOTES, found, 'medium') };
}

export const categoryByRules = (subject: string, body: string) => decideByRules(subject, body).category;
export const priorityByRules = (subject: string, body: string) => decideByRules(subject, body).priority;
