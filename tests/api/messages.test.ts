import type { TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { call, listTickets, openTicket, withCast, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let alice: SignedIn;
withCast((cast) => ({ app, admin, agent, customer: alice } = cast));

interface Message {
  id: string;
  ticket_id: string;
  content: string;
  visibility: string;
  direction: string;
  author_id: string | null;
}

const post = (who: SignedIn, ticket: Ticket, content: string, visibility?: string) =>
  call(app, who, 'POST', `/tickets/${ticket.id}/messages`, visibility ? { content, visibility } : { content });

async function messages(who: SignedIn, ticket: Ticket, query = ''): Promise<{ items: Message[]; total: number; limit: number }> {
  const response = await call(app, who, 'GET', `/tickets/${ticket.id}/messages${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Message[]; total: number; limit: number };
}

describe('messages on a ticket', () => {
  it('lists oldest first, 10 by default, with limit and offset', async () => {
    const ticket = await openTicket(app, alice);
    for (let i = 0; i < 12; i++) expect((await post(alice, ticket, `message ${i}`)).status).toBe(201);
    const first = await messages(alice, ticket);
    expect(first.limit).toBe(10);
    expect(first.total).toBe(12);
    expect(first.items.map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i}`));
    expect((await messages(alice, ticket, '?limit=5&offset=10')).items.map((m) => m.content)).toEqual(['message 10', 'message 11']);
    for (const bad of ['?limit=0', '?limit=1000000', '?offset=-1', '?limit=abc']) {
      const response = await call(app, alice, 'GET', `/tickets/${ticket.id}/messages${bad}`);
      expect(response.status).toBe(400);
    }
  });

  it('sets the first response on the first public staff reply only, and marks directions', async () => {
    const ticket = await openTicket(app, alice);
    await post(agent, ticket, 'looking into it (note)', 'internal');
    expect((await app.db('cases').where({ uuid: ticket.id }).first()).first_response_at).toBeNull();
    const reply = (await (await post(agent, ticket, 'We are on it')).json()) as Message;
    expect(reply).toMatchObject({ direction: 'outbound', visibility: 'public', author_id: agent.user.uuid, ticket_id: ticket.id });
    const firstResponse = (await app.db('cases').where({ uuid: ticket.id }).first()).first_response_at as string;
    expect(firstResponse).not.toBeNull();
    await post(agent, ticket, 'Second reply');
    expect((await app.db('cases').where({ uuid: ticket.id }).first()).first_response_at).toBe(firstResponse);
    expect(((await (await post(alice, ticket, 'thanks')).json()) as Message).direction).toBe('inbound');
  });

  it("moves a waiting ticket back to in progress on the customer's reply, in the history", async () => {
    const ticket = await openTicket(app, alice);
    for (const status of ['in_progress', 'waiting']) await call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status });
    await post(alice, ticket, 'here is the screenshot');
    const after = (await (await call(app, alice, 'GET', `/tickets/${ticket.id}`)).json()) as Ticket;
    expect(after.status).toBe('in_progress');
    const history = (await (await call(app, admin, 'GET', `/tickets/${ticket.id}/history`)).json()) as Array<{ field: string; to: string; actor_id: string }>;
    expect(history.at(-1)).toMatchObject({ field: 'status', to: 'in_progress', actor_id: alice.user.uuid });
  });

  it('never lets a customer write or read an internal note, on any route', async () => {
    const ticket = await openTicket(app, alice, { subject: 'printer jam' });
    const refused = await post(alice, ticket, 'sneaky', 'internal');
    expect(refused.status).toBe(403);
    expect((await errorBody(refused)).errors).toHaveProperty('visibility');

    await post(agent, ticket, 'customer seems confused about zebrafish', 'internal');
    await post(agent, ticket, 'Please restart the printer');
    const seen = await messages(alice, ticket);
    expect(seen.items.map((m) => m.content)).toEqual(['Please restart the printer']);
    expect(seen.total).toBe(1);
    // Nor through search: the customer's q finds nothing by the note's words; staff's does.
    expect((await listTickets(app, alice, '?q=zebrafish')).total).toBe(0);
    expect((await listTickets(app, admin, '?q=zebrafish')).items.map((t) => t.id)).toEqual([ticket.id]);
    expect((await listTickets(app, alice, '?q=restart')).items.map((t) => t.id)).toEqual([ticket.id]);
    // Staff see both.
    expect((await messages(agent, ticket)).total).toBe(2);
  });

  it('lets staff delete a message (kept, hidden), and nobody else', async () => {
    const ticket = await openTicket(app, alice);
    const message = (await (await post(alice, ticket, 'oops, my password is hunter2')).json()) as Message;
    expect((await call(app, alice, 'DELETE', `/tickets/${ticket.id}/messages/${message.id}`)).status).toBe(403);
    expect((await call(app, agent, 'DELETE', `/tickets/${ticket.id}/messages/${message.id}`)).status).toBe(204);
    expect((await messages(alice, ticket)).total).toBe(0);
    expect((await call(app, agent, 'DELETE', `/tickets/${ticket.id}/messages/${message.id}`)).status).toBe(404);
    expect(await app.db('messages').where({ uuid: message.id }).first()).toMatchObject({ content: 'oops, my password is hunter2' });
  });

  it("answers 404 for another customer's ticket, and 400 for an empty message", async () => {
    const bob = await signIn(app, 'customer');
    const ticket = await openTicket(app, alice);
    expect((await post(bob, ticket, 'hi')).status).toBe(404);
    expect((await call(app, bob, 'GET', `/tickets/${ticket.id}/messages`)).status).toBe(404);
    const empty = await post(alice, ticket, '   ');
    expect(empty.status).toBe(400);
    expect((await errorBody(empty)).errors).toHaveProperty('content');
  });
});
