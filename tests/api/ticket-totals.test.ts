import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { listTickets } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
const MANY = 1005;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signIn(app, 'admin');
  // More tickets than the list counts: written straight to the table, the API would take minutes.
  const rows = Array.from({ length: MANY }, (_, i) => ({
    uuid: randomUUID(),
    number: `TICK-20260101-${String(i + 1).padStart(4, '0')}`,
    source: 'api',
    subject: `Bulk ticket ${i}`,
    status: 'open',
    priority: 'medium',
    archived: false,
    created_at: '2026-01-01 10:00:00.000',
    updated_at: '2026-01-01 10:00:00.000',
  }));
  for (let i = 0; i < rows.length; i += 200) await app.db('cases').insert(rows.slice(i, i + 200));
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
