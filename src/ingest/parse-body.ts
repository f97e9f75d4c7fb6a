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
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/** Forbidden keys and strings that are not valid Unicode (lone surrogates from `\ud800` escapes). */
function findHostileParts(value: unknown, path: string[], errors: FieldErrors): void {
  const at = () => (path.length === 0 ? 'body' : path.join('.'));
  if (typeof value === 'string') {
    if (!value.isWellFormed()) (errors[at()] ??= []).push('contains a lone surrogate (not valid Unicode)');
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findHostileParts(item, [...path, String(i)], errors));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const here = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) (errors[here.join('.')] ??= []).push('is a forbidden key');
      if (!key.isWellFormed()) (errors[at()] ??= []).push('has a key that is not valid Unicode');
      findHostileParts(item, here, errors);
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
  findHostileParts(value, [], errors);
  if (Object.keys(errors).length > 0) throw new ValidationError('The body contains forbidden content', errors);
  return value;
}
