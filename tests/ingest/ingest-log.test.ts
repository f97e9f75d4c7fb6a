import { changeIntegration } from '../../src/integrations/service.js';
import { purgeIngestLog } from '../../src/ingest/log-queries.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { caseBody, ingest, message, newIntegration, uid, type TestIntegration } from '../helpers/ingest.js';
import { errorBody, jsonRequest } from '../helpers/json.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  app = await startTestApp({ env: { BODY_LIMIT: '16kb' } });
  admin = await signIn(app, 'admin');
});

afterAll(() => app.close());

interface Entry {
  id: number;
  route: string;
  case_uid: string | null;
  status_code: number;
  outcome: string | null;
  error: { code: string; errors?: Record<string, string[]> } | null;
  replay_of: number | null;
  body?: string | null;
}

async function entries(integration: TestIntegration, query = ''): Promise<{ items: Entry[]; total: number }> {
  const response = await app.request(`/api/v1/integrations/${integration.id}/ingest-log${query}`, { headers: admin.auth });
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Entry[]; total: number };
}

describe('the ingest log', () => {
  it('records every request: accepted, rejected, 204 and refused, newest first', async () => {
    const crm = await newIntegration(app);
    const body = caseBody();
    await ingest(app, crm, 'PUT', '/v1/case', body);
    await ingest(app, crm, 'PUT', '/v1/case', { ...body, subject: ' ' });
    await ingest(app, crm, 'POST', '/v1/case/messages', { caseUid: 'nope', ...message() });
    await ingest(app, crm, 'PUT', '/v1/case', caseBody({ messages: [message({ text: 'x'.repeat(20_000) })] }));
    await ingest(app, crm, 'GET', `/v1/case/${body.caseUid as string}`);
    await changeIntegration(app.db, crm.id, { active: false });
    await ingest(app, crm, 'PUT', '/v1/case', body);

    const { items, total } = await entries(crm);
    expect(total).toBe(6);
    expect(items.map((e) => [e.route, e.status_code, e.outcome, e.error?.code ?? null])).toEqual([
      ['PUT /v1/case', 401, null, 'UNAUTHORIZED'],
      ['GET /v1/case/{caseUid}', 200, null, null],
      ['PUT /v1/case', 413, null, 'PAYLOAD_TOO_LARGE'],
      ['POST /v1/case/messages', 204, 'no_case', null],
      ['PUT /v1/case', 400, null, 'VALIDATION_ERROR'],
      ['PUT /v1/case', 201, 'created', null],
    ]);
    expect(items[4]!.error!.errors).toEqual({ subject: ['must not be empty or whitespace'] });
    expect(items[3]!.case_uid).toBe('nope');
    expect(items[5]!.case_uid).toBe(body.caseUid);
    // Lists leave bodies out.
    expect(items[5]).not.toHaveProperty('body');
  });

  it('shows one entry with the raw body exactly as it was sent', async () => {
    const crm = await newIntegration(app);
    const raw = JSON.stringify(caseBody(), null, 2);
    await ingest(app, crm, 'PUT', '/v1/case', raw);
    const [entry] = (await entries(crm)).items;
    const response = await app.request(`/api/v1/integrations/${crm.id}/ingest-log/${entry!.id}`, { headers: admin.auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: entry!.id, body: raw, body_encoding: 'utf8', status_code: 201 });
  });

  it('keeps a body that is not UTF-8, as base64', async () => {
    const crm = await newIntegration(app);
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    await ingest(app, crm, 'PUT', '/v1/case', bytes);
    const [entry] = (await entries(crm)).items;
    const response = await app.request(`/api/v1/integrations/${crm.id}/ingest-log/${entry!.id}`, { headers: admin.auth });
    expect(await response.json()).toMatchObject({ body: bytes.toString('base64'), body_encoding: 'base64', status_code: 400 });
  });

  it('filters by case, route, outcome, status, failure and time, and pages', async () => {
    const crm = await newIntegration(app);
    const a = caseBody();
    await ingest(app, crm, 'PUT', '/v1/case', a);
    await ingest(app, crm, 'PUT', '/v1/case', a);
    await ingest(app, crm, 'PUT', '/v1/case', caseBody());
    await ingest(app, crm, 'PUT', '/v1/case', { bad: true });
    expect((await entries(crm, `?case_uid=${a.caseUid as string}`)).total).toBe(2);
    expect((await entries(crm, '?outcome=created')).total).toBe(2);
    expect((await entries(crm, '?outcome=unchanged')).total).toBe(1);
    expect((await entries(crm, '?status_code=400')).total).toBe(1);
    expect((await entries(crm, '?failed=true')).total).toBe(1);
    expect((await entries(crm, `?route=${encodeURIComponent('PUT /v1/case')}`)).total).toBe(4);
    expect((await entries(crm, '?from=2000-01-01&to=2000-01-02')).total).toBe(0);
    const page = await entries(crm, '?limit=2&offset=1');
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(4);
  });

  it.each([['?outcome=weird'], ['?status_code=99'], ['?route=DELETE%20%2Fv1%2Fcase'], ['?from=not-a-date'], ['?failed=maybe'], ['?limit=0']])(
    'refuses the filter %s with 400',
    async (query) => {
      const crm = await newIntegration(app);
      const response = await app.request(`/api/v1/integrations/${crm.id}/ingest-log${query}`, { headers: admin.auth });
      expect(response.status).toBe(400);
      expect((await errorBody(response)).code).toBe('VALIDATION_ERROR');
    },
  );

  it('replays an entry through the same path: a message that found no case lands once the case exists', async () => {
    const crm = await newIntegration(app);
    const body = caseBody();
    await ingest(app, crm, 'POST', '/v1/case/messages', { caseUid: body.caseUid, ...message({ messageUid: 'early' }) });
    await ingest(app, crm, 'PUT', '/v1/case', body);
    const early = (await entries(crm, '?outcome=no_case')).items[0]!;

    const response = await app.request(`/api/v1/integrations/${crm.id}/ingest-log/${early.id}/replay`, { method: 'POST', headers: admin.auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      replay_of: early.id,
      status_code: 201,
      response: expect.objectContaining({ outcome: 'created', messagesAdded: 1 }),
    });
    const replayEntry = (await entries(crm)).items[0]!;
    expect(replayEntry).toMatchObject({ replay_of: early.id, status_code: 201, outcome: 'created' });

    // Replaying again is as safe as any retry.
    const again = await app.request(`/api/v1/integrations/${crm.id}/ingest-log/${early.id}/replay`, { method: 'POST', headers: admin.auth });
    expect(await again.json()).toMatchObject({ status_code: 200, response: { outcome: 'unchanged' } });
  });

  it('reports a replay that fails validation as its error, not as a failed call', async () => {
    const crm = await newIntegration(app);
    await ingest(app, crm, 'PUT', '/v1/case', { caseUid: 'x' });
    const [entry] = (await entries(crm)).items;
    const response = await app.request(`/api/v1/integrations/${crm.id}/ingest-log/${entry!.id}/replay`, { method: 'POST', headers: admin.auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status_code: 400, response: { status: 'error', code: 'VALIDATION_ERROR' } });
  });

  it('refuses to replay a read, and answers 404 for another integration\'s entry', async () => {
    const crm = await newIntegration(app);
    const other = await newIntegration(app);
    const body = caseBody();
    await ingest(app, crm, 'PUT', '/v1/case', body);
    await ingest(app, crm, 'GET', `/v1/case/${body.caseUid as string}`);
    const [read, write] = (await entries(crm)).items;
    const refused = await app.request(`/api/v1/integrations/${crm.id}/ingest-log/${read!.id}/replay`, { method: 'POST', headers: admin.auth });
    expect(refused.status).toBe(400);
    for (const path of [`/ingest-log/${write!.id}`, `/ingest-log/${write!.id}/replay`, '/ingest-log/abc']) {
      const init = path.endsWith('replay') ? { method: 'POST', headers: admin.auth } : { headers: admin.auth };
      expect((await app.request(`/api/v1/integrations/${other.id}${path}`, init)).status).toBe(404);
    }
  });

  it('is for admins only', async () => {
    const crm = await newIntegration(app);
    const agent = await signIn(app, 'agent');
    expect((await app.request(`/api/v1/integrations/${crm.id}/ingest-log`, { headers: agent.auth })).status).toBe(403);
    expect((await app.request(`/api/v1/integrations/${crm.id}/ingest-log`)).status).toBe(401);
    expect((await app.request(`/api/v1/integrations/${crm.id}/ingest-log/1/replay`, jsonRequest('POST', {}, agent.auth))).status).toBe(403);
  });

  it('purges entries older than the cutoff, in batches, and keeps the rest', async () => {
    const crm = await newIntegration(app);
    const old = Array.from({ length: 7 }, (_, i) => ({
      integration_id: crm.rowId,
      request_id: `old-${i}`,
      method: 'PUT',
      route: 'PUT /v1/case',
      case_uid: uid(),
      status_code: 201,
      outcome: 'created',
      received_at: '2020-01-01 00:00:00.000',
    }));
    await app.db('ingest_log').insert(old);
    await ingest(app, crm, 'PUT', '/v1/case', caseBody());
    expect(await purgeIngestLog(app.db, new Date('2021-01-01T00:00:00Z'), 3)).toBe(7);
    expect((await entries(crm)).total).toBe(1);
  });
});
