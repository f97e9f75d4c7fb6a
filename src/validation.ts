import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { emptyFieldErrors, ValidationError, type FieldErrors } from './errors.js';
import { projectRoot } from './paths.js';

// ajv-formats is CommonJS with `exports.default`; from ESM that function sits one level down.
const addFormats = ajvFormats.default.default;

const schemaDir = path.join(projectRoot, 'schemas');

/**
 * One Ajv instance for the process: every schema in schemas/ is loaded and compiled when this
 * module loads, so a broken schema stops the start instead of failing a request. Schemas refer
 * to each other by `$id` (`ingest-defs.json#/definitions/…`).
 */
function compileAll(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const files = fs.readdirSync(schemaDir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, file), 'utf8')) as object, file);
  }
  return new Map(files.map((file) => [file, ajv.getSchema(file)!]));
}

const validators = compileAll();

function validatorFor(schemaId: string): ValidateFunction {
  const validate = validators.get(schemaId);
  if (validate === undefined) throw new Error(`No schema ${schemaId} in ${schemaDir}`);
  return validate;
}

/** `/messages/0/text` → `messages.0.text`; the body itself is `body`. */
function fieldPath(error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  return segments.length === 0 ? 'body' : segments.join('.');
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'pattern' && error.params.pattern === '\\S') return 'must not be empty or whitespace';
  if (error.keyword === 'format' && error.params.format === 'date-time') return 'must be an RFC 3339 date-time with an offset';
  if (error.keyword === 'additionalProperties') return 'is not allowed';
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return error.message ?? 'is invalid';
}

function toFieldErrors(errors: readonly ErrorObject[]): FieldErrors {
  const out = emptyFieldErrors();
  for (const error of errors) {
    // Wrappers repeat what their branches already said.
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'allOf') continue;
    const key = fieldPath(error);
    const message = messageOf(error);
    const list = (out[key] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return out;
}

/** What is wrong with `value` by a schema from schemas/, every failing field; undefined when nothing is. */
export function fieldErrors(schemaId: string, value: unknown): FieldErrors | undefined {
  const check = validatorFor(schemaId);
  return check(value) ? undefined : toFieldErrors(check.errors ?? []);
}

/** Checks `value` against a schema from schemas/, throwing a ValidationError that lists every failing field. */
export function validate<T>(schemaId: string, value: unknown): T {
  const errors = fieldErrors(schemaId, value);
  if (errors) throw new ValidationError('The request is invalid', errors);
  return value as T;
}
