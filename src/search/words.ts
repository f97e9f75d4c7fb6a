import { ValidationError } from '../errors.js';

/**
 * How text becomes search words, the same way for what is stored and for what is asked: lower
 * case, split at anything that is not a letter or a digit, at most MAX_WORD_LENGTH characters.
 */

/** Longer words are cut to this length: the column's width, and still unique enough to find. */
export const MAX_WORD_LENGTH = 64;

const cut = (word: string): string => [...word].slice(0, MAX_WORD_LENGTH).join('');

/** The distinct words of a text, in order of first appearance. */
export function wordsOf(text: string): string[] {
  const words = new Set<string>();
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word) words.add(cut(word));
  return [...words];
}

/** The most words one search may ask for (after dropping those another implies). */
export const MAX_TERMS = 10;

/**
 * The words a search asks for. A word that starts another it asks for adds nothing (`refund
 * ref` is `refund`). Text with no letter or digit at all (`%`, `_`) is one word of its own, which
 * no stored text holds: it finds nothing rather than everything.
 */
export function searchTerms(q: string): string[] {
  const words = wordsOf(q);
  if (words.length === 0) return [q];
  const terms = words.filter((word) => !words.some((other) => other !== word && other.startsWith(word)));
  if (terms.length > MAX_TERMS) throw new ValidationError('Too many words to search for', { q: [`must hold at most ${MAX_TERMS} different words`] });
  return terms;
}

/** Whether the words hold each term, or a word that starts with it. */
export function holdsAll(words: Iterable<string>, terms: readonly string[]): boolean {
  const list = [...words];
  return terms.every((term) => list.some((word) => word.startsWith(term)));
}
