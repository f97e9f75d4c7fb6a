import fs from 'node:fs';
import { parse } from 'yaml';
import { buildRouter } from '../src/app.js';
import { inlineReader } from '../src/ingest/body-readers.js';
import { createTokenSigner } from '../src/auth/tokens.js';
import { createDb } from '../src/db/connect.js';
import { Registry } from 'prom-client';
import { testConfig } from './helpers/database.js';
import { createLogger } from '../src/logger.js';

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** `/tickets/{id}` and `/tickets/:id` both become `/tickets/{}`. */
function normalise(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z_]+/g, '{}');
}

function documentedRoutes(): string[] {
  const doc = parse(fs.readFileSync('openapi.yaml', 'utf8')) as OpenApi;
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${normalise(path)}`),
  );
}

function servedRoutes(): string[] {
  const config = testConfig('sqlite::memory:');
  const db = createDb(config, createLogger('silent'));
  try {
    const router = buildRouter({ config, db, signer: createTokenSigner('x'.repeat(32)), logger: createLogger('silent'), bodies: inlineReader }, new Registry());
    return router.stack.flatMap((layer) =>
      layer.methods.filter((m) => m !== 'HEAD').map((method) => `${method} ${normalise(String(layer.path))}`),
    );
  } finally {
    void db.destroy();
  }
}

describe('openapi.yaml', () => {
  it('documents every route the app serves, and no route it does not', () => {
    expect([...new Set(documentedRoutes())].sort()).toEqual([...new Set(servedRoutes())].sort());
  });

  it('gives every operation an operationId and at least one response', () => {
    const doc = parse(fs.readFileSync('openapi.yaml', 'utf8')) as OpenApi;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((key) => HTTP_METHODS.includes(key))) {
        const operation = item[method] as { operationId?: string; responses?: object };
        expect({ path, method, operationId: typeof operation.operationId }).toEqual({ path, method, operationId: 'string' });
        expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0);
      }
    }
  });
});
