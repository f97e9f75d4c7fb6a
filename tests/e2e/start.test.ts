import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runBuilt } from '../helpers/process.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(() => database.drop());

async function startOnce(env: Record<string, string>) {
  const running = runBuilt('dist/src/main.js', [], { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', ...env });
  const listening = await running.waitForLog(/^listening/);
  return { running, baseUrl: `http://127.0.0.1:${String(listening.port)}` };
}

async function stop(running: ReturnType<typeof runBuilt>) {
  running.child.kill('SIGTERM');
  return running.exited();
}

describe('the built service', () => {
  it('migrates, creates the first admin with a generated password printed once, and serves /health', async () => {
    const first = await startOnce({});
    const health = await fetch(first.baseUrl + '/health');
    expect(health.status).toBe(200);
    expect(await stop(first.running)).toBe(0);

    const printed = /Generated password: (\S+)/.exec(first.running.stdout());
    expect(printed).not.toBeNull();
    expect(first.running.stdout()).toContain('First admin account: admin@casehub.local');

    // The printed password works.
    const second = await startOnce({});
    const login = await fetch(second.baseUrl + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@casehub.local', password: printed![1] }),
    });
    expect(login.status).toBe(200);
    expect(await stop(second.running)).toBe(0);
    // Once only: the second start found the admin and printed nothing.
    expect(second.running.stdout()).not.toContain('Generated password');
    expect(second.running.stdout()).toMatch(/"migrations_applied":0/);
    // Two process starts, the first applying every migration: on MySQL, next to the other
    // suites running in parallel, that takes more than jest's default 5 s.
  }, 30_000);

  it('stops on SIGTERM with exit code 0, logging the shutdown', async () => {
    const { running } = await startOnce({});
    expect(await stop(running)).toBe(0);
    const messages = running
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^shutting down/), 'stopped']));
  });

  it('starts the workers with ROLE=all (saying where mail goes) and not with ROLE=api', async () => {
    const all = await startOnce({ MAIL_DIR: '/tmp/casehub-e2e-mail' });
    const started = await all.running.waitForLog(/^workers started/);
    expect(started).toMatchObject({ jobs: ['sla', 'email', 'automations', 'search', 'reports', 'classifier'], mail: '.eml files in /tmp/casehub-e2e-mail' });
    await stop(all.running);
    const api = await startOnce({ ROLE: 'api' });
    await stop(api.running);
    expect(api.running.stdout()).not.toContain('workers started');
  });

  it('logs JSON lines with the request id of each request', async () => {
    const { running, baseUrl } = await startOnce({});
    await fetch(baseUrl + '/health', { headers: { 'X-Request-Id': 'e2e-trace-1' } });
    const line = await running.waitForLog(/^request$/);
    expect(line).toMatchObject({ request_id: 'e2e-trace-1', method: 'GET', path: '/health', status: 200 });
    await stop(running);
  });
});
