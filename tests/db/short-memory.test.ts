import { SharedBelief } from '../../src/db/short-memory.js';
import { setClock } from '../../src/time/clock.js';
import { activeUser } from '../../src/users/active-users.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/users.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.close());
afterEach(() => setClock(undefined));

/** An `ask` that answers only when told to, counting how often it was asked. */
function heldAsk<V>() {
  const held = { asked: 0, release: (_value: V | undefined) => {} };
  const ask = () => {
    held.asked++;
    return new Promise<V | undefined>((resolve) => {
      held.release = resolve;
    });
  };
  return { held, ask };
}

/** A belief of one second that answered `first` at the start; `at(ms)` moves the clock to start + ms. */
async function believing(first: string) {
  const belief = new SharedBelief<string>(1000);
  const start = Date.now();
  const at = (ms: number) => setClock(() => new Date(start + ms));
  at(0);
  expect(await belief.answer(app.db, 'k', async () => first)).toBe(first);
  return { belief, at };
}

describe('a shared belief', () => {
  it('is asked once while believed, and again by one caller when its time is over; the others keep the old answer', async () => {
    const { belief, at } = await believing('first');
    expect(await belief.answer(app.db, 'k', async () => 'not asked')).toBe('first');

    at(1001);
    const { held, ask } = heldAsk<string>();
    const asking = belief.answer(app.db, 'k', ask);
    const others = await Promise.all([belief.answer(app.db, 'k', ask), belief.answer(app.db, 'k', ask)]);
    expect(others).toEqual(['first', 'first']);
    expect(held.asked).toBe(1);
    held.release('second');
    expect(await asking).toBe('second');
    expect(await belief.answer(app.db, 'k', async () => 'not asked')).toBe('second');
  });

  it('forgets an undefined answer, lets the next caller ask after a failed one, and always asks when not trusted', async () => {
    const { belief, at } = await believing('first');
    expect(await belief.answer(app.db, 'k', async () => 'asked anyway', false)).toBe('asked anyway');

    at(1001);
    await expect(belief.answer(app.db, 'k', () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(await belief.answer(app.db, 'k', async () => undefined)).toBeUndefined();
    expect(await belief.answer(app.db, 'k', async () => 'third')).toBe('third');
  });

  it('keeps the old answer no longer than twice its time, however long the asking takes', async () => {
    const { belief, at } = await believing('first');
    at(1001);
    const { held, ask } = heldAsk<string>();
    const asking = belief.answer(app.db, 'k', ask);
    at(2001);
    expect(await belief.answer(app.db, 'k', async () => 'asked again')).toBe('asked again');
    held.release('late');
    await asking;
  });
});

describe('the signed-in user of a read', () => {
  it('is read again by one request once its second of trust is over, not by every request in flight', async () => {
    const reader = await signIn(app, 'agent');
    const reads: string[] = [];
    const capture = (q: { sql: string; bindings?: unknown[] }) => {
      if (/from `users`/.test(q.sql) && q.bindings?.includes(reader.user.uuid)) reads.push(q.sql);
    };
    expect(await activeUser(app.db, reader.user.uuid, true)).toMatchObject({ uuid: reader.user.uuid });
    app.db.on('query', capture);
    try {
      const later = new Date(Date.now() + 1001);
      setClock(() => later);
      const users = await Promise.all(Array.from({ length: 6 }, () => activeUser(app.db, reader.user.uuid, true)));
      expect(users.map((user) => user?.uuid)).toEqual(Array.from({ length: 6 }, () => reader.user.uuid));
      expect(reads).toHaveLength(1);
      await activeUser(app.db, reader.user.uuid, false);
      expect(reads).toHaveLength(2);
    } finally {
      app.db.off('query', capture);
    }
  });
});
