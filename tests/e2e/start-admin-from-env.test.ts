import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runBuilt } from '../helpers/process.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(() => database.drop());

describe('first start with ADMIN_EMAIL and ADMIN_PASSWORD', () => {
  it('creates that admin and prints no password', async () => {
    const running = runBuilt('dist/src/main.js', [], {
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_EMAIL: 'Ops@Example.com',
      ADMIN_PASSWORD: 'chosen-by-the-operator',
    });
    const listening = await running.waitForLog(/^listening/);
    const login = await fetch(`http://127.0.0.1:${String(listening.port)}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: 'chosen-by-the-operator' }),
    });
    expect(login.status).toBe(200);
    running.child.kill('SIGTERM');
    expect(await running.exited()).toBe(0);
    expect(running.stdout()).not.toContain('Generated password');
  });
});
