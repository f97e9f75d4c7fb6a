import type { TestApp } from '../helpers/app.js';
import { errorBody, jsonRequest } from '../helpers/json.js';
import { call, openTicket, withCast, type Ticket, type TicketPage } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let alice: SignedIn;
withCast((cast) => ({ app, admin, agent, customer: alice } = cast));

interface User {
  id: string;
  email: string;
  role: string;
  first_name: string;
  phone: string | null;
  active: boolean;
}

describe('customers', () => {
  it('lets staff create, read, change and find a customer; a duplicate email is 409', async () => {
    const created = await call(app, agent, 'POST', '/customers', { email: 'Grace@Example.com', first_name: 'Grace', last_name: 'Hopper', phone: '+1 555 0100' });
    expect(created.status).toBe(201);
    const grace = (await created.json()) as User;
    expect(grace).toMatchObject({ email: 'grace@example.com', role: 'customer', first_name: 'Grace', active: true });
    expect((await call(app, agent, 'POST', '/customers', { email: 'grace@example.com' })).status).toBe(409);

    const patched = await call(app, agent, 'PATCH', `/customers/${grace.id}`, { phone: null });
    expect(((await patched.json()) as User).phone).toBeNull();
    expect((await call(app, agent, 'PUT', `/customers/${grace.id}`, { email: alice.user.email })).status).toBe(409);
    const found = (await (await call(app, agent, 'GET', '/customers?q=hopper')).json()) as { items: User[]; total: number };
    expect(found.items.map((u) => u.id)).toEqual([grace.id]);
    expect((await call(app, agent, 'GET', '/customers?colour=red')).status).toBe(400);
    const badEmail = await call(app, agent, 'POST', '/customers', { email: 'not-an-email', phone: 12 });
    expect(badEmail.status).toBe(400);
    expect(Object.keys((await errorBody(badEmail)).errors!).sort()).toEqual(['email', 'phone']);
    expect((await call(app, agent, 'PATCH', `/customers/${grace.id}`, {})).status).toBe(400);
  });

  it('lets a customer read only themselves, and no customer list', async () => {
    expect((await call(app, alice, 'GET', `/customers/${alice.user.uuid}`)).status).toBe(200);
    const other = await signIn(app, 'customer');
    expect((await call(app, alice, 'GET', `/customers/${other.user.uuid}`)).status).toBe(404);
    expect((await call(app, alice, 'GET', '/customers')).status).toBe(403);
    expect((await call(app, alice, 'PATCH', `/customers/${alice.user.uuid}`, { first_name: 'x' })).status).toBe(403);
    // An agent's id is not a customer's.
    expect((await call(app, admin, 'GET', `/customers/${agent.user.uuid}`)).status).toBe(404);
  });

  it("lists a customer's tickets within what the caller may see", async () => {
    const mine = await openTicket(app, alice, { subject: 'mine' });
    const page = (await (await call(app, alice, 'GET', `/customers/${alice.user.uuid}/tickets`)).json()) as TicketPage;
    expect(page.items.map((t) => t.id)).toContain(mine.id);
    const staffView = (await (await call(app, admin, 'GET', `/customers/${alice.user.uuid}/tickets?status=open`)).json()) as TicketPage;
    expect(staffView.items.every((t) => t.customer_id === alice.user.uuid && t.status === 'open')).toBe(true);
  });

  it('deactivates on delete (admins only): no more logins, tickets kept', async () => {
    const bob = await signIn(app, 'customer');
    const ticket = await openTicket(app, bob);
    expect((await call(app, agent, 'DELETE', `/customers/${bob.user.uuid}`)).status).toBe(403);
    expect((await call(app, admin, 'DELETE', `/customers/${bob.user.uuid}`)).status).toBe(204);
    expect((await call(app, bob, 'GET', '/auth/me')).status).toBe(401);
    expect((await app.request('/api/v1/auth/login', jsonRequest('POST', { email: bob.user.email, password: 'a-test-password-123' }))).status).toBe(401);
    expect((await call(app, admin, 'GET', `/tickets/${ticket.id}`)).status).toBe(200);
  });
});

describe('agents', () => {
  it('lets admins create agents who can log in; not agents, not customers', async () => {
    const body = { email: 'operator@example.com', password: 'a-long-passphrase', first_name: 'Olga' };
    expect((await call(app, agent, 'POST', '/agents', body)).status).toBe(403);
    expect((await call(app, alice, 'POST', '/agents', body)).status).toBe(403);
    const created = await call(app, admin, 'POST', '/agents', body);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ email: 'operator@example.com', role: 'agent' });
    expect((await app.request('/api/v1/auth/login', jsonRequest('POST', { email: body.email, password: body.password }))).status).toBe(200);
    expect((await call(app, admin, 'POST', '/agents', body)).status).toBe(409);
    const short = await call(app, admin, 'POST', '/agents', { email: 'another@example.com', password: 'short' });
    expect(short.status).toBe(400);
    expect((await errorBody(short)).errors).toHaveProperty('password');
    const list = (await (await call(app, agent, 'GET', '/agents?q=operator')).json()) as { items: User[] };
    expect(list.items.map((u) => u.email)).toEqual(['operator@example.com']);
    expect((await call(app, alice, 'GET', '/agents')).status).toBe(403);
  });

  it("lists an agent's tickets; an unknown agent is 404", async () => {
    const ticket = await openTicket(app, admin);
    await call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid });
    const page = (await (await call(app, admin, 'GET', `/agents/${agent.user.uuid}/tickets`)).json()) as TicketPage;
    expect(page.items.map((t) => t.id)).toContain(ticket.id);
    expect(page.items.every((t) => t.assignee_id === agent.user.uuid)).toBe(true);
    const missing = await call(app, admin, 'GET', '/agents/00000000-0000-4000-8000-000000000000/tickets');
    expect(missing.status).toBe(404);
    expect((await errorBody(missing)).code).toBe('NOT_FOUND');
  });
});

describe('the seed flow, end to end', () => {
  it('customer, operator, request, assignment, completion, rejection, the list, archiving', async () => {
    const customer = (await (await call(app, admin, 'POST', '/customers', { email: 'seed.customer@example.com', first_name: 'Sam' })).json()) as User;
    const operator = (await (await call(app, admin, 'POST', '/agents', { email: 'seed.operator@example.com', password: 'operator-passphrase' })).json()) as User;

    const first = (await (await call(app, admin, 'POST', '/tickets', { subject: 'Broken export', description: 'CSV export fails', customer_id: customer.id })).json()) as Ticket;
    const second = (await (await call(app, admin, 'POST', '/tickets', { subject: 'Feature wish', customer_email: 'seed.customer@example.com' })).json()) as Ticket;
    expect(second.customer_id).toBe(customer.id);

    const assigned = (await (await call(app, admin, 'POST', `/tickets/${first.id}/assign`, { agent_id: operator.id })).json()) as Ticket;
    expect(assigned).toMatchObject({ status: 'assigned', assignee_id: operator.id });
    expect((await call(app, admin, 'PUT', `/tickets/${first.id}/status`, { status: 'in_progress' })).status).toBe(200);
    const done = (await (await call(app, admin, 'PUT', `/tickets/${first.id}/status`, { status: 'resolved', resolution_comment: 'Fixed in 2.3.1' })).json()) as Ticket;
    expect(done).toMatchObject({ status: 'resolved', resolution_comment: 'Fixed in 2.3.1' });

    const rejected = (await (await call(app, admin, 'PUT', `/tickets/${second.id}/status`, { status: 'rejected', resolution_comment: 'Out of scope' })).json()) as Ticket;
    expect(rejected).toMatchObject({ status: 'rejected', resolution_comment: 'Out of scope' });

    const list = (await (await call(app, admin, 'GET', `/customers/${customer.id}/tickets?sort=created_at`)).json()) as TicketPage;
    expect(list.items.map((t) => [t.number, t.status])).toEqual([
      [first.number, 'resolved'],
      [second.number, 'rejected'],
    ]);

    expect((await call(app, admin, 'DELETE', `/tickets/${second.number}`)).status).toBe(204);
    const after = (await (await call(app, admin, 'GET', `/customers/${customer.id}/tickets`)).json()) as TicketPage;
    expect(after.items.map((t) => t.id)).toEqual([first.id]);
  });
});
