import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ThreadedReader, type BodyReader } from '../../src/ingest/body-readers.js';
import { readBody, type BodyRoute } from '../../src/ingest/read-body.js';
import { decideByRules } from '../../src/classification/rules.js';
import { ValidationError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { caseBody, getCase, ingest, message, withIngestApp, type IngestContext } from '../helpers/ingest.js';
import { errorBody } from '../helpers/json.js';

const logger = createLogger('silent');
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

const htmlCase = caseBody({
  subject: '<b>Login</b> &amp; billing',
  tags: [' vip ', 'VIP', 'billing'],
  customFields: [{ name: 'plan', value: 'pro' }],
  channelHint: { kept: true },
  updated: '2024-01-15T10:00:00.123456+02:00',
  messages: [message({ text: '<p>Hello</p><p>1 &lt; 2<br>bye</p><script>x()</script>' }), message({ direction: 'Outbound' })],
});

describe('reading ingest bodies on worker threads', () => {
  let reader: BodyReader;
  beforeAll(() => {
    reader = new ThreadedReader(2, logger);
  });
  afterAll(() => reader.close());

  it.each<[BodyRoute, unknown]>([
    ['PUT /v1/case', htmlCase],
    ['PUT /v1/case/messages', { ...htmlCase, messages: undefined, message: message({ text: '<div>a</div>b' }) }],
    ['POST /v1/case/messages', { ...message({ text: 'x &gt; y' }), caseUid: 'abc ' }],
    ['PATCH /v1/case/{caseUid}', { subject: '<i>new</i>', tags: null, customFields: [{ name: 'a', value: 'b' }], messages: [message()] }],
  ])('%s: a thread answers exactly what the event loop would', async (route, body) => {
    const onThread = await reader.read(route, bytes(body));
    expect(onThread).toEqual(readBody(route, bytes(body)));
    expect('body' in onThread).toBe(true);
  });

  it('keeps the normalised text, instants and dates of a case', async () => {
    const reading = await reader.read('PUT /v1/case', bytes(htmlCase));
    if (!('body' in reading) || reading.body.kind !== 'case') throw new Error('expected a case');
    const { input, messages } = reading.body;
    expect(input.subject).toBe('Login & billing');
    expect(input.tags).toEqual(['vip', 'billing']);
    expect(input.updated.micros).toBe('2024-01-15 08:00:00.123456');
    expect(input.updated.date.toISOString()).toBe('2024-01-15T08:00:00.123Z');
    expect(input.extra).toEqual({ channelHint: { kept: true } });
    expect(messages[0]!.text).toBe('Hello\n\n1 < 2\nbye');
    expect(messages[1]!.direction).toBe('outbound');
  });

  it("reads a case's subject and first message for the classifier's rules, on the thread", async () => {
    const body = caseBody({
      subject: 'Invoice question',
      messages: [
        message({ created: '2024-01-15T11:00:00Z', text: 'Any news? It is urgent now.' }),
        message({ created: '2024-01-15T09:00:00Z', text: 'I was <b>charged</b> twice on my last payment.' }),
      ],
    });
    const reading = await reader.read('PUT /v1/case', bytes(body));
    if (!('body' in reading) || reading.body.kind !== 'case') throw new Error('expected a case');
    // The first message by time is the description, whatever its place in the list.
    expect(reading.body.byRules).toEqual(decideByRules('Invoice question', 'I was charged twice on my last payment.'));
    expect(reading.body.byRules.category).toMatchObject({ label: 'billing', keywords: expect.arrayContaining(['invoice', 'charged', 'payment']) });
    // "urgent" is only in the later message, which the rules do not read.
    expect(reading.body.byRules.priority.label).toBe('low');
  });

  it('answers a refusal as a ValidationError naming every field and the case it was for', async () => {
    const raw = JSON.stringify({ ...caseBody({ caseUid: 'refused-1', source: ' ' }), messages: [] }).replace('"caseUid"', '"__proto__":{"x":1},"caseUid"');
    const reading = await reader.read('PUT /v1/case', bytes(raw));
    if (!('refusal' in reading)) throw new Error('expected a refusal');
    // Hostile structure is refused before anything in the body is believed, its caseUid too.
    expect(reading.caseUid).toBeNull();
    expect(reading.refusal).toBeInstanceOf(ValidationError);
    expect(reading.refusal.status).toBe(400);
    // A forbidden key stays a plain key of a prototype-less object after the trip between threads.
    expect(Object.getPrototypeOf(reading.refusal.errors)).toBeNull();
    expect(Object.keys(reading.refusal.errors!)).toEqual(['__proto__']);

    const invalid = await reader.read('PUT /v1/case', bytes({ ...caseBody({ caseUid: 'refused-2', source: ' ' }), messages: [] }));
    if (!('refusal' in invalid)) throw new Error('expected a refusal');
    expect(invalid.caseUid).toBe('refused-2');
    expect(invalid.refusal.errors).toEqual({ source: ['must not be empty or whitespace'], messages: ['must NOT have fewer than 1 items'] });
  });

  it('refuses bytes that are not JSON or not UTF-8, with no case named', async () => {
    const broken = await reader.read('PUT /v1/case', Buffer.from([0x7b, 0xff, 0x7d]));
    expect(broken).toMatchObject({ caseUid: null, refusal: expect.any(ValidationError) });
    const notJson = await reader.read('POST /v1/case/messages', bytes('{"caseUid": '));
    expect('refusal' in notJson && notJson.refusal.errors).toEqual({ body: ['must be valid JSON'] });
  });

  it('answers many bodies at once, each with its own reading', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => caseBody({ caseUid: `many-${i}`, subject: `<p>case ${i}</p>` }));
    const readings = await Promise.all(bodies.map((b) => reader.read('PUT /v1/case', bytes(b))));
    expect(readings.map((r) => ('body' in r && r.body.kind === 'case' ? `${r.caseUid} ${r.body.input.subject}` : 'refused'))).toEqual(
      bodies.map((_, i) => `many-${i} case ${i}`),
    );
  });
});

describe('a thread that stops', () => {
  it('fails the bodies it held when the reader closes, instead of leaving them waiting', async () => {
    const reader = new ThreadedReader(1, logger);
    const pending = Array.from({ length: 5 }, () => reader.read('PUT /v1/case', bytes(htmlCase)));
    await reader.close();
    const settled = await Promise.allSettled(pending);
    // Those the thread had answered before it stopped keep their answers; none is left hanging.
    expect(settled.every((s) => s.status === 'fulfilled' || /exited/.test(String(s.reason)))).toBe(true);
  });

  it('fails only what a crashed thread held, and the next body gets a new thread', async () => {
    // A stand-in worker that throws on one route: the real one throws only on a fault.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casehub-worker-'));
    const script = path.join(dir, 'crashing-worker.mjs');
    fs.writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
       parentPort.on('message', ({ id, route }) => {
         if (route === 'crash') throw new Error('boom');
         setTimeout(() => parentPort.postMessage({ id, caseUid: route, body: { kind: 'patch' } }), 20);
       });`,
    );
    const reader = new ThreadedReader(1, logger, script);
    try {
      const held = reader.read('held' as BodyRoute, bytes('{}'));
      const crash = reader.read('crash' as BodyRoute, bytes('{}'));
      await expect(crash).rejects.toThrow(/boom/);
      await expect(held).rejects.toThrow(/boom/);
      await expect(reader.read('after' as BodyRoute, bytes('{}'))).resolves.toEqual({ caseUid: 'after', body: { kind: 'patch' } });
    } finally {
      await reader.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('INGEST_THREADS=0: bodies read on the event loop', () => {
  let context: IngestContext;
  withIngestApp((started) => (context = started), { INGEST_THREADS: '0' });

  it('stores the same plain text and refuses the same way', async () => {
    const { app, crm } = context;
    const body = caseBody({ subject: '<b>Inline</b> &amp; read', messages: [message({ text: '<p>one</p><p>two</p>' })] });
    expect((await ingest(app, crm, 'PUT', '/v1/case', body)).status).toBe(201);
    const stored = await getCase(app, crm, body.caseUid as string);
    expect(stored.body.subject).toBe('Inline & read');
    expect(stored.body.messages[0]!.text).toBe('one\n\ntwo');

    const refused = await ingest(app, crm, 'PUT', '/v1/case', { ...caseBody(), subject: ' ' });
    expect(refused.status).toBe(400);
    expect((await errorBody(refused)).errors).toEqual({ subject: ['must not be empty or whitespace'] });
  });
});
