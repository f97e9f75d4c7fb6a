/**
 * Turns a ticket's text into the features both classifiers read: lower-case words (stop words
 * dropped) and adjacent word pairs, each counted once per ticket. Counting once keeps a long
 * mail that repeats one word from outvoting everything else it says.
 */

// Words that say nothing about what a ticket is about or how urgent it is.
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can could ' +
    'did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its ' +
    'itself just me more most my myself no nor not of off on once only or other our ours out over own same she should so some such ' +
    'than that the their theirs them then there these they this those through to too under until up very was we were what when where ' +
    'which while who whom why will with would you your yours dear regards thank thanks hello hi please team support customer kindly ' +
    'sincerely best also would like'
  ).split(' '),
);

/** Every word of a text, lower-cased, in order (`can't` stays one word, `user's` becomes `user`). */
export function tokens(text: string): string[] {
  const found = text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  // Most words have no apostrophe: a pattern run on each of them was a third of the time.
  return found.map((w) => (w.endsWith("'s") || w.endsWith('’s') ? w.slice(0, -2) : w));
}

/** The words that carry meaning: stop words and one-letter words left out. */
export function words(text: string): string[] {
  return tokens(text).filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/** Words and adjacent word pairs (`network_outage`), each once. */
export function features(text: string): string[] {
  const list = words(text);
  const out = new Set(list);
  for (let i = 1; i < list.length; i++) out.add(`${list[i - 1]}_${list[i]}`);
  return [...out];
}
