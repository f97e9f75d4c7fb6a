import { randomUUID } from 'node:crypto';
import { setClock } from '../../src/time/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { listTickets } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
const MANY = 1005;

/** `count` open tickets written straight to the table: through the API a thousand would take minutes. */
async function insertTickets(count: number, fields: { category?: string; day: string }): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    uuid: randomUUID(),
    number: `TICK-${fields.day}-${String(i + 1).padStart(4, '0')}`,
    source: 'api',
    subject: `Bulk ticket ${i}`,
    status: 'open',
    priority: 'medium',
    category: fields.category ?? null,
    archived: false,
    created_at: '2026-01-01 10:00:00.000',
    updated_at: '2026-01-01 10:00:00.000',
  }));
  for (let i = 0; i < rows.length; i += 200) await app.db('cases').insert(rows.slice(i, i + 200));
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await signIn(app, 'admin');
  await insertTickets(MANY, { day: '20260101' });
});

afterAll(() => app.close());

describe('ticket list totals', () => {
  it('counts exactly up to 1,000 matches past the offset, and says when it stopped there', async () => {
    const first = await listTickets(app, admin, '?limit=5');
    expect(first).toMatchObject({ total: 1000, total_exact: false });
    const later = await listTickets(app, admin, '?limit=5&offset=10');
    expect(later).toMatchObject({ total: MANY, total_exact: true });
    expect(await listTickets(app, admin, '?status=open&limit=5')).toMatchObject({ total: 1000, total_exact: false });
    expect(await listTickets(app, admin, '?priority=high')).toMatchObject({ total: 0, total_exact: true });
  });

  it('counts a cursor page from the start of the list', async () => {
    const first = await listTickets(app, admin, '?limit=5');
    const next = await listTickets(app, admin, `?limit=5&cursor=${first.next_cursor}`);
    expect(next).toMatchObject({ total: 1000, total_exact: false, offset: 0 });
    expect(next.items.map((t) => t.id)).not.toContain(first.items[0]!.id);
  });
});

// Last in this file: it adds tickets the totals above do not expect.
describe('a total past the cap', () => {
  afterEach(() => setClock(undefined));

  it('is believed for ten seconds without counting again; a total under the cap is counted every time', async () => {
    await insertTickets(1002, { category: 'feature_request', day: '20260102' });
    const query = '?category=feature_request&limit=5';
    expect(await listTickets(app, admin, query)).toMatchObject({ total: 1000, total_exact: false });

    const archive = async (count: number) => {
      const ids = await app.db('cases').where({ category: 'feature_request', archived: false }).limit(count).pluck('id');
      await app.db('cases').whereIn('id', ids).update({ archived: true });
    };
    await archive(10);
    const start = Date.now();
    setClock(() => new Date(start + 9_000));
    expect(await listTickets(app, admin, query)).toMatchObject({ total: 1000, total_exact: false });
    setClock(() => new Date(start + 11_000));
    expect(await listTickets(app, admin, query)).toMatchObject({ total: 992, total_exact: true });

    await archive(1);
    expect(await listTickets(app, admin, query)).toMatchObject({ total: 991, total_exact: true });
  });

  it('is counted again by one request once the ten seconds are over, while the others answer the cap', async () => {
    await insertTickets(1002, { category: 'billing', day: '20260103' });
    const query = '?category=billing&limit=5';
    expect(await listTickets(app, admin, query)).toMatchObject({ total: 1000, total_exact: false });

    const counts: string[] = [];
    const capture = (q: { sql: string }) => {
      if (/count\(\*\)/i.test(q.sql)) counts.push(q.sql);
    };
    app.db.on('query', capture);
    try {
      const later = Date.now() + 11_000;
      setClock(() => new Date(later));
      const answers = await Promise.all(Array.from({ length: 6 }, () => listTickets(app, admin, query)));
      expect(answers.map((answer) => [answer.total, answer.total_exact])).toEqual(Array.from({ length: 6 }, () => [1000, false]));
      expect(counts).toHaveLength(1);
    } finally {
      app.db.off('query', capture);
    }
  });

  it('comes with the page in one statement; a page past the end counts alone', async () => {
    await insertTickets(3, { category: 'general', day: '20260104' });
    const statements: string[] = [];
    const capture = (q: { sql: string }) => {
      if (/`cases`/.test(q.sql)) statements.push(q.sql);
    };
    app.db.on('query', capture);
    try {
      expect(await listTickets(app, admin, '?category=general&limit=2')).toMatchObject({ total: 3, total_exact: true });
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/count\(\*\).*list_total/s);

      statements.length = 0;
      expect(await listTickets(app, admin, '?category=technical')).toMatchObject({ items: [], total: 0, total_exact: true });
      expect(statements).toHaveLength(1);

      statements.length = 0;
      expect(await listTickets(app, admin, '?category=general&offset=5')).toMatchObject({ items: [], total: 3, total_exact: true });
      expect(statements).toHaveLength(2);
    } finally {
      app.db.off('query', capture);
    }
  });
});
