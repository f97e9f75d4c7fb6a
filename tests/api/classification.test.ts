import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categoryByRules } from '../../src/classification/rules.js';
import { toDbTime } from '../../src/db/time.js';
import { createLogger } from '../../src/logger.js';
import { JOBS } from '../../src/workers/jobs.js';
import { workerDeps } from '../../src/workers/start.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { errorBody } from '../helpers/json.js';
import { call, openTicket, withCast, type Cast, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

const DAY = 24 * 3600 * 1000;

/**
 * An installation whose team routes by words the keyword rules have never heard of: parcels
 * and couriers go to billing, sensors and gateways are technical, widgets and colours are
 * feature requests. The model must learn that from the labelled tickets this test writes.
 */
const VOCABULARY: Record<string, string[][]> = {
  billing: [['parcel', 'courier', 'shipment', 'tracking', 'warehouse'], ['arrived', 'missing', 'late', 'lost', 'delayed']],
  technical: [['sensor', 'gateway', 'telemetry', 'thermostat', 'valve'], ['blinking', 'offline', 'silent', 'red', 'frozen']],
  feature_request: [['widget', 'colour', 'theme', 'layout', 'shortcut'], ['teal', 'compact', 'wider', 'rounded', 'custom']],
  general: [['office', 'address', 'visit', 'opening', 'parking'], ['tomorrow', 'monday', 'directions', 'nearby', 'weekend']],
};

/** The n-th ticket text of a class: two nouns and a word of state from its vocabulary. */
function textOf(category: string, n: number) {
  const [nouns, states] = VOCABULARY[category]!;
  const noun = (k: number) => nouns![k % nouns!.length]!;
  return { subject: `${noun(n)} ${states![n % states!.length]}`, description: `About the ${noun(n + 1)} and the ${noun(n + 3)}.` };
}

interface Decision {
  id: string;
  ticket_id: string;
  category: string | null;
  priority: string | null;
  confidence: number;
  keywords: string[];
  model_version: string;
  category_decided_by: string | null;
  priority_decided_by: string | null;
  overridden: { category: string | null; priority: string | null; by: string | null; at: string } | null;
}

async function logOf(app: TestApp, admin: SignedIn, query: string): Promise<{ items: Decision[]; total: number }> {
  const response = await call(app, admin, 'GET', `/classification/log${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Decision[]; total: number };
}

async function retrain(app: TestApp, admin: SignedIn) {
  const response = await call(app, admin, 'POST', '/classification/retrain');
  expect(response.status).toBe(200);
  return (await response.json()) as { version: number; trained_on: number; category_examples: number; priority_examples: number };
}

/** Ten labelled tickets per class, filed by the admin with the category a person chose. */
async function writeLabelledTickets(app: TestApp, admin: SignedIn): Promise<void> {
  for (const category of Object.keys(VOCABULARY)) {
    for (let n = 0; n < 10; n++) await openTicket(app, admin, { ...textOf(category, n), category });
  }
}

describe('classification', () => {
  let cast: Cast;
  withCast((ready) => (cast = ready));

  let early: Ticket;

  it('classifies a ticket without category or priority by the rules before any model exists, and logs why', async () => {
    const { app, admin, customer } = cast;
    early = await openTicket(app, customer, { subject: 'Invoice charged twice', description: 'Please refund the second payment, urgent.' });
    expect(early).toMatchObject({ category: 'billing', priority: 'high', category_source: 'auto', priority_source: 'auto' });
    expect(early.classification_confidence).toBeGreaterThan(0);
    expect(early.classification_confidence).toBeLessThanOrEqual(1);

    const { items } = await logOf(app, admin, `?ticket_id=${early.number}`);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      ticket_id: early.id,
      category: 'billing',
      priority: 'high',
      model_version: 'rules',
      category_decided_by: 'rules',
      priority_decided_by: 'rules',
      overridden: null,
    });
    expect(items[0]!.keywords).toEqual(expect.arrayContaining(['invoice', 'refund', 'urgent']));
    expect(items[0]!.confidence).toBe(early.classification_confidence);
  });

  it('keeps what the creator gave: a given category is a label, only the missing priority is decided', async () => {
    const { app, admin, agent } = cast;
    const ticket = await openTicket(app, agent, { subject: 'Server outage', description: 'Everything is down', category: 'general' });
    expect(ticket).toMatchObject({ category: 'general', category_source: 'user', priority: 'urgent', priority_source: 'auto' });
    const [decision] = (await logOf(app, admin, `?ticket_id=${ticket.id}`)).items;
    expect(decision).toMatchObject({ category: null, category_decided_by: null, priority: 'urgent', priority_decided_by: 'rules' });

    const given = await openTicket(app, agent, { subject: 'Server outage', category: 'technical', priority: 'low' });
    expect(given).toMatchObject({ category: 'technical', priority: 'low', category_source: 'user', priority_source: 'user', classification_confidence: null });
    expect((await logOf(app, admin, `?ticket_id=${given.id}`)).total).toBe(0);
  });

  it('learns from the tickets people labelled and then beats the rules on new ones', async () => {
    const { app, admin, customer } = cast;
    await writeLabelledTickets(app, admin);
    const trained = await retrain(app, admin);
    // 40 labelled here, plus the two with a given category above (one also with a given priority).
    expect(trained).toEqual({ version: 1, trained_on: 42, category_examples: 42, priority_examples: 1 });

    let modelRight = 0;
    let rulesRight = 0;
    for (const category of Object.keys(VOCABULARY)) {
      for (const n of [11, 12]) {
        const text = textOf(category, n);
        const ticket = await openTicket(app, customer, text);
        if (ticket.category === category) modelRight++;
        if (categoryByRules(text.subject, text.description).label === category) rulesRight++;
      }
    }
    expect(modelRight).toBeGreaterThanOrEqual(7);
    expect(rulesRight).toBeLessThanOrEqual(3);

    const decisions = (await logOf(app, admin, '?limit=8')).items;
    expect(decisions.every((d) => d.model_version === 'model-1')).toBe(true);
    expect(decisions.filter((d) => d.category_decided_by === 'model-1').length).toBeGreaterThanOrEqual(7);
    // Priority had one example: too few for the model, so the rules decided it.
    expect(decisions.every((d) => d.priority_decided_by === 'rules')).toBe(true);
  });

  it('records a person overriding an auto-set category, and the next model learns from it', async () => {
    const { app, admin, agent } = cast;
    const response = await call(app, agent, 'PATCH', `/tickets/${early.id}`, { category: 'general' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ category: 'general', category_source: 'user', priority_source: 'auto' });

    const [decision] = (await logOf(app, admin, `?ticket_id=${early.id}`)).items;
    expect(decision!.overridden).toMatchObject({ category: 'general', priority: null, by: agent.user.uuid });
    const overridden = await logOf(app, admin, '?overridden=true');
    expect(overridden.items.map((d) => d.ticket_id)).toEqual([early.id]);

    const next = await retrain(app, admin);
    expect(next).toMatchObject({ version: 2, trained_on: 43, category_examples: 43 });
  });

  it('counts a person confirming an auto-set field as a label, without calling it an override', async () => {
    const { app, admin, agent, customer } = cast;
    const ticket = await openTicket(app, customer, { subject: 'A question' });
    const response = await call(app, agent, 'PUT', `/tickets/${ticket.id}/priority`, { priority: ticket.priority });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ priority: ticket.priority, priority_source: 'user', category_source: 'auto' });
    expect((await logOf(app, admin, `?ticket_id=${ticket.id}`)).items[0]!.overridden).toBeNull();
    const history = (await (await call(app, admin, 'GET', `/tickets/${ticket.id}/history`)).json()) as Array<{ field: string }>;
    expect(history.map((h) => h.field)).toEqual(['created']);
  });

  it('re-classifies a ticket on request with the current model, leaving what a person set', async () => {
    const { app, agent, customer } = cast;
    const text = textOf('billing', 13);
    // Created by the rules' standards: the customer's own words, no model involved.
    const ticket = await openTicket(app, customer, text);
    const created = Date.parse(ticket.created_at);
    const lowDeadline = new Date(created + 10 * DAY);
    await app.db('cases').where({ uuid: ticket.id }).update({ category: 'general', priority: 'low', resolution_due_at: toDbTime(lowDeadline) });

    const response = await call(app, agent, 'POST', `/tickets/${ticket.id}/classify`);
    expect(response.status).toBe(200);
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toMatchObject({ ticket_id: ticket.id, category: 'billing', category_decided_by: 'model-2', applied: { category: true, priority: true } });
    const after = (await (await call(app, agent, 'GET', `/tickets/${ticket.id}`)).json()) as Ticket;
    // Nothing in the text is urgent or minor: medium, and the deadline moves from low's 10 days to medium's 5.
    expect(after).toMatchObject({ category: 'billing', category_source: 'auto', priority: 'medium' });
    expect(Date.parse(after.resolution_due_at!) - created).toBe(5 * DAY);

    const labelled = await openTicket(app, agent, { ...text, category: 'general' });
    const again = (await (await call(app, agent, 'POST', `/tickets/${labelled.id}/classify`)).json()) as Record<string, unknown>;
    expect(again).toMatchObject({ category: 'billing', applied: { category: false, priority: true } });
    expect(((await (await call(app, agent, 'GET', `/tickets/${labelled.id}`)).json()) as Ticket).category).toBe('general');
  });

  it('refuses the routes to those who may not use them, and bad queries with the fields named', async () => {
    const { app, agent, customer, admin } = cast;
    const ticket = await openTicket(app, customer, { subject: 'Hello' });
    expect((await call(app, customer, 'POST', `/tickets/${ticket.id}/classify`)).status).toBe(403);
    expect((await call(app, agent, 'POST', '/classification/retrain')).status).toBe(403);
    expect((await call(app, agent, 'GET', '/classification/log')).status).toBe(403);
    expect((await app.request('/api/v1/classification/log')).status).toBe(401);
    expect((await app.request('/api/v1/classification/retrain', { method: 'POST' })).status).toBe(401);
    expect((await app.request(`/api/v1/tickets/${ticket.id}/classify`, { method: 'POST' })).status).toBe(401);
    expect((await call(app, agent, 'POST', '/tickets/TICK-20200101-0001/classify')).status).toBe(404);

    const bad = await call(app, admin, 'GET', '/classification/log?overridden=maybe&colour=red&limit=0');
    expect(bad.status).toBe(400);
    expect(Object.keys((await errorBody(bad)).errors ?? {})).toEqual(expect.arrayContaining(['overridden']));
  });

  it('retrains on schedule only when the labels changed', async () => {
    const { app, admin } = cast;
    const deps = workerDeps(app.db, app.config, createLogger('silent'));
    const first = await JOBS.classifier!.run(deps);
    expect(first).toMatchObject({ version: 3, created: true });
    expect(await JOBS.classifier!.run(deps)).toMatchObject({ version: 3, created: false });
    await openTicket(app, admin, { ...textOf('general', 20), category: 'general' });
    expect(await JOBS.classifier!.run(deps)).toMatchObject({ version: 4, created: true });
  });
});

describe('a stored model', () => {
  it('survives a restart: a new app on the same database decides with it', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestApp({ databaseUrl: database.url });
      const admin = await signIn(first, 'admin');
      await writeLabelledTickets(first, admin);
      expect((await retrain(first, admin)).version).toBe(1);
      await first.close();

      const second = await startTestApp({ databaseUrl: database.url });
      try {
        const customer = await signIn(second, 'customer');
        const ticket = await openTicket(second, customer, textOf('technical', 14));
        expect(ticket.category).toBe('technical');
        const [decision] = (await logOf(second, await signIn(second, 'admin'), `?ticket_id=${ticket.id}`)).items;
        expect(decision!.category_decided_by).toBe('model-1');
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('the JSONL log', () => {
  it('writes each committed decision and override under CLASSIFY_LOG_DIR, one file per day', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'casehub-classify-'));
    const app = await startTestApp({ env: { CLASSIFY_LOG_DIR: dir } });
    try {
      const [customer, agent] = [await signIn(app, 'customer'), await signIn(app, 'agent')];
      const ticket = await openTicket(app, customer, { subject: 'App crashes', description: 'It crashes on start' });
      await call(app, agent, 'PATCH', `/tickets/${ticket.id}`, { category: 'feature_request' });

      const lines = await eventually(async () => {
        const files = await readdir(dir);
        expect(files).toEqual([expect.stringMatching(/^classification-\d{4}-\d{2}-\d{2}\.jsonl$/)]);
        const parsed = (await readFile(join(dir, files[0]!), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(parsed).toHaveLength(2);
        return parsed;
      });
      expect(lines[0]).toMatchObject({ event: 'decision', ticket_id: ticket.id, category: 'technical', category_decided_by: 'rules', model_version: 'rules' });
      expect(lines[0]!.keywords).toEqual(expect.arrayContaining(['crashes']));
      expect(lines[0]).not.toHaveProperty('case_id');
      expect(lines[1]).toMatchObject({ event: 'override', ticket_id: ticket.id, category: 'feature_request', by: agent.user.uuid });
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the lines in the order their changes committed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'casehub-classify-'));
    const app = await startTestApp({ env: { CLASSIFY_LOG_DIR: dir } });
    try {
      const [customer, agent] = [await signIn(app, 'customer'), await signIn(app, 'agent')];
      const expected: Array<[string, string]> = [];
      for (let i = 0; i < 8; i++) {
        const ticket = await openTicket(app, customer, { subject: `App crashes ${i}`, description: 'It crashes on start' });
        await call(app, agent, 'PATCH', `/tickets/${ticket.id}`, { category: 'feature_request' });
        expected.push(['decision', ticket.id], ['override', ticket.id]);
      }
      const lines = await eventually(async () => {
        const [file] = await readdir(dir);
        const parsed = (await readFile(join(dir, file!), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { event: string; ticket_id: string });
        expect(parsed).toHaveLength(expected.length);
        return parsed;
      });
      expect(lines.map((line) => [line.event, line.ticket_id])).toEqual(expected);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The lines land after the commit, asynchronously: look again for up to two seconds. */
async function eventually<T>(check: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await check();
    } catch (err) {
      if (tries >= 40) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
