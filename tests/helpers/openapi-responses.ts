import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';

const addFormats = ajvFormats.default.default;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

interface Route {
  pattern: RegExp;
  template: string;
  operations: Record<string, Operation>;
}

/** `$schema` and `$id` of the files in schemas/ would clash once those are inlined many times over. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$schema' && key !== '$id').map(([key, item]) => [key, withoutIds(item)]));
}

let errorResponse: Operation['responses'][string] | undefined;

async function loadRoutes(): Promise<Route[]> {
  const doc = (await SwaggerParser.dereference('openapi.yaml')) as unknown as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: { Error: object } };
  };
  errorResponse = { content: { 'application/json': { schema: withoutIds(doc.components.schemas.Error) as object } } };
  return Object.entries(doc.paths).map(([template, operations]) => ({
    template,
    // Literal segments first: `/tickets/import` must not be read as `/tickets/{id}`.
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operations: withoutIds(operations) as Record<string, Operation>,
  }));
}

// The document's description says any operation may answer these; their body is still checked.
const ANY_OPERATION = ['500', '503'];

let routes: Promise<Route[]> | undefined;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<object, ValidateFunction>();

function routeFor(all: Route[], path: string): Route | undefined {
  const matches = all.filter((r) => r.pattern.test(path));
  // The most specific template: the one with the fewest parameters.
  return matches.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
}

/**
 * Checks an answer against openapi.yaml: its status must be documented for the operation, and a
 * JSON body must match the documented schema. Requests to no documented operation are not
 * checked (unknown paths and methods have tests of their own).
 */
export async function assertDocumented(method: string, url: string, response: Response): Promise<void> {
  const all = await (routes ??= loadRoutes());
  const path = new URL(url).pathname;
  const operation = routeFor(all, path)?.operations[method.toLowerCase()];
  if (!operation) return;
  const status = String(response.status);
  const documented = operation.responses[status] ?? operation.responses.default ?? (ANY_OPERATION.includes(status) ? errorResponse : undefined);
  const where = `${method} ${path} → ${response.status}`;
  if (!documented) throw new Error(`${where}: this status is not documented in openapi.yaml`);
  const schema = documented.content?.['application/json']?.schema;
  if (!schema || !/^application\/json/.test(response.headers.get('content-type') ?? '')) return;
  const body: unknown = await response.clone().json();
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = ajv.compile(schema)));
  if (!check(body)) throw new Error(`${where}: the body does not match openapi.yaml: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}
