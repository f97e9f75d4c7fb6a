import net from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { caseBody, ingest, message, newIntegration, type TestIntegration } from '../helpers/ingest.js';
import { errorBody } from '../helpers/json.js';

let app: TestApp;
let crm: TestIntegration;

beforeAll(async () => {
  app = await startTestApp({ env: { BODY_LIMIT: '64kb' } });
  crm = await newIntegration(app);
});

afterAll(() => app.close());

const put = (body: unknown) => ingest(app, crm, 'PUT', '/v1/case', body);

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { deeper: value };
  return value;
}

async function refused(response: Response, status = 400) {
  expect(response.status).toBe(status);
  return errorBody(response);
}

describe('hostile bodies', () => {
  it('accepts nesting up to 32 levels and refuses 33', async () => {
    // The body itself is level 1, `extra` adds the rest.
    expect((await put(caseBody({ extra: nested(30) }))).status).toBe(201);
    const error = await refused(await put(caseBody({ extra: nested(32) })));
    expect(error.errors).toEqual({ body: ['must not nest deeper than 32 levels'] });
  });

  it('counts no brackets inside strings, escaped quotes and backslashes included', async () => {
    const inText = `quoted \\" [[{{ ${'['.repeat(40)} and a backslash \\`;
    expect((await put(caseBody({ subject: inText, extra: { also: `\\\\" ${'{'.repeat(40)}` } }))).status).toBe(201);
    // A string that ends in an escaped backslash is over: the nesting after it counts.
    const error = await refused(await put(caseBody({ extra: { s: 'ends in \\', deeper: nested(31) } })));
    expect(error.errors).toEqual({ body: ['must not nest deeper than 32 levels'] });
  });

  it('refuses pathological nesting fast, without parsing it', async () => {
    const started = Date.now();
    const response = await put('['.repeat(60_000) + ']'.repeat(60_000));
    expect(response.status).toBe(413);
    const deep = await put('['.repeat(30_000));
    expect((await refused(deep)).errors).toEqual({ body: ['must not nest deeper than 32 levels'] });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a key named %s, wherever it is', async (key) => {
    const raw = JSON.stringify(caseBody()).replace('"caseUid"', `"${key}":{"polluted":true},"caseUid"`);
    const error = await refused(await put(raw));
    expect(error.errors).toEqual({ [key]: ['is a forbidden key'] });
    const inMessage = JSON.stringify(caseBody()).replace('"messageUid"', `"${key}":1,"messageUid"`);
    expect((await refused(await put(inMessage))).errors).toEqual({ [`messages.0.${key}`]: ['is a forbidden key'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses lone surrogates', async () => {
    const raw = JSON.stringify(caseBody({ subject: 'PLACEHOLDER' })).replace('PLACEHOLDER', 'bad \\ud800 text');
    expect((await refused(await put(raw))).errors).toEqual({ subject: ['contains a lone surrogate (not valid Unicode)'] });
  });

  it('accepts a proper surrogate pair (an emoji written as escapes)', async () => {
    const raw = JSON.stringify(caseBody({ subject: 'PLACEHOLDER' })).replace('PLACEHOLDER', 'ok \\ud83c\\udfab');
    expect((await put(raw)).status).toBe(201);
  });

  it('refuses invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"caseUid":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect((await refused(await put(bytes))).errors).toEqual({ body: ['must be valid UTF-8'] });
  });

  it.each([
    ['messages', { messages: Array.from({ length: 101 }, () => message({ text: 'x', attachments: [] })) }, 'messages'],
    ['recipients', { messages: [message({ to: Array.from({ length: 101 }, () => ({ name: 'n', email: 'e@x.io' })) })] }, 'messages.0.to'],
    ['attachments', { messages: [message({ attachments: Array.from({ length: 101 }, (_, i) => `f${i}`) })] }, 'messages.0.attachments'],
  ])('refuses more than 100 %s', async (_name, overrides, field) => {
    const error = await refused(await put(caseBody(overrides)));
    expect(error.errors?.[field]).toEqual(['must NOT have more than 100 items']);
  });

  it('answers a body that ends before its Content-Length with the contract 400, and logs the refusal', async () => {
    const socket = net.connect(Number(new URL(app.baseUrl).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const text = await new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.end(
        `PUT /v1/case HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${crm.key}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 500\r\n\r\n{"caseUid": "cut-',
      );
    });
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 'error', code: 'VALIDATION_ERROR' });

    // The route's own read failed too, and recorded the request.
    let logged: { error: string } | undefined;
    for (let i = 0; i < 50 && !logged; i++) {
      logged = await app.db('ingest_log').where({ integration_id: crm.rowId, status_code: 400 }).whereNull('raw_body').first();
      if (!logged) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(JSON.parse(logged!.error)).toMatchObject({ code: 'VALIDATION_ERROR', message: 'The request body could not be read' });
  });

  it('refuses a body over the limit with 413', async () => {
    const error = await refused(await put(caseBody({ messages: [message({ text: 'x'.repeat(70 * 1024) })] })), 413);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['malformed JSON', '{"caseUid": "a",', { body: ['must be valid JSON'] }],
    ['an empty body', '', { body: ['is required'] }],
    ['JSON that is a string', '"just a string"', { body: ['must be object'] }],
    ['JSON null', 'null', { body: ['must be object'] }],
  ])('refuses %s with 400', async (_name, raw, errors) => {
    expect((await refused(await put(raw))).errors).toEqual(errors);
  });
});
