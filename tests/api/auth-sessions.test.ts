import { SignJWT, UnsecuredJWT } from 'jose';
import { LOGIN_LIMITS } from '../../src/auth/throttle.js';
import { setClock } from '../../src/time/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody, jsonRequest } from '../helpers/json.js';
import { signIn } from '../helpers/users.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { JWT_SECRET: 'a-test-secret-that-is-long-enough-0123' } });
});

afterAll(() => app.close());

interface Pair {
  access_token: string;
  refresh_token: string;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => app.request(`/api/v1/auth/${path}`, jsonRequest('POST', body, headers));
const me = (token: string) => app.request('/api/v1/auth/me', { headers: { Authorization: `Bearer ${token}` } });
let counter = 0;
const newEmail = () => `person${++counter}-${Date.now()}@example.com`;

async function registerAndLogin(email = newEmail(), password = 'a-long-passphrase'): Promise<Pair> {
  expect((await post('register', { email, password })).status).toBe(201);
  const response = await post('login', { email, password });
  expect(response.status).toBe(200);
  return (await response.json()) as Pair;
}

describe('POST /api/v1/auth/register', () => {
  it('creates a customer who can log in and read themselves', async () => {
    const email = newEmail();
    const response = await post('register', { email: email.toUpperCase(), password: 'a-long-passphrase', first_name: ' Ada ', last_name: 'Lovelace' });
    expect(response.status).toBe(201);
    const user = (await response.json()) as Record<string, unknown>;
    expect(user).toMatchObject({ email, role: 'customer', first_name: 'Ada', last_name: 'Lovelace', active: true });
    expect(user).not.toHaveProperty('password_hash');

    const pair = (await (await post('login', { email, password: 'a-long-passphrase' })).json()) as Pair;
    const self = await me(pair.access_token);
    expect(self.status).toBe(200);
    expect(await self.json()).toMatchObject({ id: user.id, email, role: 'customer' });
  });

  it('refuses a known email with 409, also one matched from mail without a password', async () => {
    const email = newEmail();
    await post('register', { email, password: 'a-long-passphrase' });
    const again = await post('register', { email, password: 'another-passphrase' });
    expect(again.status).toBe(409);
    expect((await errorBody(again)).code).toBe('CONFLICT');

    await app.db('users').insert({ uuid: '00000000-0000-4000-8000-00000000abcd', role: 'customer', email: 'wrote-in@example.com', created_at: '2026-01-01 00:00:00.000', updated_at: '2026-01-01 00:00:00.000' });
    expect((await post('register', { email: 'wrote-in@example.com', password: 'a-long-passphrase' })).status).toBe(409);
  });

  it('lists every bad field at once, and never lets a caller pick a role', async () => {
    const response = await post('register', { email: 'not-an-email', password: 'short', role: 'admin' });
    expect(response.status).toBe(400);
    expect(Object.keys((await errorBody(response)).errors!).sort()).toEqual(['email', 'password', 'role']);
  });
});

describe('POST /api/v1/auth/refresh', () => {
  it('rotates: the new pair works, the spent refresh token does not', async () => {
    const first = await registerAndLogin();
    const response = await post('refresh', { refresh_token: first.refresh_token });
    expect(response.status).toBe(200);
    const second = (await response.json()) as Pair;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token)).status).toBe(200);
  });

  it('treats a reused refresh token as stolen: the whole family is revoked', async () => {
    const first = await registerAndLogin();
    const second = (await (await post('refresh', { refresh_token: first.refresh_token })).json()) as Pair;
    const reuse = await post('refresh', { refresh_token: first.refresh_token });
    expect(reuse.status).toBe(401);
    expect((await errorBody(reuse)).message).toMatch(/already used/);
    // The legitimate holder's newer token is gone too.
    expect((await post('refresh', { refresh_token: second.refresh_token })).status).toBe(401);
  });

  it('lets only one of two simultaneous refreshes with the same token win, and revokes the family', async () => {
    const first = await registerAndLogin();
    const answers = await Promise.all([1, 2, 3].map(() => post('refresh', { refresh_token: first.refresh_token })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(2);
    const winner = answers.find((r) => r.status === 200);
    if (winner) expect((await post('refresh', { refresh_token: ((await winner.json()) as Pair).refresh_token })).status).toBe(401);
  });

  it("refuses an unknown, an expired and a deactivated user's token", async () => {
    expect((await post('refresh', { refresh_token: 'made-up' })).status).toBe(401);
    const missing = await post('refresh', {});
    expect(missing.status).toBe(400);
    expect((await errorBody(missing)).errors).toEqual({ refresh_token: ['is required'] });

    const expired = await registerAndLogin();
    await app.db('refresh_tokens').update({ expires_at: '2000-01-01 00:00:00.000' }).whereNull('used_at').whereNull('revoked_at');
    expect((await post('refresh', { refresh_token: expired.refresh_token })).status).toBe(401);

    const email = newEmail();
    const pair = await registerAndLogin(email);
    await app.db('users').where({ email }).update({ active: false });
    expect((await post('refresh', { refresh_token: pair.refresh_token })).status).toBe(401);
    expect((await me(pair.access_token)).status).toBe(401);
  });
});

describe('POST /api/v1/auth/logout', () => {
  it('ends the session: its refresh token no longer works; twice is fine', async () => {
    const pair = await registerAndLogin();
    expect((await post('logout', { refresh_token: pair.refresh_token })).status).toBe(204);
    expect((await post('refresh', { refresh_token: pair.refresh_token })).status).toBe(401);
    expect((await post('logout', { refresh_token: pair.refresh_token })).status).toBe(204);
    expect((await post('logout', {})).status).toBe(400);
  });
});

describe('access tokens: the attack set', () => {
  const secret = new TextEncoder().encode('a-test-secret-that-is-long-enough-0123');
  let sub: string;
  let valid: string;

  beforeAll(async () => {
    const agent = await signIn(app, 'agent');
    sub = agent.user.uuid;
    valid = agent.token;
  });

  const refused = async (token: string) => {
    const response = await me(token);
    expect(response.status).toBe(401);
    expect((await errorBody(response)).code).toBe('UNAUTHORIZED');
  };

  it('accepts the genuine token', async () => {
    expect((await me(valid)).status).toBe(200);
  });

  it('refuses alg none', async () => {
    await refused(new UnsecuredJWT({ role: 'admin' }).setSubject(sub).setIssuer('casehub').setIssuedAt().setExpirationTime('5m').encode());
  });

  it('refuses another algorithm, even with the right secret', async () => {
    await refused(await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS512' }).setSubject(sub).setIssuer('casehub').setIssuedAt().setExpirationTime('5m').sign(secret));
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('casehub').setIssuedAt(past - 900).setExpirationTime(past).sign(secret);
    const response = await me(token);
    expect(response.status).toBe(401);
    expect((await errorBody(response)).message).toBe('Token expired');
  });

  it('refuses a token once it expires, also one it accepted before', async () => {
    const exp = Math.floor(Date.now() / 1000) + 1;
    const token = await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('casehub').setIssuedAt().setExpirationTime(exp).sign(secret);
    expect((await me(token)).status).toBe(200);
    // Its good signature is remembered (src/auth/tokens.ts); its expiry is not.
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 20));
    const response = await me(token);
    expect(response.status).toBe(401);
    expect((await errorBody(response)).message).toBe('Token expired');
  });

  it('refuses a token that never expires', async () => {
    await refused(await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('casehub').setIssuedAt().sign(secret));
  });

  it('refuses a tampered payload (role raised to admin) and a token signed with another secret', async () => {
    const [header, , signature] = valid.split('.');
    const payload = Buffer.from(JSON.stringify({ role: 'admin', sub, iss: 'casehub', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    await refused(`${header}.${payload}.${signature}`);
    await refused(await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('casehub').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(40))));
  });

  it('refuses an unknown user, a deactivated user, garbage and a missing header', async () => {
    await refused(await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('00000000-0000-4000-8000-000000000000').setIssuer('casehub').setIssuedAt().setExpirationTime('5m').sign(secret));
    await refused('not.a.jwt');
    expect((await app.request('/api/v1/auth/me')).status).toBe(401);
    const former = await signIn(app, 'agent');
    await app.db('users').where({ id: former.user.id }).update({ active: false });
    await refused(former.token);
  });

  it('cuts off a user deactivated through the API at once, even one who was just reading', async () => {
    const admin = await signIn(app, 'admin');
    const customer = await signIn(app, 'customer');
    expect((await me(customer.token)).status).toBe(200);
    const deleted = await app.request(`/api/v1/customers/${customer.user.uuid}`, { method: 'DELETE', headers: admin.auth });
    expect(deleted.status).toBe(204);
    await refused(customer.token);
  });

  it('cuts off a user deactivated elsewhere at once for writes, and within a second for reads', async () => {
    // As another instance would: straight in the database, unseen by this process.
    const deactivateElsewhere = (user: { id: number }) => app.db('users').where({ id: user.id }).update({ active: false });
    const writer = await signIn(app, 'agent');
    expect((await me(writer.token)).status).toBe(200);
    await deactivateElsewhere(writer.user);
    const write = await app.request('/api/v1/tickets', jsonRequest('POST', { subject: 'after deactivation' }, writer.auth));
    expect(write.status).toBe(401);

    // Reading oneself always reads the user, a remembered one too.
    const self = await signIn(app, 'agent');
    expect((await me(self.token)).status).toBe(200);
    await deactivateElsewhere(self.user);
    await refused(self.token);

    const reader = await signIn(app, 'agent');
    const tickets = () => app.request('/api/v1/tickets', { headers: reader.auth });
    expect((await tickets()).status).toBe(200);
    await deactivateElsewhere(reader.user);
    // The user read a moment ago is still trusted for reading (src/users/active-users.ts) ...
    expect((await tickets()).status).toBe(200);
    const later = new Date(Date.now() + 1001);
    setClock(() => later);
    try {
      // ... but for no more than a second.
      expect((await tickets()).status).toBe(401);
    } finally {
      setClock(undefined);
    }
  });
});

describe('login throttling', () => {
  it(`refuses an account after ${LOGIN_LIMITS.account} failures with 429 and Retry-After, even with the right password`, async () => {
    const email = newEmail();
    await post('register', { email, password: 'a-long-passphrase' });
    for (let i = 0; i < LOGIN_LIMITS.account; i++) expect((await post('login', { email, password: 'wrong-password' })).status).toBe(401);
    const blocked = await post('login', { email, password: 'a-long-passphrase' });
    expect(blocked.status).toBe(429);
    expect((await errorBody(blocked)).code).toBe('RATE_LIMITED');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);

    // When the window has passed, the right password works again.
    await app.db('login_throttle').update({ window_started_at: '2000-01-01 00:00:00.000' });
    expect((await post('login', { email, password: 'a-long-passphrase' })).status).toBe(200);
  });

  it('counts failures per client address across accounts (behind a trusted proxy, its X-Forwarded-For)', async () => {
    const proxied = await startTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      const from = (address: string, email: string) => proxied.request('/api/v1/auth/login', jsonRequest('POST', { email, password: 'wrong-password' }, { 'X-Forwarded-For': address }));
      for (let i = 0; i < LOGIN_LIMITS.address; i++) expect((await from('203.0.113.7', `spray${i}@example.com`)).status).toBe(401);
      expect((await from('203.0.113.7', 'one-more@example.com')).status).toBe(429);
      // Another address is not affected.
      expect((await from('203.0.113.8', 'one-more@example.com')).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const email = newEmail();
    await post('register', { email, password: 'a-long-passphrase' });
    await post('login', { email, password: 'wrong-password' }, { 'X-Forwarded-For': '198.51.100.1' });
    const keys = (await app.db('login_throttle').pluck('throttle_key')) as string[];
    expect(keys).not.toContain('address:198.51.100.1');
    expect(keys.some((k) => k.startsWith('address:') && k.includes('127.0.0.1'))).toBe(true);
  });
});
