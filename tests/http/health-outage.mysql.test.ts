import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, mysqlTargetOf, type TestDatabase } from '../helpers/database.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * The database really goes away: the app reaches MySQL through a proxy the test closes and
 * reopens. An embedded SQLite file cannot go away under an open connection, so this file runs
 * in the MySQL project only (`*.mysql.test.ts`, see jest.config.js).
 */

async function health(app: TestApp): Promise<{ status: number; body: { status: string; database: string } }> {
  const response = await app.request('/health');
  return { status: response.status, body: (await response.json()) as { status: string; database: string } };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('health while the database is down', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = mysqlTargetOf(database.url);
    proxy = new TcpProxy(target.host, target.port);
    await proxy.start();
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    app = await startTestApp({ databaseUrl: viaProxy.toString() });
  });

  afterAll(async () => {
    await app.close();
    await proxy.cut();
    await database.drop();
  });

  it('answers 503 unhealthy while MySQL is unreachable, and healthy again by itself when it returns', async () => {
    expect(await health(app)).toEqual({ status: 200, body: expect.objectContaining({ status: 'healthy' }) });

    await proxy.cut();
    const down = await eventually(() => health(app), (h) => h.status === 503);
    expect(down).toEqual({ status: 503, body: expect.objectContaining({ status: 'unhealthy', database: 'disconnected' }) });

    // Other routes that need the database say so in the contract's terms, not with a 500.
    const login = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'whatever-it-is' }),
    });
    expect(login.status).toBe(503);
    expect(((await login.json()) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');

    await proxy.restore();
    const up = await eventually(() => health(app), (h) => h.status === 200);
    expect(up).toEqual({ status: 200, body: expect.objectContaining({ status: 'healthy', database: 'connected' }) });
  });
});
