import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { call, listTickets, openTicket, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let otherAgent: SignedIn;
let alice: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  [admin, agent, otherAgent, alice, bob] = await Promise.all([
    signIn(app, 'admin'),
    signIn(app, 'agent'),
    signIn(app, 'agent'),
    signIn(app, 'customer'),
    signIn(app, 'customer'),
  ]);
});

afterAll(() => app.close());

const status = (who: SignedIn, id: string, body: object) => call(app, who, 'PUT', `/tickets/${id}/status`, body);

describe('opening a ticket', () => {
  it('numbers it, gives it SLA deadlines by priority, and answers it with a Location', async () => {
    const response = await call(app, alice, 'POST', '/tickets', { subject: '  Invoice is wrong ', description: 'Charged twice', priority: 'high', tags: ['billing', 'Billing ', 'vip'] });
    expect(response.status).toBe(201);
    const ticket = (await response.json()) as Ticket;
    expect(response.headers.get('location')).toBe(`/api/v1/tickets/${ticket.id}`);
    expect(ticket).toMatchObject({ subject: 'Invoice is wrong', status: 'open', priority: 'high', tags: ['billing', 'vip'], customer_id: alice.user.uuid, source: 'api', assignee_id: null, archived: false });
    expect(ticket.number).toMatch(/^TICK-\d{8}-\d{4}$/);
    const created = Date.parse(ticket.created_at);
    expect(Date.parse(ticket.first_response_due_at!) - created).toBe(4 * 3600_000);
    expect(Date.parse(ticket.resolution_due_at!) - created).toBe(48 * 3600_000);
    expect(ticket.sla_breached).toEqual({ first_response: false, resolution: false });
  });

  it('keeps tags of any characters, in their order, on the single read and in the list', async () => {
    const tags = ['z-last-first', 'quote " and \\ backslash', 'ctl\u001f\u0001', 'line\nbreak', '😀 émoji', "it's", '[1,2]'];
    const ticket = await openTicket(app, alice, { subject: 'Odd tags', tags });
    expect(ticket.tags).toEqual(tags);
    expect(((await (await call(app, alice, 'GET', `/tickets/${ticket.id}`)).json()) as Ticket).tags).toEqual(tags);
    const listed = await listTickets(app, alice, `?tag=${encodeURIComponent('😀 émoji')}`);
    expect(listed.items.map((t) => t.tags)).toEqual([tags]);
    expect((await openTicket(app, alice, { subject: 'No tags' })).tags).toEqual([]);
  });

  it('takes critical as urgent and defaults to medium', async () => {
    expect((await openTicket(app, alice, { priority: 'critical' })).priority).toBe('urgent');
    expect((await openTicket(app, alice)).priority).toBe('medium');
  });

  it('refuses fields a customer may not set with 403 naming each', async () => {
    const response = await call(app, alice, 'POST', '/tickets', { subject: 'x', category: 'billing', assignee_id: agent.user.uuid, status: 'resolved' });
    expect(response.status).toBe(403);
    const body = await errorBody(response);
    expect(body.code).toBe('FORBIDDEN');
    expect(Object.keys(body.errors!).sort()).toEqual(['assignee_id', 'category', 'status']);
    expect(await app.db('cases').where({ subject: 'x' }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('lets staff open one for a customer by email, creating the customer', async () => {
    const ticket = await openTicket(app, agent, { customer_email: 'New.Person@Example.com', category: 'technical' });
    expect(ticket).toMatchObject({ customer_email: 'new.person@example.com', category: 'technical' });
    const customer = await app.db('users').where({ email: 'new.person@example.com' }).first();
    expect(customer).toMatchObject({ role: 'customer', password_hash: null });
    expect(ticket.customer_id).toBe(customer.uuid);
  });

  it('answers every invalid field at once, and an unknown customer_id as a 400', async () => {
    const response = await call(app, agent, 'POST', '/tickets', { subject: '   ', priority: 'whenever', tags: [''], colour: 'red' });
    expect(response.status).toBe(400);
    expect(Object.keys((await errorBody(response)).errors!).sort()).toEqual(['colour', 'priority', 'subject', 'tags.0']);
    const unknown = await call(app, agent, 'POST', '/tickets', { subject: 'x', customer_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect((await errorBody(unknown)).errors).toEqual({ customer_id: ['is not a customer'] });
  });

  it('gives 200 concurrent creations unique, gap-free numbers', async () => {
    const tickets = await Promise.all(Array.from({ length: 200 }, (_, i) => openTicket(app, agent, { subject: `burst ${i}` })));
    const numbers = tickets.map((t) => t.number);
    expect(new Set(numbers).size).toBe(200);
    const day = numbers[0]!.slice(5, 13);
    const all = (await app.db('cases').where('number', 'like', `TICK-${day}-%`).pluck('number')) as string[];
    const sequence = all.map((n) => Number(n.slice(14))).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, i) => i + 1));
  });
});

describe('who sees what', () => {
  let alices: Ticket;
  let bobs: Ticket;
  let agentsOwn: Ticket;
  let othersAgent: Ticket;

  beforeAll(async () => {
    alices = await openTicket(app, alice, { subject: 'alice private' });
    bobs = await openTicket(app, bob, { subject: 'bob private' });
    agentsOwn = await openTicket(app, admin, { subject: 'for agent' });
    othersAgent = await openTicket(app, admin, { subject: 'for the other agent' });
    expect((await call(app, admin, 'POST', `/tickets/${agentsOwn.id}/assign`, { agent_id: agent.user.uuid })).status).toBe(200);
    expect((await call(app, admin, 'POST', `/tickets/${othersAgent.id}/assign`, { agent_id: otherAgent.user.uuid })).status).toBe(200);
  });

  it("gives a customer 404 for another customer's ticket, by id, number, history and list", async () => {
    for (const path of [`/tickets/${bobs.id}`, `/tickets/${bobs.number}`, `/tickets/${bobs.id}/history`]) {
      const response = await call(app, alice, 'GET', path);
      expect(response.status).toBe(404);
      expect((await errorBody(response)).code).toBe('NOT_FOUND');
    }
    const page = await listTickets(app, alice, '?limit=100');
    expect(page.items.map((t) => t.id)).toContain(alices.id);
    expect(page.items.every((t) => t.customer_id === alice.user.uuid)).toBe(true);
    expect(page.total).toBe(page.items.length);
    expect((await call(app, alice, 'GET', `/tickets/${alices.number}`)).status).toBe(200);
  });

  it("shows an agent their tickets and unassigned ones, never another agent's", async () => {
    const ids = (await listTickets(app, agent, '?limit=100')).items.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([agentsOwn.id, alices.id]));
    expect(ids).not.toContain(othersAgent.id);
    expect((await call(app, agent, 'GET', `/tickets/${othersAgent.id}`)).status).toBe(404);
    expect((await call(app, agent, 'PUT', `/tickets/${othersAgent.id}/priority`, { priority: 'low' })).status).toBe(404);
  });

  it('shows an admin everything', async () => {
    const ids = (await listTickets(app, admin, '?limit=100')).items.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([alices.id, bobs.id, agentsOwn.id, othersAgent.id]));
  });

  it('keeps customers away from staff routes and staff fields', async () => {
    expect((await status(alice, alices.id, { status: 'closed' })).status).toBe(403);
    expect((await call(app, alice, 'PUT', `/tickets/${alices.id}/priority`, { priority: 'urgent' })).status).toBe(403);
    expect((await call(app, alice, 'POST', `/tickets/${alices.id}/assign`, { agent_id: agent.user.uuid })).status).toBe(403);
    expect((await call(app, alice, 'DELETE', `/tickets/${alices.id}`)).status).toBe(403);
    const patch = await call(app, alice, 'PATCH', `/tickets/${alices.id}`, { subject: 'clearer', priority: 'urgent' });
    expect(patch.status).toBe(403);
    expect((await errorBody(patch)).errors).toEqual({ priority: ['may not be set by a customer'] });
    const allowed = await call(app, alice, 'PATCH', `/tickets/${alices.id}`, { subject: 'clearer subject' });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as Ticket).subject).toBe('clearer subject');
  });
});

describe('the workflow', () => {
  const MOVES: Record<string, string[]> = {
    open: ['assigned', 'in_progress', 'closed', 'rejected'],
    assigned: ['in_progress', 'closed', 'rejected'],
    in_progress: ['waiting', 'resolved', 'closed', 'rejected'],
    waiting: ['in_progress'],
    resolved: ['closed', 'reopened'],
    closed: ['reopened'],
    reopened: ['in_progress', 'assigned'],
    rejected: ['reopened'],
  };
  const STATUSES = Object.keys(MOVES);

  async function ticketIn(state: string): Promise<Ticket> {
    const ticket = await openTicket(app, admin);
    const path: Record<string, string[]> = {
      open: [],
      assigned: ['assigned'],
      in_progress: ['in_progress'],
      waiting: ['in_progress', 'waiting'],
      resolved: ['in_progress', 'resolved'],
      closed: ['closed'],
      reopened: ['closed', 'reopened'],
      rejected: ['rejected'],
    };
    for (const step of path[state]!) expect((await status(admin, ticket.id, { status: step })).status).toBe(200);
    return ticket;
  }

  it.each(STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to, MOVES[from]!.includes(to)] as const)))(
    '%s → %s allowed: %s',
    async (from, to, allowed) => {
      const ticket = await ticketIn(from);
      const response = await status(admin, ticket.id, { status: to });
      if (allowed) {
        expect(response.status).toBe(200);
        expect(((await response.json()) as Ticket).status).toBe(to);
      } else {
        expect(response.status).toBe(409);
        expect((await errorBody(response)).code).toBe('INVALID_STATUS_TRANSITION');
        expect((await app.db('cases').where({ uuid: ticket.id }).first()).status).toBe(from);
      }
    },
  );

  it('reopens a closed ticket within 7 days only', async () => {
    const ticket = await ticketIn('closed');
    await app.db('cases').where({ uuid: ticket.id }).update({ closed_at: '2000-01-01 00:00:00.000' });
    const late = await status(admin, ticket.id, { status: 'reopened' });
    expect(late.status).toBe(409);
    expect((await errorBody(late)).message).toMatch(/within 7 days/);
  });

  it('keeps a resolution comment on resolve and reject, and refuses it elsewhere', async () => {
    const resolved = await ticketIn('in_progress');
    const response = await status(agent, resolved.id, { status: 'resolved', resolution_comment: 'Reset link re-sent' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Ticket;
    expect(body).toMatchObject({ status: 'resolved', resolution_comment: 'Reset link re-sent' });
    expect(body.resolved_at).not.toBeNull();

    const other = await ticketIn('open');
    const refused = await status(agent, other.id, { status: 'in_progress', resolution_comment: 'nope' });
    expect(refused.status).toBe(400);
    expect((await errorBody(refused)).errors).toHaveProperty('resolution_comment');
  });

  it('does not count time in waiting against the resolution deadline', async () => {
    const ticket = await ticketIn('waiting');
    const due = (await app.db('cases').where({ uuid: ticket.id }).first()).resolution_due_at as string;
    // Waiting for an hour, as far as the clock is concerned.
    const hourAgo = new Date(Date.now() - 3600_000).toISOString().replace('T', ' ').replace('Z', '');
    await app.db('cases').where({ uuid: ticket.id }).update({ sla_paused_at: hourAgo });
    const resumed = (await (await status(agent, ticket.id, { status: 'in_progress' })).json()) as Ticket;
    const moved = Date.parse(resumed.resolution_due_at!) - Date.parse(due.replace(' ', 'T') + 'Z');
    expect(moved).toBeGreaterThanOrEqual(3600_000);
    expect(moved).toBeLessThan(3600_000 + 60_000);
  });

  it('records every change in the history: who, field, from, to', async () => {
    const ticket = await ticketIn('open');
    await call(app, agent, 'PUT', `/tickets/${ticket.id}/priority`, { priority: 'urgent' });
    await status(agent, ticket.id, { status: 'in_progress' });
    const history = (await (await call(app, admin, 'GET', `/tickets/${ticket.number}/history`)).json()) as Array<Record<string, unknown>>;
    expect(history.map((h) => [h.field, h.from, h.to])).toEqual([
      ['created', null, 'open'],
      ['priority', 'medium', 'urgent'],
      ['status', 'open', 'in_progress'],
    ]);
    expect(history[1]).toMatchObject({ actor_type: 'user', actor_id: agent.user.uuid });
  });
});

describe('a change that changes nothing', () => {
  it('leaves updated_at and the history alone', async () => {
    const ticket = await openTicket(app, admin, { category: 'billing', priority: 'high' });
    const before = await app.db('cases').where({ uuid: ticket.id }).first();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const response = await call(app, agent, 'PATCH', `/tickets/${ticket.id}`, { category: 'billing', priority: 'high', subject: ticket.subject });
    expect(response.status).toBe(200);
    const after = await app.db('cases').where({ uuid: ticket.id }).first();
    expect(after.updated_at).toBe(before.updated_at);
    expect(await app.db('case_history').where({ case_id: after.id }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});

describe('priority and assignment', () => {
  it('moves the SLA deadlines with the priority', async () => {
    const ticket = await openTicket(app, admin, { priority: 'low' });
    const changed = (await (await call(app, agent, 'PUT', `/tickets/${ticket.id}/priority`, { priority: 'urgent' })).json()) as Ticket;
    expect(Date.parse(changed.first_response_due_at!) - Date.parse(ticket.created_at)).toBe(2 * 3600_000);
    expect(Date.parse(changed.resolution_due_at!) - Date.parse(ticket.created_at)).toBe(24 * 3600_000);
  });

  it('lets an agent take a ticket, not give it to someone else', async () => {
    const ticket = await openTicket(app, admin);
    const other = await call(app, agent, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: otherAgent.user.uuid });
    expect(other.status).toBe(403);
    const self = await call(app, agent, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid });
    expect(self.status).toBe(200);
    expect(await self.json()).toMatchObject({ assignee_id: agent.user.uuid, status: 'assigned' });
    expect((await call(app, agent, 'POST', `/tickets/${ticket.id}/assign`, { auto: true })).status).toBe(403);
    expect((await call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: alice.user.uuid })).status).toBe(400);
  });

  it('auto-assigns to the active agent with the fewest open tickets, ties to the least recently assigned', async () => {
    const fresh = await startTestApp();
    try {
      const boss = await signIn(fresh, 'admin');
      const a = await signIn(fresh, 'agent');
      const b = await signIn(fresh, 'agent');
      const inactive = await signIn(fresh, 'agent');
      await fresh.db('users').where({ id: inactive.user.id }).update({ active: false });
      const assign = async () => {
        const ticket = await openTicket(fresh, boss);
        return ((await (await call(fresh, boss, 'POST', `/tickets/${ticket.id}/assign`, { auto: true })).json()) as Ticket).assignee_id;
      };
      // Equal loads: never assigned counts as longest ago, then the older account; so a, b, a, b.
      const picks = [await assign(), await assign(), await assign(), await assign()];
      expect(picks).toEqual([a.user.uuid, b.user.uuid, a.user.uuid, b.user.uuid]);
      // a closes one of theirs: now a has fewer open tickets and gets the next.
      const aTickets = await listTickets(fresh, a, `?assignee_id=me`);
      await call(fresh, a, 'PUT', `/tickets/${aTickets.items[0]!.id}/status`, { status: 'closed' });
      expect(await assign()).toBe(a.user.uuid);
      expect(picks).not.toContain(inactive.user.uuid);
    } finally {
      await fresh.close();
    }
  });
});

describe('archiving', () => {
  it('lets admins archive; the ticket leaves every list but the admins’ archived one', async () => {
    const ticket = await openTicket(app, alice, { subject: 'to archive' });
    expect((await call(app, agent, 'DELETE', `/tickets/${ticket.id}`)).status).toBe(403);
    expect((await call(app, admin, 'DELETE', `/tickets/${ticket.id}`)).status).toBe(204);
    expect((await call(app, alice, 'GET', `/tickets/${ticket.id}`)).status).toBe(404);
    expect((await listTickets(app, admin, '?limit=100')).items.map((t) => t.id)).not.toContain(ticket.id);
    const archived = await listTickets(app, admin, '?archived=true&limit=100');
    expect(archived.items.map((t) => t.id)).toContain(ticket.id);
    expect(archived.items.every((t) => t.archived)).toBe(true);
    expect((await call(app, agent, 'GET', '/tickets?archived=true')).status).toBe(403);
    expect(await app.db('cases').where({ uuid: ticket.id }).first()).toMatchObject({ subject: 'to archive' });
  });
});

describe('rejections', () => {
  it('answers each malformed ticket request with the right status and field', async () => {
    const ticket = await openTicket(app, admin);
    const cases: Array<[SignedIn, string, string, unknown, number, string]> = [
      [admin, 'PUT', `/tickets/${ticket.id}`, { subject: 'no description' }, 400, 'description'],
      [admin, 'PATCH', `/tickets/${ticket.id}`, {}, 400, 'body'],
      [admin, 'POST', '/tickets', { subject: 'x', customer_id: alice.user.uuid, customer_email: 'a@example.com' }, 400, 'customer_email'],
      [admin, 'POST', '/tickets', { subject: 'x', customer_email: agent.user.email }, 400, 'customer_email'],
      [admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid, auto: true }, 400, 'body'],
      [admin, 'POST', `/tickets/${ticket.id}/assign`, { auto: false }, 400, 'auto'],
      [admin, 'PUT', `/tickets/${ticket.id}/status`, { status: 'lost' }, 400, 'status'],
      [admin, 'PUT', `/tickets/${ticket.id}/priority`, { priority: 'whenever' }, 400, 'priority'],
    ];
    for (const [who, method, path, body, expected, field] of cases) {
      const response = await call(app, who, method, path, body);
      expect({ method, path, body, status: response.status }).toEqual({ method, path, body, status: expected });
      const errors = (await errorBody(response)).errors ?? {};
      expect({ path, fields: Object.keys(errors).filter((key) => key === field || key.startsWith(`${field}.`)).length > 0 }).toEqual({ path, fields: true });
    }
  });

  it('answers 404 for a reference that is neither a UUID nor a number, and for an unknown number', async () => {
    for (const ref of ['not-a-ticket', 'TICK-20200101-0001', '00000000-0000-4000-8000-000000000000']) {
      expect((await call(app, admin, 'GET', `/tickets/${ref}`)).status).toBe(404);
      expect((await call(app, admin, 'PUT', `/tickets/${ref}/status`, { status: 'closed' })).status).toBe(404);
      expect((await call(app, admin, 'DELETE', `/tickets/${ref}`)).status).toBe(404);
    }
  });

  it('answers auto-assignment with no active agent as a 400', async () => {
    const lonely = await startTestApp();
    try {
      const boss = await signIn(lonely, 'admin');
      const ticket = await openTicket(lonely, boss);
      const response = await call(lonely, boss, 'POST', `/tickets/${ticket.id}/assign`, { auto: true });
      expect(response.status).toBe(400);
      expect((await errorBody(response)).errors).toEqual({ auto: ['no active agent'] });
    } finally {
      await lonely.close();
    }
  });
});
