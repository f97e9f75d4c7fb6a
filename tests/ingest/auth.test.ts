import { createIntegration, rotateApiKey, setSigningSecret, changeIntegration } from '../../src/integrations/service.js';
import { findIntegrationByUuid, updateIntegration } from '../../src/integrations/repository.js';
import { sign, signatureProblem } from '../../src/ingest/signature.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { caseBody, getCase, ingest, newIntegration, type TestIntegration } from '../helpers/ingest.js';
import { errorBody } from '../helpers/json.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.close());

describe('Standard Webhooks signatures', () => {
  // The known-answer vector of the Standard Webhooks reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = '1614265330';
  const body = Buffer.from('{"test": 2432232314}');
  const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const at = new Date(1614265330 * 1000);

  it('signs the known-answer vector', () => {
    expect(sign(secret, id, timestamp, body)).toBe(expected);
  });

  it('accepts it, also among other signatures, and refuses it for other bytes', () => {
    const headers = { id, timestamp, signature: expected };
    expect(signatureProblem(headers, body, [secret], at)).toBeUndefined();
    expect(signatureProblem({ ...headers, signature: `v1,bm90IGl0 v2,xyz ${expected}` }, body, [secret], at)).toBeUndefined();
    expect(signatureProblem(headers, Buffer.from('{"test":2432232314}'), [secret], at)).toBe('no signature matches');
  });

  it('accepts a timestamp up to 5 minutes off either way, not more', () => {
    const headers = { id, timestamp, signature: expected };
    expect(signatureProblem(headers, body, [secret], new Date(at.getTime() + 300_000))).toBeUndefined();
    expect(signatureProblem(headers, body, [secret], new Date(at.getTime() - 300_000))).toBeUndefined();
    expect(signatureProblem(headers, body, [secret], new Date(at.getTime() + 301_000))).toMatch(/5 minutes/);
    expect(signatureProblem(headers, body, [secret], new Date(at.getTime() - 301_000))).toMatch(/5 minutes/);
  });

  it.each([
    ['no headers', { id: undefined, timestamp: undefined, signature: undefined }, /required/],
    ['a timestamp that is not a number', { id, timestamp: '2021-02-21', signature: expected }, /whole seconds/],
    ['a signature of the wrong length', { id, timestamp, signature: 'v1,short' }, /no signature matches/],
    ['a signature without a version', { id, timestamp, signature: expected.slice(3) }, /no signature matches/],
    ['an empty signature', { id, timestamp, signature: ' ' }, /no signature matches/],
    ['unicode in the signature', { id, timestamp, signature: 'v1,ü'.repeat(20) }, /no signature matches/],
  ])('refuses %s without throwing', (_name, headers, problem) => {
    expect(signatureProblem(headers, body, [secret], at)).toMatch(problem);
  });
});

describe('ingest authentication', () => {
  let crm: TestIntegration;

  beforeAll(async () => {
    crm = await newIntegration(app);
  });

  it('accepts the key as a Bearer token or as X-Api-Key', async () => {
    expect((await ingest(app, crm, 'PUT', '/v1/case', caseBody())).status).toBe(201);
    const viaHeader = await app.request('/v1/case', {
      method: 'PUT',
      headers: { 'X-Api-Key': crm.key, 'content-type': 'application/json' },
      body: JSON.stringify(caseBody()),
    });
    expect(viaHeader.status).toBe(201);
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { Authorization: 'Bearer chk_not-a-real-key' }],
    ['a malformed Authorization header', { Authorization: 'Basic abc' }],
    ['an access token instead of a key', { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }],
  ])('refuses %s with 401', async (_name, headers) => {
    const response = await app.request('/v1/case', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(caseBody()),
    });
    expect(response.status).toBe(401);
    expect((await errorBody(response)).code).toBe('UNAUTHORIZED');
  });

  it('refuses a disabled integration, and accepts it again when re-enabled', async () => {
    const other = await newIntegration(app);
    await changeIntegration(app.db, other.id, { active: false });
    const refused = await ingest(app, other, 'PUT', '/v1/case', caseBody());
    expect(refused.status).toBe(401);
    expect((await errorBody(refused)).message).toBe('This integration is disabled');
    await changeIntegration(app.db, other.id, { active: true });
    expect((await ingest(app, other, 'PUT', '/v1/case', caseBody())).status).toBe(201);
  });

  it('sees a change made by another instance within a second (keys are remembered that long)', async () => {
    const other = await newIntegration(app);
    expect((await ingest(app, other, 'PUT', '/v1/case', caseBody())).status).toBe(201);
    // Another instance disables it: straight in the database, so this process is not told.
    await app.db('integrations').where({ uuid: other.id }).update({ active: false });
    expect((await ingest(app, other, 'PUT', '/v1/case', caseBody())).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ingest(app, other, 'PUT', '/v1/case', caseBody())).status).toBe(401);
  });

  it('refuses a key that was rotated away, and accepts the new one', async () => {
    const other = await newIntegration(app);
    const rotated = await rotateApiKey(app.db, other.id);
    expect((await ingest(app, other, 'PUT', '/v1/case', caseBody())).status).toBe(401);
    expect((await ingest(app, { key: rotated.api_key }, 'PUT', '/v1/case', caseBody())).status).toBe(201);
  });
});

describe('signed integrations', () => {
  let crm: TestIntegration;
  let secret: string;

  beforeAll(async () => {
    crm = await newIntegration(app);
    secret = await setSigningSecret(app.db, crm.id);
  });

  function signedHeaders(body: string, withSecret = secret, timestamp = Math.floor(Date.now() / 1000)) {
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    return {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': sign(withSecret, id, String(timestamp), Buffer.from(body)),
    };
  }

  it('accepts a request signed over its raw bytes', async () => {
    // Whitespace and key order as sent: a re-serialised object would not match.
    const raw = JSON.stringify(caseBody(), null, 3);
    const response = await ingest(app, crm, 'PUT', '/v1/case', raw, signedHeaders(raw));
    expect(response.status).toBe(201);
  });

  it.each([
    ['no signature headers', () => ({})],
    ['a signature over other bytes', (raw: string) => signedHeaders(raw + ' ')],
    ['a timestamp six minutes old', (raw: string) => signedHeaders(raw, secret, Math.floor(Date.now() / 1000) - 360)],
    ['a signature made with another secret', (raw: string) => signedHeaders(raw, 'whsec_' + Buffer.alloc(32, 7).toString('base64'))],
  ])('refuses %s with 401', async (_name, headersFor) => {
    const raw = JSON.stringify(caseBody());
    const response = await ingest(app, crm, 'PUT', '/v1/case', raw, headersFor(raw) as Record<string, string>);
    expect(response.status).toBe(401);
    expect((await errorBody(response)).message).toMatch(/^Invalid signature/);
  });

  it('accepts the previous secret for 24 hours after a new one is set', async () => {
    const previous = secret;
    secret = await setSigningSecret(app.db, crm.id);
    const raw = JSON.stringify(caseBody());
    expect((await ingest(app, crm, 'PUT', '/v1/case', raw, signedHeaders(raw, previous))).status).toBe(201);
    const raw2 = JSON.stringify(caseBody());
    expect((await ingest(app, crm, 'PUT', '/v1/case', raw2, signedHeaders(raw2, secret))).status).toBe(201);

    const row = (await findIntegrationByUuid(app.db, crm.id))!;
    await updateIntegration(app.db, row.id, { previous_signing_secret_expires_at: '2000-01-01 00:00:00.000' });
    const raw3 = JSON.stringify(caseBody());
    expect((await ingest(app, crm, 'PUT', '/v1/case', raw3, signedHeaders(raw3, previous))).status).toBe(401);
  });
});

describe('isolation between integrations', () => {
  it('keeps each integration to its own cases, even under the same caseUid', async () => {
    const one = await createIntegration(app.db, 'one');
    const two = await createIntegration(app.db, 'two');
    const a = { key: one.api_key };
    const b = { key: two.api_key };
    const body = caseBody({ subject: 'belongs to one' });

    expect((await ingest(app, a, 'PUT', '/v1/case', body)).status).toBe(201);
    expect((await getCase(app, b, body.caseUid as string)).status).toBe(404);
    expect((await ingest(app, b, 'PATCH', `/v1/case/${body.caseUid as string}`, { subject: 'hijack' })).status).toBe(404);
    expect((await ingest(app, b, 'POST', '/v1/case/messages', { caseUid: body.caseUid, ...(body.messages as object[])[0], messageUid: 'x' })).status).toBe(204);

    // The same caseUid from the other integration is another case.
    expect((await ingest(app, b, 'PUT', '/v1/case', { ...body, subject: 'belongs to two' })).status).toBe(201);
    expect((await getCase(app, a, body.caseUid as string)).body.subject).toBe('belongs to one');
    expect((await getCase(app, b, body.caseUid as string)).body.subject).toBe('belongs to two');
  });
});
