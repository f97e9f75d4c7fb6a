import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { call, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let agent: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  agent = await signIn(app, 'agent');
});

afterAll(() => app.close());

const create = (key: string, body: object, who = agent) => call(app, who, 'POST', '/tickets', body, { 'Idempotency-Key': key });
const count = async (subject: string) => Number(((await app.db('cases').where({ subject }).count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);

describe('Idempotency-Key on POST', () => {
  it('replays the first answer for the same key and body: one ticket', async () => {
    const first = await create('key-1', { subject: 'once only' });
    expect(first.status).toBe(201);
    const again = await create('key-1', { subject: 'once only' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(((await again.json()) as Ticket).number).toBe(((await first.json()) as Ticket).number);
    expect(await count('once only')).toBe(1);
  });

  it('answers 409 for the same key with another body', async () => {
    await create('key-2', { subject: 'first body' });
    const other = await create('key-2', { subject: 'second body' });
    expect(other.status).toBe(409);
    expect((await errorBody(other)).code).toBe('CONFLICT');
    expect(await count('second body')).toBe(0);
  });

  it('keeps keys apart per user, and runs concurrent duplicates once', async () => {
    const other = await signIn(app, 'agent');
    expect((await create('shared', { subject: 'per user' })).status).toBe(201);
    expect((await create('shared', { subject: 'per user' }, other)).headers.get('idempotent-replayed')).toBeNull();
    expect(await count('per user')).toBe(2);

    const answers = await Promise.all(Array.from({ length: 5 }, () => create('burst', { subject: 'burst once' })));
    expect(answers.map((a) => a.status).filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(await count('burst once')).toBe(1);
  });

  it('does not keep an error answer: the same key works once the request is fixed', async () => {
    const bad = await create('key-3', { subject: '' });
    expect(bad.status).toBe(400);
    // The same body again is evaluated again (and fails again), not replayed.
    expect((await create('key-3', { subject: '' })).headers.get('idempotent-replayed')).toBeNull();
    expect((await create('key-3', { subject: 'fixed' })).status).toBe(201);
  });

  it('forgets a key after 24 hours, and refuses an unusable key', async () => {
    await create('key-4', { subject: 'old key' });
    await app.db('idempotency_keys').where({ idempotency_key: 'key-4' }).update({ created_at: '2000-01-01 00:00:00.000' });
    expect((await create('key-4', { subject: 'old key' })).headers.get('idempotent-replayed')).toBeNull();
    expect(await count('old key')).toBe(2);
    const response = await create('x'.repeat(256), { subject: 'long key' });
    expect(response.status).toBe(400);
    expect((await errorBody(response)).errors).toHaveProperty('Idempotency-Key');
  });
});
