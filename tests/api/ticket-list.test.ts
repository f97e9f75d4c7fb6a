import { setClock } from '../../src/time/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { call, listTickets, openTicket, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let alice: SignedIn;
const made: Ticket[] = [];

beforeAll(async () => {
  app = await startTestApp();
  [admin, agent, alice] = await Promise.all([signIn(app, 'admin'), signIn(app, 'agent'), signIn(app, 'customer')]);
  const priorities = ['low', 'medium', 'high', 'urgent'];
  for (let i = 0; i < 24; i++) {
    made.push(
      await openTicket(app, admin, {
        subject: i % 6 === 0 ? `Refund request ${i}` : `Question ${i}`,
        priority: priorities[i % 4],
        category: i % 2 === 0 ? 'billing' : 'technical',
        tags: i % 3 === 0 ? ['VIP', 'mobile'] : ['web'],
        customer_id: i % 2 === 0 ? alice.user.uuid : undefined,
      }),
    );
  }
  // Spread creation times a minute apart, oldest first, so ranges and orders are exact.
  for (const [i, ticket] of made.entries()) {
    const createdAt = `2026-01-01 10:${String(i).padStart(2, '0')}:00.000`;
    await app.db('cases').where({ uuid: ticket.id }).update({ created_at: createdAt });
    // Tag rows repeat the creation time (a tag's list is read in order off them).
    await app.db('case_tags').whereIn('case_id', app.db('cases').select('id').where({ uuid: ticket.id })).update({ case_created_at: createdAt });
  }
  for (const ticket of made.slice(0, 4)) await call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid });
});

afterAll(() => app.close());

const ids = (tickets: Ticket[]) => tickets.map((t) => t.id);

describe('GET /api/v1/tickets filters', () => {
  it('combines status, priority, category and tag (case-insensitive)', async () => {
    const page = await listTickets(app, admin, '?status=open&priority=high,urgent&category=billing&tag=vip');
    const expected = made.filter((_, i) => i >= 4 && i % 3 === 0 && i % 2 === 0 && i % 4 >= 2);
    expect(ids(page.items).sort()).toEqual(ids(expected).sort());
    expect(page.total).toBe(expected.length);
  });

  it('filters by assignee (an id, me, none), customer email, source and a created range', async () => {
    expect(ids((await listTickets(app, admin, `?assignee_id=${agent.user.uuid}&limit=100`)).items).sort()).toEqual(ids(made.slice(0, 4)).sort());
    expect(ids((await listTickets(app, agent, '?assignee_id=me&limit=100')).items).sort()).toEqual(ids(made.slice(0, 4)).sort());
    expect((await listTickets(app, admin, '?assignee_id=none&limit=100')).total).toBe(20);
    expect((await listTickets(app, admin, `?customer_email=${encodeURIComponent(alice.user.email!.toUpperCase())}&limit=100`)).total).toBe(12);
    expect((await listTickets(app, admin, '?customer_email=nobody@example.com')).total).toBe(0);
    expect((await listTickets(app, admin, '?source=api&limit=100')).total).toBe(24);
    const range = await listTickets(app, admin, '?created_from=2026-01-01T10:05:00Z&created_to=2026-01-01T10:08:00Z&sort=created_at');
    expect(ids(range.items)).toEqual(ids(made.slice(5, 8)));
  });

  it("lists an agent's open work by status, newest first, with its exact total", async () => {
    await call(app, agent, 'PUT', `/tickets/${made[1]!.id}/status`, { status: 'in_progress' });
    const page = await listTickets(app, agent, '?assignee_id=me&status=assigned,in_progress,reopened&limit=2');
    expect(ids(page.items)).toEqual(ids([made[3]!, made[2]!]));
    expect(page).toMatchObject({ total: 4, total_exact: true });
    const working = await listTickets(app, admin, `?assignee_id=${agent.user.uuid}&status=in_progress`);
    expect(ids(working.items)).toEqual([made[1]!.id]);
    await call(app, agent, 'PUT', `/tickets/${made[1]!.id}/status`, { status: 'waiting' });
    expect((await listTickets(app, agent, '?assignee_id=me&status=assigned,in_progress,reopened')).total).toBe(3);
  });

  it('answers each ticket of a list exactly as it is read alone', async () => {
    // One instant for both reads, so the clocks' seconds left agree.
    const at = new Date();
    setClock(() => at);
    const lists: Array<[SignedIn, string]> = [
      [admin, '?limit=100'],
      [admin, `?assignee_id=${agent.user.uuid}`],
      // One assignee's, named in capitals: every row's assignee id is known without a join.
      [admin, `?assignee_id=${agent.user.uuid.toUpperCase()}&status=assigned,in_progress`],
      [agent, '?assignee_id=me&status=assigned,in_progress,reopened'],
      [admin, '?tag=vip&limit=100'],
      [admin, '?status=open,assigned&priority=high,low&limit=100'],
    ];
    for (const [who, query] of lists) {
      const page = await listTickets(app, who, query);
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of page.items) {
        const alone = await call(app, admin, 'GET', `/tickets/${item.id}`);
        expect(item).toEqual(await alone.json());
      }
    }
    setClock(undefined);
  });

  it('finds words in the subject with q, and takes % and _ literally', async () => {
    expect(ids((await listTickets(app, admin, '?q=refund&limit=100')).items).sort()).toEqual(ids(made.filter((_, i) => i % 6 === 0)).sort());
    expect((await listTickets(app, admin, '?q=%25')).total).toBe(0);
    expect((await listTickets(app, admin, '?q=_')).total).toBe(0);
  });

  it('needs every word of q, in any order and case', async () => {
    expect(ids((await listTickets(app, admin, '?q=REQUEST%20refund&limit=100')).items).sort()).toEqual(ids(made.filter((_, i) => i % 6 === 0)).sort());
    expect((await listTickets(app, admin, '?q=refund%20question')).total).toBe(0);
  });

  it("lists a tag's tickets newest first, page by page, and keeps archived ones for the admins' archived list", async () => {
    const web = made.filter((_, i) => i % 3 !== 0).reverse();
    const seen: Ticket[] = [];
    let page = await listTickets(app, admin, '?tag=WEB&limit=5');
    seen.push(...page.items);
    while (page.next_cursor) {
      page = await listTickets(app, admin, `?tag=web&limit=5&cursor=${page.next_cursor}`);
      seen.push(...page.items);
    }
    expect(ids(seen)).toEqual(ids(web));

    const archived = await openTicket(app, admin, { subject: 'Soon archived', tags: ['Gone'] });
    expect((await listTickets(app, admin, '?tag=gone')).total).toBe(1);
    expect((await call(app, admin, 'DELETE', `/tickets/${archived.id}`)).status).toBe(204);
    expect((await listTickets(app, admin, '?tag=gone')).total).toBe(0);
    expect(ids((await listTickets(app, admin, '?tag=gone&archived=true')).items)).toEqual([archived.id]);
  });

  it('sorts by priority, ties by id, both ways', async () => {
    const rank = { low: 1, medium: 2, high: 3, urgent: 4 } as Record<string, number>;
    const down = (await listTickets(app, admin, '?sort=-priority&limit=100')).items.map((t) => rank[t.priority]!);
    expect(down).toEqual([...down].sort((a, b) => b - a));
    const up = (await listTickets(app, admin, '?sort=priority&limit=100')).items.map((t) => rank[t.priority]!);
    expect(up).toEqual([...up].sort((a, b) => a - b));
  });

  it('refuses unknown filters and bad values with every field named', async () => {
    const response = await call(app, admin, 'GET', '/tickets?status=lost&priority=whenever&colour=red&sort=random&created_from=yesterday');
    expect(response.status).toBe(400);
    expect(Object.keys((await errorBody(response)).errors!).sort()).toEqual(['colour', 'created_from', 'priority', 'sort', 'status']);
  });
});

describe('pagination', () => {
  it('answers limit 0, over 100, a negative or non-numeric offset with 400, not a clamp', async () => {
    for (const query of ['?limit=0', '?limit=1000000', '?limit=101', '?offset=-1', '?offset=abc', '?limit=1.5']) {
      const response = await call(app, admin, 'GET', `/tickets${query}`);
      expect(response.status).toBe(400);
      expect((await errorBody(response)).code).toBe('VALIDATION_ERROR');
    }
    expect((await listTickets(app, admin, '?limit=100')).limit).toBe(100);
    expect((await listTickets(app, admin)).limit).toBe(20);
  });

  it('pages by offset with prev and next links, and by cursor without overlaps or gaps', async () => {
    const byOffset = await call(app, admin, 'GET', '/tickets?sort=created_at&limit=5&offset=5');
    const page = (await byOffset.json()) as { items: Ticket[]; offset: number; next_cursor: string };
    expect(ids(page.items)).toEqual(ids(made.slice(5, 10)));
    const link = byOffset.headers.get('link')!;
    expect(link).toContain('rel="next"');
    expect(link).toContain('/api/v1/tickets?sort=created_at&limit=5&offset=0>; rel="prev"');

    const seen: string[] = [];
    let next: string | null = '/api/v1/tickets?sort=created_at&limit=7';
    while (next) {
      const response = await app.request(next, { headers: admin.auth });
      const body = (await response.json()) as { items: Ticket[]; next_cursor: string | null; total: number };
      expect(body.total).toBe(24);
      seen.push(...ids(body.items));
      next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
      expect(next === null).toBe(body.next_cursor === null);
    }
    expect(seen).toEqual(ids(made));
  });

  it('pages the newest first, the whole desk and an assignee\'s tickets, by offset and by cursor', async () => {
    const newest = [...made].reverse();
    const mine = ids(made.slice(0, 4).reverse());
    expect(ids((await listTickets(app, admin, '?limit=5&offset=5')).items)).toEqual(ids(newest.slice(5, 10)));
    expect(ids((await listTickets(app, admin, `?assignee_id=${agent.user.uuid}&limit=2&offset=1`)).items)).toEqual(mine.slice(1, 3));
    for (const [query, expected] of [['', ids(newest)], [`&assignee_id=${agent.user.uuid}`, mine]] as const) {
      const seen: string[] = [];
      for (let cursor = ''; ; ) {
        const page = await listTickets(app, admin, `?limit=3${query}${cursor}`);
        seen.push(...ids(page.items));
        if (!page.next_cursor) break;
        cursor = `&cursor=${page.next_cursor}`;
      }
      expect(seen).toEqual(expected);
    }
  });

  it('pages a status × priority list in creation order both ways, by offset and by cursor, across its pairs', async () => {
    const query = 'status=open,assigned&priority=high,urgent,low';
    const matching = made.filter((_, i) => i % 4 !== 1);
    for (const [sort, expected] of [['-created_at', [...matching].reverse()], ['created_at', matching]] as const) {
      const byOffset = await listTickets(app, admin, `?${query}&sort=${sort}&limit=4&offset=3`);
      expect(ids(byOffset.items)).toEqual(ids(expected.slice(3, 7)));
      expect(byOffset.total).toBe(expected.length);
      const seen: string[] = [];
      for (let cursor = ''; ; ) {
        const page = await listTickets(app, admin, `?${query}&sort=${sort}&limit=5${cursor}`);
        seen.push(...ids(page.items));
        if (!page.next_cursor) break;
        cursor = `&cursor=${page.next_cursor}`;
      }
      expect(seen).toEqual(ids(expected));
    }
  });

  it('refuses a cursor with an offset, a cursor from another sort, and a forged cursor', async () => {
    const first = await listTickets(app, admin, '?sort=created_at&limit=3');
    expect((await call(app, admin, 'GET', `/tickets?cursor=${first.next_cursor}&offset=3`)).status).toBe(400);
    expect((await call(app, admin, 'GET', `/tickets?sort=-updated_at&cursor=${first.next_cursor}`)).status).toBe(400);
    expect((await call(app, admin, 'GET', '/tickets?cursor=bm90LWpzb24')).status).toBe(400);
  });
});

describe('a list compiled once (src/db/compiled.ts)', () => {
  it('reads the tickets as they are now, each time it runs', async () => {
    const query = '?tag=compiled-once&status=open,assigned&priority=high,urgent';
    expect((await listTickets(app, admin, query)).items).toEqual([]);
    const first = await openTicket(app, admin, { subject: 'Compiled once, first', priority: 'high', tags: ['compiled-once'] });
    expect(ids((await listTickets(app, admin, query)).items)).toEqual([first.id]);
    const second = await openTicket(app, admin, { subject: 'Compiled once, second', priority: 'urgent', tags: ['compiled-once'] });
    const both = await listTickets(app, admin, query);
    expect(ids(both.items)).toEqual([second.id, first.id]);
    expect(both.total).toBe(2);
    expect((await call(app, admin, 'DELETE', `/tickets/${second.id}`)).status).toBe(204);
    expect(ids((await listTickets(app, admin, query)).items)).toEqual([first.id]);
  });

  it("keeps each customer's list their own, for the very same query", async () => {
    const bob = await signIn(app, 'customer');
    const query = '?tag=compiled-own&status=open';
    const alices = await openTicket(app, admin, { subject: "Alice's compiled list", tags: ['compiled-own'], customer_id: alice.user.uuid });
    const bobs = await openTicket(app, admin, { subject: "Bob's compiled list", tags: ['compiled-own'], customer_id: bob.user.uuid });
    expect(ids((await listTickets(app, alice, query)).items)).toEqual([alices.id]);
    expect(ids((await listTickets(app, bob, query)).items)).toEqual([bobs.id]);
    expect(ids((await listTickets(app, admin, query)).items)).toEqual([bobs.id, alices.id]);
  });
});
