import { emptyFieldErrors, ValidationError, type FieldErrors } from '../errors.js';

export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The deepest nesting of objects and arrays in JSON text, counted without parsing, stopping as
 * soon as it passes `limit`. Runs before JSON.parse so a hostile body cannot make parsing or
 * validation recurse without bound.
 */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) i = closingQuote(text, i);
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/**
 * Where the string opened at `open` ends (the text's length if it never does). Strings are most
 * of a body, so they are skipped by searching for quotes rather than read a character at a time.
 */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    // A quote after an odd number of backslashes is escaped.
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 0x5c /* \ */) slashes++;
    if (slashes % 2 === 0) return at;
  }
  return text.length;
}

/** Where a value sits in the body, as a chain to its parent: spelled out only for an error. */
interface Place {
  parent: Place | null;
  key: string;
}

/** `messages.0.text`; the body itself is `body`. */
function spelled(place: Place | null): string {
  const keys: string[] = [];
  for (let at = place; at !== null; at = at.parent) keys.push(at.key);
  return keys.length === 0 ? 'body' : keys.reverse().join('.');
}

function complain(errors: FieldErrors, place: Place | null, message: string): void {
  (errors[spelled(place)] ??= []).push(message);
}

/** Forbidden keys and strings that are not valid Unicode (lone surrogates from `\ud800` escapes). */
function findHostileParts(value: unknown, place: Place | null, errors: FieldErrors): void {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) complain(errors, place, 'contains a lone surrogate (not valid Unicode)');
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) findHostileParts(value[i], { parent: place, key: String(i) }, errors);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const here = { parent: place, key };
      if (FORBIDDEN_KEYS.has(key)) complain(errors, here, 'is a forbidden key');
      if (!key.isWellFormed()) complain(errors, place, 'has a key that is not valid Unicode');
      findHostileParts((value as Record<string, unknown>)[key], here, errors);
    }
  }
}

/**
 * A request body as JSON, refusing what could hurt the server or smuggle bad data: invalid
 * UTF-8, nesting deeper than 32, `__proto__`/`constructor`/`prototype` keys, lone surrogates.
 */
export function parseJsonBody(raw: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ValidationError('The body is not valid UTF-8', { body: ['must be valid UTF-8'] });
  }
  if (text.trim() === '') throw new ValidationError('The body is empty', { body: ['is required'] });
  if (nestingExceeds(text, MAX_DEPTH)) {
    throw new ValidationError('The body is nested too deeply', { body: [`must not nest deeper than ${MAX_DEPTH} levels`] });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('Malformed JSON body', { body: ['must be valid JSON'] });
  }
  const errors = emptyFieldErrors();
  findHostileParts(value, null, errors);
  if (Object.keys(errors).length > 0) throw new ValidationError('The body contains forbidden content', errors);
  return value;
}
