import { toDbTime } from '../../src/db/time.js';
import { Notifier } from '../../src/mail/notifications.js';
import { setClock } from '../../src/time/clock.js';
import { runAutomations } from '../../src/workers/automations.js';
import { LeaseCoordinator } from '../../src/workers/lease.js';
import type { TestApp } from '../helpers/app.js';
import { call, openTicket, withCast, type Ticket } from '../helpers/tickets.js';
import type { SignedIn } from '../helpers/users.js';

let app: TestApp;
let agent: SignedIn;
let alice: SignedIn;
withCast((cast) => ({ app, agent, customer: alice } = cast));
afterEach(() => setClock(undefined));

const DAY = 24 * 3600_000;
const notifier = new Notifier('http://localhost:3000');
const automations = (at: Date) => runAutomations({ db: app.db, notifier, ingestLogDays: 30 }, at);

async function resolvedTicket(): Promise<Ticket> {
  const ticket = await openTicket(app, alice);
  for (const status of ['in_progress', 'resolved']) await call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status });
  return ticket;
}

const statusOf = async (ticket: Ticket) => (await app.db('cases').where({ uuid: ticket.id }).first('status')).status as string;

describe('the automations job', () => {
  it('closes a ticket 7 days after it was resolved, in history, telling the customer', async () => {
    const ticket = await resolvedTicket();
    await automations(new Date(Date.now() + 6 * DAY));
    expect(await statusOf(ticket)).toBe('resolved');
    const run = await automations(new Date(Date.now() + 7 * DAY + 60_000));
    expect(run.closed).toBeGreaterThanOrEqual(1);
    expect(await statusOf(ticket)).toBe('closed');
    const history = (await (await call(app, agent, 'GET', `/tickets/${ticket.id}/history`)).json()) as Array<{ field: string; from: string; to: string; actor_type: string }>;
    expect(history.at(-1)).toMatchObject({ field: 'status', from: 'resolved', to: 'closed', actor_type: 'system' });
    const mails: string[] = await app.db('mail_outbox').whereIn('case_id', app.db('cases').select('id').where({ uuid: ticket.id })).pluck('subject');
    expect(mails).toContain(`[${ticket.number}] Your request is closed: Cannot log in`);
  });

  it('leaves a reopened ticket alone', async () => {
    const ticket = await resolvedTicket();
    await call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status: 'reopened' });
    await automations(new Date(Date.now() + 30 * DAY));
    expect(await statusOf(ticket)).toBe('reopened');
  });

  it('purges the ingest log after INGEST_LOG_DAYS and idempotency keys after a day, keeping newer ones', async () => {
    const now = Date.now();
    const log = (daysAgo: number) => ({
      request_id: `r-${daysAgo}`,
      route: 'PUT /v1/case',
      method: 'PUT',
      status_code: 200,
      outcome: 'created',
      received_at: toDbTime(new Date(now - daysAgo * DAY)),
    });
    await app.db('ingest_log').insert([log(31), log(29)]);
    await app.db('idempotency_keys').insert([
      { scope: 's', idempotency_key: 'old', request_hash: 'h', created_at: toDbTime(new Date(now - 2 * DAY)) },
      { scope: 's', idempotency_key: 'new', request_hash: 'h', created_at: toDbTime(new Date(now - 3600_000)) },
    ]);
    const run = await automations(new Date(now));
    expect(run).toMatchObject({ ingest_log_purged: 1, idempotency_keys_purged: 1 });
    expect(await app.db('ingest_log').pluck('request_id')).toEqual(['r-29']);
    expect(await app.db('idempotency_keys').pluck('idempotency_key')).toEqual(['new']);
  });
});

describe('LeaseCoordinator', () => {
  it('lets one instance run each fire, and the next fire once the run is over or its lease expired', async () => {
    const one = new LeaseCoordinator(app.db);
    const two = new LeaseCoordinator(app.db);
    const fire = (seconds: number) => `tick:${new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString()}`;
    const elected = await Promise.all([one.shouldRun(fire(0), 60_000), two.shouldRun(fire(0), 60_000)]);
    expect(elected.filter(Boolean)).toHaveLength(1);
    const [a, b] = elected[0] ? [one, two] : [two, one];
    expect(await a.shouldRun(fire(0), 60_000)).toBe(false);
    // A's run is still going (lease held): B may not start the next fire alongside it.
    expect(await b.shouldRun(fire(5), 60_000)).toBe(false);
    await a.onComplete(fire(0));
    expect(await b.shouldRun(fire(10), 60_000)).toBe(true);
    // B dies without completing: once its lease has expired, A takes the next fire.
    expect(await a.shouldRun(fire(15), 60_000)).toBe(false);
    setClock(() => new Date(Date.now() + 61_000));
    expect(await a.shouldRun(fire(20), 60_000)).toBe(true);
    // An older fire arriving late never runs again.
    expect(await b.shouldRun(fire(10), 60_000)).toBe(false);
  });
});
