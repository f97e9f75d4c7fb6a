import { Notifier } from '../../src/mail/notifications.js';
import { setClock } from '../../src/time/clock.js';
import { checkSlaClocks } from '../../src/workers/sla.js';
import type { TestApp } from '../helpers/app.js';
import { caseBody, ingest, newIntegration, uid } from '../helpers/ingest.js';
import { errorBody } from '../helpers/json.js';
import { call, openTicket, withCast, type Ticket } from '../helpers/tickets.js';
import type { SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let alice: SignedIn;
withCast((cast) => ({ app, admin, agent, customer: alice } = cast));

const HOUR = 3600_000;
const notifier = new Notifier('http://localhost:3000');
// Whole seconds, so stored milliseconds compare exactly.
const T0 = Math.floor(Date.now() / 1000) * 1000;

/** Moves the app's clock to `hours` after T0. */
function at(hours: number): Date {
  const time = new Date(T0 + hours * HOUR);
  setClock(() => time);
  return time;
}
afterEach(() => setClock(undefined));

interface Clock {
  due_at: string | null;
  state: string;
  remaining_seconds: number | null;
}
type SlaTicket = Ticket & { sla: { first_response: Clock; resolution: Clock } };

async function read(ticket: Ticket, who: SignedIn = admin): Promise<SlaTicket> {
  const response = await call(app, who, 'GET', `/tickets/${ticket.id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SlaTicket;
}

const hoursAfterT0 = (iso: string | null) => (Date.parse(iso!) - T0) / HOUR;
const setStatus = (ticket: Ticket, status: string) => call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status });

async function historyOf(ticket: Ticket): Promise<Array<{ field: string; to: string | null; actor_type: string }>> {
  const response = await call(app, admin, 'GET', `/tickets/${ticket.id}/history`);
  return (await response.json()) as Array<{ field: string; to: string | null; actor_type: string }>;
}

async function mailsFor(ticket: Ticket): Promise<Array<{ kind: string; to_address: string }>> {
  return app.db('mail_outbox').whereIn('case_id', app.db('cases').select('id').where({ uuid: ticket.id })).orderBy('id').select('kind', 'to_address');
}

describe('SLA deadlines', () => {
  it.each([
    ['urgent', 2, 24],
    ['critical', 2, 24],
    ['high', 4, 48],
    ['medium', 8, 120],
    ['low', 24, 240],
  ])('gives a %s ticket its first response and resolution deadlines (%i h, %i h) and time left', async (priority, first, resolution) => {
    at(0);
    const ticket = await openTicket(app, alice, { priority });
    at(1);
    const view = await read(ticket);
    expect(hoursAfterT0(view.first_response_due_at)).toBe(first);
    expect(hoursAfterT0(view.resolution_due_at)).toBe(resolution);
    expect(view.sla.first_response).toEqual({ due_at: view.first_response_due_at, state: 'running', remaining_seconds: (first - 1) * 3600 });
    expect(view.sla.resolution).toEqual({ due_at: view.resolution_due_at, state: 'running', remaining_seconds: (resolution - 1) * 3600 });
  });

  it('leaves time in waiting out of the resolution deadline', async () => {
    at(0);
    const ticket = await openTicket(app, alice, { priority: 'urgent' });
    at(1);
    await setStatus(ticket, 'in_progress');
    await setStatus(ticket, 'waiting');
    at(4);
    const waiting = await read(ticket);
    expect(waiting.sla.resolution).toMatchObject({ state: 'paused', remaining_seconds: 23 * 3600 });
    await setStatus(ticket, 'in_progress');
    const resumed = await read(ticket);
    expect(hoursAfterT0(resumed.resolution_due_at)).toBe(24 + 3);
    expect(resumed.sla.resolution).toMatchObject({ state: 'running', remaining_seconds: 23 * 3600 });
    // The first response does not pause: it was due at 2 h and is late.
    expect(resumed.sla.first_response.state).toBe('breached');
  });

  it('moves both deadlines when the priority changes, from creation and keeping paused time out', async () => {
    at(0);
    const ticket = await openTicket(app, alice, { priority: 'low' });
    at(1);
    await setStatus(ticket, 'in_progress');
    await setStatus(ticket, 'waiting');
    at(3);
    await setStatus(ticket, 'in_progress');
    expect((await call(app, agent, 'PUT', `/tickets/${ticket.id}/priority`, { priority: 'high' })).status).toBe(200);
    const view = await read(ticket);
    expect(hoursAfterT0(view.first_response_due_at)).toBe(4);
    expect(hoursAfterT0(view.resolution_due_at)).toBe(48 + 2);
  });

  it('stops the first response clock at the first public staff reply, and both when resolved', async () => {
    at(0);
    const ticket = await openTicket(app, alice, { priority: 'urgent' });
    at(1);
    await call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'note', visibility: 'internal' });
    expect((await read(ticket)).sla.first_response.state).toBe('running');
    await call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'On it' });
    expect((await read(ticket)).sla.first_response).toMatchObject({ state: 'met', remaining_seconds: null });
    await setStatus(ticket, 'in_progress');
    await setStatus(ticket, 'resolved');
    at(100);
    expect((await read(ticket)).sla.resolution).toMatchObject({ state: 'met', remaining_seconds: null });
    await checkSlaClocks(app.db, notifier, at(100));
    const row = await app.db('cases').where({ uuid: ticket.id }).first();
    expect([row.first_response_warned_at, row.first_response_breached_at, row.resolution_warned_at, row.resolution_breached_at]).toEqual([null, null, null, null]);
  });

  it('measures a backdated ingested case from its own created time, recording a breach it arrives with', async () => {
    const crm = await newIntegration(app);
    const caseUid = uid();
    at(0);
    const created = new Date(T0 - 3 * HOUR).toISOString();
    const response = await ingest(app, crm, 'PUT', '/v1/case', caseBody({ caseUid, created, updated: created, priority: 'urgent' }));
    expect(response.status).toBe(201);
    const ticket = { id: ((await response.json()) as { id: string }).id } as Ticket;
    const view = await read(ticket);
    expect(hoursAfterT0(view.first_response_due_at)).toBe(-1);
    expect(view.sla.first_response).toMatchObject({ state: 'breached', remaining_seconds: -3600 });
    // Late on arrival: recorded on the ticket and in history, but not alerted by mail.
    expect((await app.db('cases').where({ uuid: ticket.id }).first()).first_response_breached_at).not.toBeNull();
    expect((await historyOf(ticket)).filter((h) => h.field.startsWith('sla_')).map((h) => [h.field, h.to])).toEqual([['sla_first_response', 'breached']]);
    await checkSlaClocks(app.db, notifier, at(0.1));
    expect(await mailsFor(ticket)).toEqual([]);
    // The resolution clock (due at 21 h) is still watched.
    expect(view.sla.resolution).toMatchObject({ state: 'running', remaining_seconds: 21 * 3600 });
  });
});

describe('the sla job', () => {
  it('warns at 80 % and records the breach once, on the ticket, in history and by mail', async () => {
    at(0);
    const ticket = await openTicket(app, alice, { priority: 'urgent' });
    await call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid });
    const already = (await mailsFor(ticket)).length;

    await checkSlaClocks(app.db, notifier, at(1.5));
    expect((await mailsFor(ticket)).length).toBe(already);
    await checkSlaClocks(app.db, notifier, at(1.61));
    await checkSlaClocks(app.db, notifier, at(1.7));
    const warned = await app.db('cases').where({ uuid: ticket.id }).first();
    expect(warned.first_response_warned_at).not.toBeNull();
    expect(warned.first_response_breached_at).toBeNull();
    expect((await mailsFor(ticket)).slice(already)).toEqual([{ kind: 'sla_warning', to_address: agent.user.email }]);

    for (const hours of [2.01, 2.5, 3, 10]) await checkSlaClocks(app.db, notifier, at(hours));
    const breached = await app.db('cases').where({ uuid: ticket.id }).first();
    expect(breached.first_response_breached_at).not.toBeNull();
    const breachMails = (await mailsFor(ticket)).filter((m) => m.kind === 'sla_breach');
    expect(breachMails.map((m) => m.to_address).sort()).toEqual([agent.user.email, admin.user.email].sort());
    const sla = (await historyOf(ticket)).filter((h) => h.field === 'sla_first_response');
    expect(sla.map((h) => [h.to, h.actor_type])).toEqual([
      ['warning', 'system'],
      ['breached', 'system'],
    ]);
    // Answering late does not undo a recorded breach.
    await call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'Sorry for the wait' });
    expect((await read(ticket)).sla_breached.first_response).toBe(true);
  });

  it('warns the admins about a ticket nobody has, and never breaches a paused or finished clock', async () => {
    at(0);
    const unassigned = await openTicket(app, alice, { priority: 'urgent' });
    const paused = await openTicket(app, alice, { priority: 'urgent' });
    await call(app, agent, 'POST', `/tickets/${paused.id}/messages`, { content: 'Need more details' });
    await setStatus(paused, 'in_progress');
    await setStatus(paused, 'waiting');
    await checkSlaClocks(app.db, notifier, at(1.7));
    expect((await mailsFor(unassigned)).filter((m) => m.kind === 'sla_warning').map((m) => m.to_address)).toContain(admin.user.email);
    await checkSlaClocks(app.db, notifier, at(30));
    const row = await app.db('cases').where({ uuid: paused.id }).first();
    expect(row.resolution_breached_at).toBeNull();
    expect(row.first_response_breached_at).toBeNull();
    expect((await read(paused)).sla.resolution.state).toBe('paused');
  });
});

describe('/sla-policies', () => {
  it('lists the contract defaults, most urgent first', async () => {
    const response = await call(app, admin, 'GET', '/sla-policies');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { items: unknown[] }).items).toEqual([
      { priority: 'urgent', first_response_minutes: 120, resolution_minutes: 1440 },
      { priority: 'high', first_response_minutes: 240, resolution_minutes: 2880 },
      { priority: 'medium', first_response_minutes: 480, resolution_minutes: 7200 },
      { priority: 'low', first_response_minutes: 1440, resolution_minutes: 14400 },
    ]);
  });

  it('applies changed targets to new tickets and keeps the deadlines already given', async () => {
    at(0);
    const before = await openTicket(app, alice, { priority: 'high' });
    const response = await call(app, admin, 'PUT', '/sla-policies/high', { first_response_minutes: 30, resolution_minutes: 600 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ priority: 'high', first_response_minutes: 30, resolution_minutes: 600 });
    const after = await openTicket(app, alice, { priority: 'high' });
    expect(hoursAfterT0(after.first_response_due_at)).toBe(0.5);
    expect(hoursAfterT0(after.resolution_due_at)).toBe(10);
    expect(hoursAfterT0((await read(before)).first_response_due_at)).toBe(4);
    await call(app, admin, 'PUT', '/sla-policies/high', { first_response_minutes: 240, resolution_minutes: 2880 });
  });

  it('refuses other roles, unknown priorities and bad targets', async () => {
    expect((await call(app, agent, 'GET', '/sla-policies')).status).toBe(403);
    expect((await call(app, alice, 'PUT', '/sla-policies/low', { first_response_minutes: 1, resolution_minutes: 2 })).status).toBe(403);
    expect((await call(app, admin, 'PUT', '/sla-policies/whenever', { first_response_minutes: 1, resolution_minutes: 2 })).status).toBe(404);
    for (const body of [{}, { first_response_minutes: 0, resolution_minutes: 10 }, { first_response_minutes: 1.5, resolution_minutes: 10 }, { first_response_minutes: '5', resolution_minutes: 10 }, { first_response_minutes: 5, resolution_minutes: 10, extra: 1 }]) {
      const response = await call(app, admin, 'PUT', '/sla-policies/low', body);
      expect(response.status).toBe(400);
      expect((await errorBody(response)).code).toBe('VALIDATION_ERROR');
    }
    const inverted = await call(app, admin, 'PUT', '/sla-policies/low', { first_response_minutes: 100, resolution_minutes: 10 });
    expect(inverted.status).toBe(400);
    expect((await errorBody(inverted)).errors).toHaveProperty('first_response_minutes');
  });
});
