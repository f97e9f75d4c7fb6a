import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody, jsonRequest } from '../helpers/json.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signIn(app, 'admin');
});

afterAll(() => app.close());

interface Integration {
  id: string;
  name: string;
  key_prefix: string;
  active: boolean;
  has_signing_secret: boolean;
  api_key?: string;
}

async function create(name: string): Promise<Integration> {
  const response = await app.request('/api/v1/integrations', jsonRequest('POST', { name }, admin.auth));
  expect(response.status).toBe(201);
  return (await response.json()) as Integration;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('integrations admin API', () => {
  it('creates an integration and shows its API key once, storing only a hash', async () => {
    const created = await create('  Helpdesk mail  ');
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Helpdesk mail',
      key_prefix: created.api_key!.slice(0, 12),
      active: true,
      has_signing_secret: false,
      api_key: expect.stringMatching(/^chk_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const row = await app.db('integrations').where({ uuid: created.id }).first();
    expect(row.key_hash).toBe(sha256(created.api_key!));
    expect(JSON.stringify(row)).not.toContain(created.api_key);

    const fetched = (await (await app.request(`/api/v1/integrations/${created.id}`, { headers: admin.auth })).json()) as Integration;
    expect(fetched).not.toHaveProperty('api_key');
    expect(fetched.key_prefix).toBe(created.key_prefix);
  });

  it('lists integrations with pagination and never their keys', async () => {
    await create('list-a');
    await create('list-b');
    const response = await app.request('/api/v1/integrations?limit=1&offset=1', { headers: admin.auth });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Integration[]; total: number; limit: number; offset: number };
    expect(body).toMatchObject({ limit: 1, offset: 1, next_cursor: null });
    expect(body.items).toHaveLength(1);
    expect(body.total).toBeGreaterThanOrEqual(2);
    for (const item of body.items) {
      expect(item).not.toHaveProperty('api_key');
      expect(item.key_prefix).toHaveLength(12);
    }
  });

  it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['offset=-1'], ['limit=1.5']])('refuses %s with 400', async (query) => {
    const response = await app.request(`/api/v1/integrations?${query}`, { headers: admin.auth });
    expect(response.status).toBe(400);
    expect((await errorBody(response)).code).toBe('VALIDATION_ERROR');
  });

  it('rotates the key: a new one is shown once and the old hash is gone', async () => {
    const created = await create('rotating');
    const response = await app.request(`/api/v1/integrations/${created.id}/rotate`, { method: 'POST', headers: admin.auth });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as Integration;
    expect(rotated.api_key).toMatch(/^chk_/);
    expect(rotated.api_key).not.toBe(created.api_key);
    const row = await app.db('integrations').where({ uuid: created.id }).first();
    expect(row.key_hash).toBe(sha256(rotated.api_key!));
  });

  it('renames and disables', async () => {
    const created = await create('old name');
    const response = await app.request(`/api/v1/integrations/${created.id}`, jsonRequest('PATCH', { name: 'new name', active: false }, admin.auth));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'new name', active: false });
  });

  it('sets a signing secret, keeps the previous one for 24 hours, and clears both', async () => {
    const created = await create('signed');
    const first = await app.request(`/api/v1/integrations/${created.id}/signing-secret`, { method: 'POST', headers: admin.auth });
    expect(first.status).toBe(201);
    const { signing_secret: one } = (await first.json()) as { signing_secret: string };
    expect(one).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const second = await app.request(`/api/v1/integrations/${created.id}/signing-secret`, { method: 'POST', headers: admin.auth });
    const { signing_secret: two } = (await second.json()) as { signing_secret: string };
    const row = await app.db('integrations').where({ uuid: created.id }).first();
    expect(row).toMatchObject({ signing_secret: two, previous_signing_secret: one });
    const graceHours = (Date.parse(row.previous_signing_secret_expires_at.replace(' ', 'T') + 'Z') - Date.now()) / 3600e3;
    expect(graceHours).toBeGreaterThan(23.9);
    expect(graceHours).toBeLessThanOrEqual(24);

    const shown = (await (await app.request(`/api/v1/integrations/${created.id}`, { headers: admin.auth })).json()) as Integration;
    expect(shown.has_signing_secret).toBe(true);
    expect(JSON.stringify(shown)).not.toContain('whsec_');

    const cleared = await app.request(`/api/v1/integrations/${created.id}/signing-secret`, { method: 'DELETE', headers: admin.auth });
    expect(cleared.status).toBe(204);
    expect(await app.db('integrations').where({ uuid: created.id }).first()).toMatchObject({
      signing_secret: null,
      previous_signing_secret: null,
    });
  });

  it.each([
    [{ name: '' }, { name: ['must NOT have fewer than 1 characters', 'must not be empty or whitespace'] }],
    [{ name: '   ' }, { name: ['must not be empty or whitespace'] }],
    [{}, { name: ['is required'] }],
    [{ name: 'x', api_key: 'mine' }, { api_key: ['is not allowed'] }],
    [{ name: 'x'.repeat(201) }, { name: ['must NOT have more than 200 characters'] }],
  ])('refuses creating with %j', async (body, errors) => {
    const response = await app.request('/api/v1/integrations', jsonRequest('POST', body, admin.auth));
    expect(response.status).toBe(400);
    expect((await errorBody(response)).errors).toEqual(errors);
  });

  it('refuses an empty change', async () => {
    const created = await create('unchanged');
    const response = await app.request(`/api/v1/integrations/${created.id}`, jsonRequest('PATCH', {}, admin.auth));
    expect(response.status).toBe(400);
  });

  it('answers 404 for an unknown integration on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const calls: Array<[string, RequestInit]> = [
      [`/api/v1/integrations/${id}`, { headers: admin.auth }],
      [`/api/v1/integrations/${id}`, jsonRequest('PATCH', { active: false }, admin.auth)],
      [`/api/v1/integrations/${id}/rotate`, { method: 'POST', headers: admin.auth }],
      [`/api/v1/integrations/${id}/signing-secret`, { method: 'POST', headers: admin.auth }],
      [`/api/v1/integrations/${id}/signing-secret`, { method: 'DELETE', headers: admin.auth }],
    ];
    for (const [path, init] of calls) {
      const response = await app.request(path, init);
      expect({ path, method: init.method, status: response.status }).toEqual({ path, method: init.method, status: 404 });
    }
  });
});

describe('integrations admin API access', () => {
  it('requires a token', async () => {
    const response = await app.request('/api/v1/integrations');
    expect(response.status).toBe(401);
    expect((await errorBody(response)).code).toBe('UNAUTHORIZED');
  });

  it.each(['agent', 'customer'] as const)('refuses the %s role with 403', async (role) => {
    const user = await signIn(app, role);
    const response = await app.request('/api/v1/integrations', jsonRequest('POST', { name: 'x' }, user.auth));
    expect(response.status).toBe(403);
    expect((await errorBody(response)).code).toBe('FORBIDDEN');
  });

  it('refuses a token signed with another key, an alg:none token, and a token of a deactivated admin', async () => {
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin.user.uuid)
      .setIssuer('casehub')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-it'));
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
      Buffer.from(JSON.stringify({ sub: admin.user.uuid, role: 'admin', iss: 'casehub', exp: 9999999999 })).toString('base64url'),
      '',
    ].join('.');
    for (const token of [forged, unsigned, 'garbage']) {
      const response = await app.request('/api/v1/integrations', { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
    }

    const former = await signIn(app, 'admin');
    await app.db('users').where({ id: former.user.id }).update({ active: false });
    expect((await app.request('/api/v1/integrations', { headers: former.auth })).status).toBe(401);
  });
});
