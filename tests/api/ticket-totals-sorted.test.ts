import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { listTickets } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

// An agent's tickets in several statuses are read in several ranges and sorted, so the page
// counts its matches as it sorts them (src/tickets/list.ts); these totals must be the same as
// those counted apart.

let app: TestApp;
let agent: SignedIn;
let otherAgent: SignedIn;
let day = 0;

const OPEN_WORK = '?assignee_id=me&status=assigned,in_progress,reopened';

/** Tickets written straight to the table, one a minute from `start`, cycling through `statuses`. */
async function insertTickets(count: number, fields: { assigneeId: number; statuses: string[]; archived?: boolean; start: string }): Promise<void> {
  day += 1;
  const start = Date.parse(fields.start);
  const rows = Array.from({ length: count }, (_, i) => {
    const at = new Date(start + i * 60_000).toISOString().replace('T', ' ').replace('Z', '');
    return {
      uuid: randomUUID(),
      number: `TICK-202601${String(day).padStart(2, '0')}-${String(i + 1).padStart(4, '0')}`,
      source: 'api',
      subject: `Sorted ticket ${i}`,
      status: fields.statuses[i % fields.statuses.length],
      priority: 'medium',
      assignee_id: fields.assigneeId,
      archived: fields.archived ?? false,
      created_at: at,
      updated_at: at,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await app.db('cases').insert(rows.slice(i, i + 200));
}

/** The answer to one list request, and the statements on `cases` it ran. */
async function listWithStatements(who: SignedIn, query: string) {
  const statements: string[] = [];
  const capture = (q: { sql: string }) => {
    if (/\bfrom `?cases`?/i.test(q.sql)) statements.push(q.sql);
  };
  app.db.on('query', capture);
  try {
    return { page: await listTickets(app, who, query), statements };
  } finally {
    app.db.off('query', capture);
  }
}

beforeAll(async () => {
  app = await startTestApp();
  agent = await signIn(app, 'agent');
  otherAgent = await signIn(app, 'agent');
  await insertTickets(7, { assigneeId: agent.user.id, statuses: ['assigned', 'in_progress', 'reopened'], start: '2026-01-01T10:00:00Z' });
  // Not the agent's open work: other statuses, archived, or someone else's.
  await insertTickets(3, { assigneeId: agent.user.id, statuses: ['resolved', 'waiting'], start: '2026-01-01T11:00:00Z' });
  await insertTickets(2, { assigneeId: agent.user.id, statuses: ['assigned'], archived: true, start: '2026-01-01T12:00:00Z' });
  await insertTickets(4, { assigneeId: otherAgent.user.id, statuses: ['assigned', 'in_progress'], start: '2026-01-01T13:00:00Z' });
});

afterAll(() => app.close());

describe("an agent's tickets in several statuses", () => {
  it('are counted exactly by the page itself, in one statement', async () => {
    const { page, statements } = await listWithStatements(agent, `${OPEN_WORK}&limit=3`);
    expect(page).toMatchObject({ total: 7, total_exact: true });
    expect(page.items.map((t) => t.subject)).toEqual(['Sorted ticket 6', 'Sorted ticket 5', 'Sorted ticket 4']);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/count\(\*\) over \(\)/i);
  });

  it('count every match on a later page, and alone on a page past the end', async () => {
    const later = await listWithStatements(agent, `${OPEN_WORK}&limit=3&offset=6`);
    expect(later.page).toMatchObject({ total: 7, total_exact: true });
    expect(later.page.items.map((t) => t.subject)).toEqual(['Sorted ticket 0']);
    const past = await listWithStatements(agent, `${OPEN_WORK}&offset=20`);
    expect(past.page).toMatchObject({ items: [], total: 7, total_exact: true });
    expect(past.statements).toHaveLength(2);
  });

  it('count a cursor page from the start of the list, not from the cursor', async () => {
    const first = await listTickets(app, agent, `${OPEN_WORK}&limit=3`);
    const { page, statements } = await listWithStatements(agent, `${OPEN_WORK}&limit=3&cursor=${first.next_cursor}`);
    expect(page).toMatchObject({ total: 7, total_exact: true });
    expect(page.items.map((t) => t.subject)).toEqual(['Sorted ticket 3', 'Sorted ticket 2', 'Sorted ticket 1']);
    expect(statements.join('\n')).not.toMatch(/over \(\)/i);
  });

  it('are counted apart in one status, which the index holds in order', async () => {
    const { page, statements } = await listWithStatements(agent, '?assignee_id=me&status=in_progress');
    expect(page).toMatchObject({ total: 2, total_exact: true });
    expect(statements.join('\n')).not.toMatch(/over \(\)/i);
  });

  it('stop at the cap past the offset, and say so', async () => {
    await insertTickets(1_000, { assigneeId: otherAgent.user.id, statuses: ['assigned', 'reopened'], start: '2026-02-01T10:00:00Z' });
    expect(await listTickets(app, otherAgent, `${OPEN_WORK}&limit=5`)).toMatchObject({ total: 1000, total_exact: false });
    expect(await listTickets(app, otherAgent, `${OPEN_WORK}&limit=5&offset=10`)).toMatchObject({ total: 1004, total_exact: true });
  });
});
