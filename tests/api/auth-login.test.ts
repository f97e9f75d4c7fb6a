import { decodeJwt, decodeProtectedHeader } from 'jose';
import { hashToken } from '../../src/auth/tokens.js';
import { createAdmin } from '../../src/users/bootstrap-admin.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody, jsonRequest } from '../helpers/json.js';

let app: TestApp;
const email = 'Boss@Example.com';
const password = 'correct-horse-battery';

beforeAll(async () => {
  app = await startTestApp();
  await createAdmin(app.db, email, password);
});

afterAll(() => app.close());

const login = (body: unknown) => app.request('/api/v1/auth/login', jsonRequest('POST', body));

describe('POST /api/v1/auth/login', () => {
  it('answers a token pair for the right password, whatever the email case', async () => {
    const response = await login({ email: 'boss@example.COM', password });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
    });
    const claims = decodeJwt(body.access_token as string);
    expect(decodeProtectedHeader(body.access_token as string).alg).toBe('HS256');
    expect(claims).toMatchObject({ role: 'admin', iss: 'casehub', sub: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(900);

    // Only the refresh token's hash is stored.
    const stored = await app.db('refresh_tokens').where({ token_hash: hashToken(body.refresh_token as string) }).first();
    expect(stored).toBeDefined();
    expect(JSON.stringify(await app.db('refresh_tokens').select())).not.toContain(body.refresh_token as string);
  });

  it('answers the same 401 for a wrong password and an unknown account', async () => {
    const wrong = await login({ email, password: 'not-the-password' });
    const unknown = await login({ email: 'nobody@example.com', password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await errorBody(wrong), await errorBody(unknown)];
    expect(a).toMatchObject({ code: 'UNAUTHORIZED', message: 'Invalid email or password' });
    expect(b.message).toBe(a.message);
  });

  it('refuses a deactivated account', async () => {
    await createAdmin(app.db, 'former@example.com', password);
    await app.db('users').where({ email: 'former@example.com' }).update({ active: false });
    const response = await login({ email: 'former@example.com', password });
    expect(response.status).toBe(401);
  });

  it('refuses an account with no password (a customer matched from mail)', async () => {
    await app.db('users').insert({
      uuid: '00000000-0000-4000-8000-000000000001',
      role: 'customer',
      email: 'mailonly@example.com',
      password_hash: null,
      created_at: '2026-01-01 00:00:00.000',
      updated_at: '2026-01-01 00:00:00.000',
    });
    const response = await login({ email: 'mailonly@example.com', password: '' + 'anything' });
    expect(response.status).toBe(401);
  });

  it('rejects an empty password and a non-object body with 400', async () => {
    const empty = await login({ email, password: '' });
    expect(empty.status).toBe(400);
    expect((await errorBody(empty)).errors).toEqual({ password: ['must NOT have fewer than 1 characters'] });

    const array = await login([email, password]);
    expect(array.status).toBe(400);
    expect((await errorBody(array)).errors).toEqual({ body: ['must be object'] });
  });

  it('treats a body sent as another content type as no body at all', async () => {
    const response = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email, password }),
    });
    expect(response.status).toBe(400);
    expect((await errorBody(response)).code).toBe('VALIDATION_ERROR');
  });
});
