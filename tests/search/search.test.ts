import { indexMarked, indexPendingTickets, readMarks } from '../../src/search/indexer.js';
import { joinSearch, planSearch, probeSearch } from '../../src/search/match.js';
import { visibleTo, type Actor } from '../../src/tickets/actor.js';
import { setClock } from '../../src/time/clock.js';
import { errorBody } from '../helpers/json.js';
import { caseBody, ingest, message, newIntegration, type TestIntegration } from '../helpers/ingest.js';
import { call, listTickets, openTicket, withCast, type Cast, type Ticket } from '../helpers/tickets.js';
import type { SignedIn } from '../helpers/users.js';

let cast: Cast;
withCast((ready) => (cast = ready));

type Who = 'admin' | 'agent' | 'customer';

/** The ticket ids `who` finds with `q`, sorted. */
async function found(who: Who, q: string): Promise<string[]> {
  const page = await listTickets(cast.app, cast[who], `?q=${encodeURIComponent(q)}&limit=100`);
  return page.items.map((ticket) => ticket.id).sort();
}

/**
 * The ticket ids both ways of narrowing a list to a search give: gathering the matches first
 * (rare words) and probing ticket by ticket in the list's order (common words).
 */
async function foundBothWays(who: Who, q: string): Promise<string[][]> {
  const { db } = cast.app;
  const { user } = cast[who];
  const actor: Actor = { id: Number(user.id), uuid: user.uuid, role: user.role };
  const search = await planSearch(db, q, actor);
  return Promise.all(
    [joinSearch, probeSearch].map(async (narrow) => {
      const query = visibleTo(db('cases').where('cases.archived', false).select('cases.uuid'), actor);
      narrow(db, query, search);
      return ((await query) as Array<{ uuid: string }>).map((row) => row.uuid).sort();
    }),
  );
}

const marked = async (): Promise<number> => ((await cast.app.db('search_pending').count({ n: '*' })) as Array<{ n: unknown }>).map((r) => Number(r.n))[0]!;

async function postMessage(who: SignedIn, ticket: Ticket, content: string, visibility = 'public'): Promise<string> {
  const response = await call(cast.app, who, 'POST', `/tickets/${ticket.id}/messages`, { content, visibility });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function ingestedTicket(crm: TestIntegration, caseUid: string): Promise<string> {
  const row = (await cast.app.db('cases').where({ integration_id: crm.rowId, case_uid: caseUid }).first('uuid')) as { uuid: string };
  return row.uuid;
}

async function importedTicket(subject: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([`subject,description\n${subject},From the old desk\n`], { type: 'text/csv' }), 'tickets.csv');
  const response = await cast.app.request('/api/v1/tickets/import', { method: 'POST', body: form, headers: cast.admin.auth });
  expect(response.status).toBe(200);
  return ((await cast.app.db('cases').where({ subject }).first('uuid')) as { uuid: string }).uuid;
}

describe('q: searching tickets by their words', () => {
  /** The questions of one round: who asks, what, and which tickets (by name) they find. */
  type Round = Array<[Who, string, string[]]>;
  const names = new Map<string, string>();
  const named = (...keys: string[]) => keys.map((key) => names.get(key)!).sort();

  async function ask(round: Round): Promise<void> {
    for (const [who, q, expected] of round) {
      expect({ who, q, found: await found(who, q) }).toEqual({ who, q, found: named(...expected) });
      expect({ who, q, found: await foundBothWays(who, q) }).toEqual({ who, q, found: [named(...expected), named(...expected)] });
    }
  }

  const created: Round = [
    ['admin', 'refund', ['refund']],
    ['admin', 'REFUN', ['refund']],
    ['admin', 'parcel', ['refund']],
    ['admin', 'parcel refund', ['refund']],
    ['admin', 'refund printer', []],
    ['admin', '4711', ['refund']],
    ['admin', 'ÆRØ straße', ['ferry']],
    ['admin', 'restart spooler', ['printer']],
    ['admin', 'jam restart', ['printer']],
    ['admin', 'zebrafish', ['printer']],
    ['agent', 'zebrafish', ['printer']],
    ['customer', 'zebrafish', []],
    ['customer', 'restart', ['printer']],
    ['customer', 'jam zebrafish', []],
    ['admin', 'obsolete', ['edited']],
    ['admin', 'walrus narwhal', ['ingested']],
    ['admin', 'pelican', ['imported']],
    ['admin', 'desk', ['imported']],
    ['admin', '%', []],
    ['admin', '_', []],
  ];

  let crm: TestIntegration;

  it('finds new tickets by subject, description and messages at once, and the same once they are indexed', async () => {
    const { app, customer, agent } = cast;
    names.set('refund', (await openTicket(app, customer, { subject: 'Refund for order 4711', description: 'The parcel never arrived' })).id);
    names.set('ferry', (await openTicket(app, customer, { subject: 'Straße closed, no ÆRØ ferry' })).id);
    const printer = await openTicket(app, customer, { subject: 'Printer jam' });
    names.set('printer', printer.id);
    await postMessage(agent, printer, 'Please restart the spooler');
    await postMessage(agent, printer, 'Looks like the zebrafish firmware bug', 'internal');
    names.set('edited', (await openTicket(app, customer, { subject: 'Obsolete heading' })).id);
    crm = await newIntegration(app);
    expect((await ingest(app, crm, 'PUT', '/v1/case', caseBody({ caseUid: 'walrus-1', subject: 'Walrus tusk', messages: [message({ text: 'A narwhal?' })] }))).status).toBe(201);
    names.set('ingested', await ingestedTicket(crm, 'walrus-1'));
    names.set('imported', await importedTicket('Pelican crossing'));

    expect(await marked()).toBe(names.size);
    await ask(created);
    expect(await indexPendingTickets(app.db)).toEqual({ indexed: names.size, pending: false });
    expect(await marked()).toBe(0);
    await ask(created);
  });

  it('follows every later change of the words: new and deleted messages, subjects, and what an integration sends again', async () => {
    const { app, customer, agent, admin } = cast;
    await postMessage(customer, { id: names.get('refund')! } as Ticket, 'Tracking says quokka depot');
    const spooler = (await app.db('messages').where({ content: 'Please restart the spooler' }).first('uuid')) as { uuid: string };
    expect((await call(app, agent, 'DELETE', `/tickets/${names.get('printer')}/messages/${spooler.uuid}`)).status).toBe(204);
    expect((await call(app, admin, 'PATCH', `/tickets/${names.get('edited')}`, { subject: 'Current heading' })).status).toBe(200);
    const update = caseBody({ caseUid: 'walrus-1', updated: '2024-01-16T10:00:00Z', subject: 'Walrus skull', messages: [message({ messageUid: 'later', text: 'Beluga seen' })] });
    expect((await ingest(app, crm, 'PUT', '/v1/case', update)).status).toBe(200);

    const changed: Round = [
      ['admin', 'quokka', ['refund']],
      ['customer', 'quokka parcel', ['refund']],
      ['admin', 'restart', []],
      ['customer', 'restart', []],
      ['admin', 'jam zebrafish', ['printer']],
      ['admin', 'obsolete', []],
      ['admin', 'current heading', ['edited']],
      ['admin', 'walrus tusk', []],
      ['admin', 'skull beluga narwhal', ['ingested']],
    ];
    expect(await marked()).toBe(4);
    await ask(changed);
    await indexPendingTickets(app.db);
    expect(await marked()).toBe(0);
    await ask(changed);
  });

  it('keeps the mark of a ticket that changed while its words were being indexed', async () => {
    const { app, customer, agent } = cast;
    const ticket = await openTicket(app, customer, { subject: 'Heater broken' });
    const marks = await readMarks(app.db);
    expect(marks).toHaveLength(1);
    await postMessage(agent, ticket, 'Technician booked for thursday');
    await indexMarked(app.db, marks);
    expect(await app.db('search_pending').select('changes')).toEqual([{ changes: 2 }]);
    expect(await found('admin', 'heater thursday')).toEqual([ticket.id]);
    await indexPendingTickets(app.db);
    expect(await marked()).toBe(0);
    expect(await found('admin', 'heater thursday')).toEqual([ticket.id]);
  });

  it('answers 400 for more than ten different words, naming q', async () => {
    const words = 'one two three four five six seven eight nine ten eleven';
    const response = await call(cast.app, cast.admin, 'GET', `/tickets?q=${encodeURIComponent(words)}`);
    expect(response.status).toBe(400);
    expect((await errorBody(response)).errors).toHaveProperty('q');
    // A word that starts another one asks nothing more: these are ten.
    const ten = words.replace(' eleven', ' te on');
    expect((await call(cast.app, cast.admin, 'GET', `/tickets?q=${encodeURIComponent(ten)}`)).status).toBe(200);
  });

  it('counts how common a term is once a minute, not on every search', async () => {
    const { db } = cast.app;
    const { user } = cast.admin;
    const actor: Actor = { id: Number(user.id), uuid: user.uuid, role: user.role };
    const counts: string[] = [];
    const capture = (query: { sql: string }) => {
      if (/count\(\*\)[\s\S]*from `search_words`/i.test(query.sql)) counts.push(query.sql);
    };
    db.on('query', capture);
    try {
      const start = Date.now();
      await planSearch(db, 'wombat koala', actor);
      expect(counts).toHaveLength(2);
      setClock(() => new Date(start + 59_000));
      await planSearch(db, 'koala wombat', actor);
      await planSearch(db, 'wombat', actor);
      expect(counts).toHaveLength(2);
      setClock(() => new Date(start + 61_000));
      await planSearch(db, 'wombat', actor);
      expect(counts).toHaveLength(3);
    } finally {
      db.off('query', capture);
      setClock(undefined);
    }
  });
});
