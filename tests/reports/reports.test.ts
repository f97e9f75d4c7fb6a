import { parse } from 'csv-parse/sync';
import { raiseVersion, readConsistently } from '../../src/reports/rollups/consistent.js';
import { countPendingTickets } from '../../src/reports/rollups/roller.js';
import { setClock } from '../../src/time/clock.js';
import type { TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { call, openTicket, withCast, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

/**
 * One small desk with known answers, built through the API at set times around the start of
 * summer time in Copenhagen (2026-03-29 01:00 UTC, when local clocks go from +1 to +2):
 *
 * | ticket | created (UTC) | Copenhagen date | priority, category | what happens |
 * |---|---|---|---|---|
 * | A | 03-28 23:30 | 03-29 | high, billing | answered after 1 h, resolved after 10 h |
 * | B | 03-29 22:30 | 03-30 | urgent, technical | answered after 3 h (target 2 h: breached), resolved after 5 h |
 * | C | 03-27 12:00 | 03-27 | low, general | assigned, never answered: first response breached by now |
 * | D | 03-30 08:00 | 03-30 | medium, technical | open, unassigned, within target |
 * | E | 03-30 08:15 | 03-30 | urgent, feature_request | open, unassigned, past 80 % of its first response: at risk |
 * | F | 03-29 10:00 | 03-29 | medium, general | archived: counted nowhere |
 * | G | 02-01 12:00 | 02-01 | low, general | answered after 1 h, resolved 03-29 12:00 (resolution target 10 days: breached) |
 *
 * A, B, C and G are the agent's. Now is 2026-03-30 10:00 UTC (12:00 in Copenhagen).
 */

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let customer: SignedIn;
let idle: SignedIn;
withCast((cast) => ({ app, admin, agent, customer } = cast));

const NOW = '2026-03-30T10:00:00Z';
const CPH = 'time_zone=Europe/Copenhagen';

function at(iso: string): void {
  const time = new Date(iso);
  setClock(() => time);
}

const get = async <T>(who: SignedIn, path: string): Promise<T> => {
  const response = await call(app, who, 'GET', path);
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

async function created(iso: string, priority: string, category: string): Promise<Ticket> {
  at(iso);
  return openTicket(app, admin, { subject: `${priority} ${category}`, priority, category, customer_email: customer.user.email });
}

async function expectOk(response: Promise<Response>): Promise<void> {
  const answer = await response;
  if (answer.status >= 300) throw new Error(`${answer.status} ${await answer.text()}`);
}

const assign = (ticket: Ticket) => expectOk(call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid }));

async function answered(ticket: Ticket, iso: string): Promise<void> {
  at(iso);
  await expectOk(call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'Looking into it', visibility: 'public' }));
}

async function resolved(ticket: Ticket, iso: string): Promise<void> {
  at(iso);
  await expectOk(call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status: 'in_progress' }));
  await expectOk(call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status: 'resolved', resolution_comment: 'Done' }));
}

let b: Ticket;
let d: Ticket;
let e: Ticket;

beforeAll(async () => {
  idle = await signIn(app, 'agent');
  const g = await created('2026-02-01T12:00:00Z', 'low', 'general');
  await assign(g);
  await answered(g, '2026-02-01T13:00:00Z');
  const c = await created('2026-03-27T12:00:00Z', 'low', 'general');
  await assign(c);
  const a = await created('2026-03-28T23:30:00Z', 'high', 'billing');
  await assign(a);
  await answered(a, '2026-03-29T00:30:00Z');
  await resolved(a, '2026-03-29T09:30:00Z');
  const f = await created('2026-03-29T10:00:00Z', 'medium', 'general');
  await expectOk(call(app, admin, 'DELETE', `/tickets/${f.id}`));
  await resolved(g, '2026-03-29T12:00:00Z');
  b = await created('2026-03-29T22:30:00Z', 'urgent', 'technical');
  await assign(b);
  await answered(b, '2026-03-30T01:30:00Z');
  await resolved(b, '2026-03-30T03:30:00Z');
  d = await created('2026-03-30T08:00:00Z', 'medium', 'technical');
  e = await created('2026-03-30T08:15:00Z', 'urgent', 'feature_request');
});

beforeEach(() => at(NOW));
afterEach(() => setClock(undefined));

const volume = (created: number, resolved: number) => ({ created, resolved });

// Every question twice: while every ticket still awaits the `reports` job (its own row is read),
// and after the job has counted them all into the rollups.
describe.each([
  ['before the reports job', async () => {}],
  ['after the reports job', async () => void (await countPendingTickets(app.db))],
])('%s', (_, countTickets) => {
  beforeAll(countTickets);

  describe('GET /admin/dashboard', () => {
    it('counts open work, SLA risk, today and the week, and the month’s medians, in the asked time zone', async () => {
      const dashboard = await get<Record<string, unknown>>(admin, `/admin/dashboard?${CPH}`);
      expect(dashboard).toMatchObject({
        time_zone: 'Europe/Copenhagen',
        generated_at: '2026-03-30T10:00:00.000Z',
        open: {
          total: 3,
          unassigned: 2,
          by_status: { open: 2, assigned: 1, in_progress: 0, waiting: 0, reopened: 0 },
          by_priority: { low: 1, medium: 1, high: 0, urgent: 1 },
          by_category: { technical: 1, billing: 0, general: 1, feature_request: 1, none: 0 },
        },
        sla: { breached: 1, at_risk: 1 },
        // Today began at 03-29 22:00 UTC in Copenhagen: B, D and E.
        created: { today: 3, last_7_days: 5 },
        resolved: { today: 1, last_7_days: 3 },
        // First responses of 60 and 180 minutes; resolutions of 300, 600 and 80,640 minutes.
        last_30_days: { median_first_response_minutes: 120, median_resolution_minutes: 600 },
      });
    });

    it('starts today at local midnight: in New York B was created yesterday', async () => {
      const dashboard = await get<{ created: { today: number } }>(admin, '/admin/dashboard?time_zone=America/New_York');
      expect(dashboard.created.today).toBe(2);
    });

    it('defaults to UTC', async () => {
      const dashboard = await get<{ time_zone: string; created: { today: number } }>(admin, '/admin/dashboard');
      expect(dashboard).toMatchObject({ time_zone: 'UTC', created: { today: 2 } });
    });
  });

  describe('GET /admin/reports/tickets', () => {
    it('counts per local day across the change to summer time, and by status, category, priority and source', async () => {
      const report = await get<Record<string, unknown>>(admin, `/admin/reports/tickets?from=2026-03-28&to=2026-03-30&${CPH}`);
      expect(report).toEqual({
        from: '2026-03-28',
        to: '2026-03-30',
        time_zone: 'Europe/Copenhagen',
        totals: volume(4, 3),
        by_day: [
          { date: '2026-03-28', ...volume(0, 0) },
          { date: '2026-03-29', ...volume(1, 2) },
          // B, created 22:30 UTC on the 29th, is half past midnight on the 30th in summer time.
          { date: '2026-03-30', ...volume(3, 1) },
        ],
        by_status: [
          { status: 'open', ...volume(2, 0) },
          { status: 'assigned', ...volume(0, 0) },
          { status: 'in_progress', ...volume(0, 0) },
          { status: 'waiting', ...volume(0, 0) },
          { status: 'resolved', ...volume(2, 3) },
          { status: 'closed', ...volume(0, 0) },
          { status: 'reopened', ...volume(0, 0) },
          { status: 'rejected', ...volume(0, 0) },
        ],
        by_category: [
          { category: 'technical', ...volume(2, 1) },
          { category: 'billing', ...volume(1, 1) },
          { category: 'general', ...volume(0, 1) },
          { category: 'feature_request', ...volume(1, 0) },
          { category: 'none', ...volume(0, 0) },
        ],
        by_priority: [
          { priority: 'low', ...volume(0, 1) },
          { priority: 'medium', ...volume(1, 0) },
          { priority: 'high', ...volume(1, 1) },
          { priority: 'urgent', ...volume(2, 1) },
        ],
        by_source: [{ source: 'api', ...volume(4, 3) }],
      });
    });

    it('counts by UTC days when asked for UTC', async () => {
      const report = await get<{ by_day: unknown[] }>(admin, '/admin/reports/tickets?from=2026-03-28&to=2026-03-30&time_zone=UTC');
      expect(report.by_day).toEqual([
        { date: '2026-03-28', ...volume(1, 0) },
        { date: '2026-03-29', ...volume(1, 2) },
        { date: '2026-03-30', ...volume(2, 1) },
      ]);
    });

    it('sums a range of whole months and days the same way', async () => {
      // February is a whole UTC month inside the range; G was created on its first day.
      const report = await get<{ totals: unknown; by_day: Array<{ date: string; created: number }>; by_priority: unknown[] }>(admin, `/admin/reports/tickets?from=2026-01-01&to=2026-03-30&${CPH}`);
      expect(report.totals).toEqual(volume(6, 3));
      expect(report.by_day.filter((day) => day.created > 0).map((day) => [day.date, day.created])).toEqual([
        ['2026-02-01', 1],
        ['2026-03-27', 1],
        ['2026-03-29', 1],
        ['2026-03-30', 3],
      ]);
      expect(report.by_priority).toEqual([
        { priority: 'low', ...volume(2, 1) },
        { priority: 'medium', ...volume(1, 0) },
        { priority: 'high', ...volume(1, 1) },
        { priority: 'urgent', ...volume(2, 1) },
      ]);
    });

    it('answers an empty range with every day at zero', async () => {
      const report = await get<{ totals: unknown; by_day: Array<{ created: number }>; by_source: unknown[] }>(admin, '/admin/reports/tickets?from=2025-01-01&to=2025-01-31');
      expect(report.totals).toEqual(volume(0, 0));
      expect(report.by_day).toHaveLength(31);
      expect(report.by_day.every((day) => day.created === 0)).toBe(true);
      expect(report.by_source).toEqual([]);
    });

    it('covers the 30 days up to today by default', async () => {
      const report = await get<{ from: string; to: string; by_day: unknown[] }>(admin, '/admin/reports/tickets');
      expect(report).toMatchObject({ from: '2026-03-01', to: '2026-03-30' });
      expect(report.by_day).toHaveLength(30);
    });
  });

  describe('GET /admin/reports/agents', () => {
    it('gives every agent assigned, resolved, open, medians and SLA met', async () => {
      const report = await get<{ agents: Array<Record<string, unknown>> }>(admin, `/admin/reports/agents?from=2026-03-28&to=2026-03-30&${CPH}`);
      const row = (who: SignedIn) => report.agents.find((a) => a.agent_id === who.user.uuid);
      expect(row(agent)).toEqual({
        agent_id: agent.user.uuid,
        email: agent.user.email,
        name: 'agent',
        role: 'agent',
        active: true,
        assigned: 2,
        resolved: 3,
        open: 1,
        median_first_response_minutes: 120,
        median_resolution_minutes: 600,
        // Of A and B, created in the range: A met both targets, B missed its first response.
        sla_met_percent: 50,
      });
      expect(row(idle)).toMatchObject({ assigned: 0, resolved: 0, open: 0, median_first_response_minutes: null, median_resolution_minutes: null, sla_met_percent: null });
      expect(row(admin)).toMatchObject({ role: 'admin', assigned: 0 });
      expect(row(customer)).toBeUndefined();
    });

    it('shows an agent only their own row', async () => {
      const report = await get<{ agents: Array<{ agent_id: string; resolved: number }> }>(agent, `/admin/reports/agents?from=2026-03-28&to=2026-03-30&${CPH}`);
      expect(report.agents).toEqual([expect.objectContaining({ agent_id: agent.user.uuid, resolved: 3 })]);
    });
  });

  describe('GET /admin/reports/sla', () => {
    const tally = (met: number, breached: number, running: number, met_percent: number | null) => ({ met, breached, running, met_percent });

    it('tallies met, breached and running per priority and clock, and lists the breached tickets', async () => {
      const report = await get<Record<string, unknown>>(admin, `/admin/reports/sla?from=2026-03-28&to=2026-03-30&${CPH}`);
      expect(report).toMatchObject({
        totals: { first_response: tally(1, 1, 2, 50), resolution: tally(2, 0, 2, 100) },
        by_priority: [
          { priority: 'low', first_response: tally(0, 0, 0, null), resolution: tally(0, 0, 0, null) },
          { priority: 'medium', first_response: tally(0, 0, 1, null), resolution: tally(0, 0, 1, null) },
          { priority: 'high', first_response: tally(1, 0, 0, 100), resolution: tally(1, 0, 0, 100) },
          { priority: 'urgent', first_response: tally(0, 1, 1, 0), resolution: tally(1, 0, 1, 100) },
        ],
        breached_tickets: {
          total: 1,
          limit: 100,
          items: [expect.objectContaining({ id: b.id, number: b.number, priority: 'urgent', first_response_breached: true, resolution_breached: false, first_response_at: '2026-03-30T01:30:00.000Z' })],
        },
      });
    });

    it('pages through the breached tickets, newest first', async () => {
      const first = await call(app, admin, 'GET', '/admin/reports/sla/breached?from=2026-01-01&to=2026-03-30&limit=1');
      const page = (await first.json()) as { items: Array<{ id: string; first_response_breached: boolean; resolution_breached: boolean }>; total: number };
      // B (first response), C (first response, still unanswered) and G (resolution).
      expect(page.total).toBe(3);
      expect(page.items.map((t) => t.id)).toEqual([b.id]);
      const rest = await get<{ items: Array<{ resolution_breached: boolean; first_response_breached: boolean }> }>(admin, '/admin/reports/sla/breached?from=2026-01-01&to=2026-03-30&offset=1');
      expect(rest.items.map((t) => [t.first_response_breached, t.resolution_breached])).toEqual([
        [true, false],
        [false, true],
      ]);
      expect(first.headers.get('link')).toBeNull();
      expect((await call(app, admin, 'GET', '/admin/reports/sla/breached?from=2026-01-01&to=2026-03-30&offset=1&limit=1')).headers.get('link')).toContain('rel="prev"');
    });
  });
});

describe('CSV', () => {
  const csv = async (path: string, headers: Record<string, string> = {}) => {
    const response = await call(app, admin, 'GET', path, undefined, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
  };
  const range = `from=2026-03-28&to=2026-03-30&${CPH}`;

  it('gives the tickets report as rows of section, key, created and resolved, matching the JSON', async () => {
    const json = await get<{ by_day: Array<{ date: string; created: number; resolved: number }>; by_category: Array<{ category: string; created: number; resolved: number }> }>(admin, `/admin/reports/tickets?${range}`);
    const rows = await csv(`/admin/reports/tickets?${range}&format=csv`);
    expect(rows.filter((r) => r.section === 'day').map((r) => ({ date: r.key, created: Number(r.created), resolved: Number(r.resolved) }))).toEqual(json.by_day);
    expect(rows.filter((r) => r.section === 'category').map((r) => ({ category: r.key, created: Number(r.created), resolved: Number(r.resolved) }))).toEqual(json.by_category);
    expect(new Set(rows.map((r) => r.section))).toEqual(new Set(['day', 'status', 'category', 'priority', 'source']));
  });

  it('answers Accept: text/csv too, and names the file after the range', async () => {
    const response = await call(app, admin, 'GET', `/admin/reports/agents?${range}`, undefined, { Accept: 'text/csv' });
    expect(response.headers.get('content-disposition')).toBe('inline; filename="agents-2026-03-28-2026-03-30.csv"');
    const json = await get<{ agents: Array<Record<string, unknown>> }>(admin, `/admin/reports/agents?${range}`);
    const rows = parse(await response.text(), { columns: true, cast: (value: string) => (value === '' ? null : value === 'true' ? true : value === 'false' ? false : /^\d+(\.\d+)?$/.test(value) ? Number(value) : value) }) as Array<Record<string, unknown>>;
    expect(rows).toEqual(json.agents);
  });

  it('gives the dashboard as metric and value', async () => {
    const rows = await csv(`/admin/dashboard?${CPH}&format=csv`);
    const figures = Object.fromEntries(rows.map((r) => [r.metric, r.value]));
    expect(figures).toMatchObject({ 'open.total': '3', 'open.by_status.assigned': '1', 'sla.at_risk': '1', 'last_30_days.median_resolution_minutes': '600', time_zone: 'Europe/Copenhagen' });
  });

  it('gives the SLA report per priority and clock, with an `all` total', async () => {
    const rows = await csv(`/admin/reports/sla?${range}`, { Accept: 'text/csv' });
    expect(rows).toHaveLength(10);
    expect(rows.find((r) => r.priority === 'urgent' && r.metric === 'first_response')).toEqual({ priority: 'urgent', metric: 'first_response', met: '0', breached: '1', running: '1', met_percent: '0' });
    expect(rows.find((r) => r.priority === 'all' && r.metric === 'resolution')).toMatchObject({ met: '2', met_percent: '100' });
  });

  it('escapes a subject that a spreadsheet would run as a formula', async () => {
    at('2026-03-10T09:00:00Z');
    const hostile = await openTicket(app, admin, { subject: '=HYPERLINK("http://evil.example","x")', priority: 'urgent', category: 'general' });
    at(NOW);
    const rows = await csv('/admin/reports/sla/breached?from=2026-03-10&to=2026-03-10&format=csv');
    expect(rows).toEqual([expect.objectContaining({ id: hostile.id, subject: `'=HYPERLINK("http://evil.example","x")`, first_response_breached: 'true' })]);
  });
});

describe('who may read reports, and what a bad query gets', () => {
  it('refuses customers everything and agents all but their own row', async () => {
    for (const path of ['/admin/dashboard', '/admin/reports/tickets', '/admin/reports/agents', '/admin/reports/sla', '/admin/reports/sla/breached']) {
      expect((await call(app, customer, 'GET', path)).status).toBe(403);
      expect((await app.request(`/api/v1${path}`)).status).toBe(401);
    }
    for (const path of ['/admin/dashboard', '/admin/reports/tickets', '/admin/reports/sla', '/admin/reports/sla/breached']) {
      expect((await call(app, agent, 'GET', path)).status).toBe(403);
    }
  });

  it.each([
    ['time_zone=Mars/Olympus_Mons', ['time_zone']],
    ['from=2026-03-30&to=2026-03-01', ['from']],
    ['from=2025-01-01&to=2026-03-01', ['to']],
    ['from=2026-02-30', ['from']],
    ['from=yesterday&to=30-03-2026', ['from', 'to']],
    ['format=xml', ['format']],
    ['colour=red', ['colour']],
    ['from=2026-03-01&from=2026-03-02', ['from']],
  ])('answers %s with 400 naming %j', async (query, fields) => {
    const response = await call(app, admin, 'GET', `/admin/reports/tickets?${query}`);
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(body.errors!).sort()).toEqual(fields);
  });

  it.each([
    ['/admin/dashboard?time_zone=Nowhere/Else', ['time_zone']],
    // The dashboard is about now: it takes no range.
    ['/admin/dashboard?from=2026-03-01', ['from']],
    ['/admin/dashboard?format=pdf', ['format']],
    ['/admin/reports/agents?time_zone=Nowhere/Else', ['time_zone']],
    ['/admin/reports/sla?from=2026-03-30&to=2026-03-01', ['from']],
    ['/admin/reports/sla/breached?from=2025-01-01&to=2026-03-01', ['to']],
    ['/admin/reports/sla/breached?sort=oldest', ['sort']],
  ])('answers GET %s with 400 naming %j', async (path, fields) => {
    const response = await call(app, admin, 'GET', path);
    expect(response.status).toBe(400);
    expect(Object.keys((await errorBody(response)).errors!).sort()).toEqual(fields);
  });

  it('rejects a bad page of breached tickets', async () => {
    expect((await call(app, admin, 'GET', '/admin/reports/sla/breached?limit=0')).status).toBe(400);
    expect((await call(app, admin, 'GET', '/admin/reports/sla/breached?limit=1001')).status).toBe(400);
  });
});

// Last: these change the desk the tests above describe.
describe('rollups after a change', () => {
  const range = `from=2026-01-01&to=2026-03-30&${CPH}`;
  const tickets = () => get<{ totals: { created: number }; by_priority: Array<{ priority: string; created: number }> }>(admin, `/admin/reports/tickets?${range}`);
  const createdWith = (report: Awaited<ReturnType<typeof tickets>>, priority: string) => report.by_priority.find((p) => p.priority === priority)!.created;

  it('turns a running clock breached when its deadline passes, with nothing written', async () => {
    await countPendingTickets(app.db);
    const breached = async () => (await get<{ totals: { first_response: { breached: number } } }>(admin, `/admin/reports/sla?${range}`)).totals.first_response.breached;
    const risk = async () => (await get<{ sla: { breached: number; at_risk: number } }>(admin, `/admin/dashboard?${CPH}`)).sla;
    const before = await breached();
    // C and the CSV test's ticket of 03-10 are breached; E is at risk.
    expect(await risk()).toEqual({ breached: 2, at_risk: 1 });
    // E's first response (urgent, target 2 h from 08:15) is due at 10:15: at risk until then.
    at('2026-03-30T10:16:00Z');
    expect(await breached()).toBe(before + 1);
    expect(await risk()).toEqual({ breached: 3, at_risk: 0 });
  });

  it('counts a change the moment it commits, and the same once the job has counted it', async () => {
    await countPendingTickets(app.db);
    await expectOk(call(app, admin, 'DELETE', `/tickets/${d.id}`));
    await expectOk(call(app, admin, 'PUT', `/tickets/${e.id}/priority`, { priority: 'low' }));
    // Of the range's 7 (the 6 above and the CSV test's ticket of 03-10, urgent): D archived, E now low.
    for (const when of ['before the job', 'after the job']) {
      if (when === 'after the job') expect((await countPendingTickets(app.db)).counted).toBe(2);
      const report = await tickets();
      expect([when, report.totals.created, createdWith(report, 'low'), createdWith(report, 'medium'), createdWith(report, 'urgent')]).toEqual([when, 6, 3, 0, 2]);
    }
  });

  it('finds a median inside a bucket of many durations, before and after the job', async () => {
    // Answered after 10, 100, 103, 107 and 111 minutes (the last four share a bucket), and one
    // created on 03-29 and answered in the range's partial last day, 20 hours later: the
    // median is that of six.
    const late = await created('2026-03-29T12:00:00Z', 'low', 'general');
    await expectOk(call(app, admin, 'POST', `/tickets/${late.id}/assign`, { agent_id: idle.user.uuid }));
    at('2026-03-30T08:00:00Z');
    await expectOk(call(app, idle, 'POST', `/tickets/${late.id}/messages`, { content: 'On it', visibility: 'public' }));
    for (const [i, minutes] of [10, 100, 103, 107, 111].entries()) {
      const ticket = await created(`2026-03-2${i}T09:00:00Z`, 'low', 'general');
      await expectOk(call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: idle.user.uuid }));
      at(new Date(Date.parse(`2026-03-2${i}T09:00:00Z`) + minutes * 60_000).toISOString());
      await expectOk(call(app, idle, 'POST', `/tickets/${ticket.id}/messages`, { content: 'On it', visibility: 'public' }));
    }
    at(NOW);
    const median = async () => (await get<{ agents: Array<{ agent_id: string; median_first_response_minutes: number }> }>(admin, `/admin/reports/agents?${range}`)).agents.find((a) => a.agent_id === idle.user.uuid)!.median_first_response_minutes;
    expect(await median()).toBe(105);
    await countPendingTickets(app.db);
    expect(await median()).toBe(105);
  });

  it('reads again when the job committed while a report read, and in one snapshot when it keeps doing so', async () => {
    // Inside the snapshot the reader is its transaction: the job's commit becomes a savepoint there.
    const jobCommits = (reader: typeof app.db) => reader.transaction((trx) => raiseVersion(trx));
    let reads = 0;
    expect(await readConsistently(app.db, async (reader) => (++reads === 1 ? (await jobCommits(reader), reads) : reads))).toBe(2);
    reads = 0;
    expect(await readConsistently(app.db, async (reader) => (await jobCommits(reader), ++reads))).toBe(4);
  });

  it('keeps counts that equal counting every ticket from scratch, by two runs at once', async () => {
    await countPendingTickets(app.db);
    const kept = await app.db('report_counts').where('n', '<>', 0).orderBy(['measure', 'grain', 'period', 'key']).select('measure', 'grain', 'period', 'key', 'n');
    await app.db('report_counts').delete();
    await app.db('report_tickets').delete();
    await app.db('report_pending').insert(await app.db('cases').select('id as case_id'));
    // Two runs at once (a scheduled one and `worker run-once reports`) must not count a ticket twice.
    await Promise.all([countPendingTickets(app.db), countPendingTickets(app.db)]);
    const recounted = await app.db('report_counts').where('n', '<>', 0).orderBy(['measure', 'grain', 'period', 'key']).select('measure', 'grain', 'period', 'key', 'n');
    expect(kept.length).toBeGreaterThan(10);
    expect(kept).toEqual(recounted);
  });
});
