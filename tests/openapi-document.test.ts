import SwaggerParser from '@apidevtools/swagger-parser';
import fs from 'node:fs';
import { parse } from 'yaml';
import type { TestApp } from './helpers/app.js';
import { type TestIntegration, withIngestApp } from './helpers/ingest.js';

describe('openapi.yaml as a document', () => {
  it('is valid OpenAPI 3.1, with every ./schemas reference resolving', async () => {
    const api = (await SwaggerParser.validate('openapi.yaml')) as unknown as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { $id?: string } }> } }>>;
    };
    expect(api.openapi).toBe('3.1.0');
    // Dereferenced: the PUT /v1/case body is the very schema Ajv validates with.
    const body = api.paths['/v1/case']!.put!.requestBody.content['application/json']!.schema;
    expect(body.$id).toBe('ingest-case.json');
  });
});

describe('the ingest examples in openapi.yaml', () => {
  let app: TestApp;
  let crm: TestIntegration;
  withIngestApp((started) => ({ app, crm } = started));

  interface Operation {
    requestBody?: { content: { 'application/json': { example: unknown } } };
  }

  it('work as they are, in order: create, add, add, patch', async () => {
    const doc = parse(fs.readFileSync('openapi.yaml', 'utf8')) as { paths: Record<string, Record<string, Operation>> };
    const example = (path: string, method: string) => doc.paths[path]![method]!.requestBody!.content['application/json'].example;
    const send = (method: string, path: string, body: unknown) =>
      app.request(path, { method, headers: { Authorization: `Bearer ${crm.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    expect((await send('PUT', '/v1/case', example('/v1/case', 'put'))).status).toBe(201);
    expect((await send('PUT', '/v1/case/messages', example('/v1/case/messages', 'put'))).status).toBe(200);
    expect((await send('POST', '/v1/case/messages', example('/v1/case/messages', 'post'))).status).toBe(201);
    const patched = await send('PATCH', '/v1/case/case-12345', example('/v1/case/{caseUid}', 'patch'));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ outcome: 'updated' });
  });
});
