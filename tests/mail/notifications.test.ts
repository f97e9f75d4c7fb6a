import { insertUser } from '../../src/users/repository.js';
import { createLogger } from '../../src/logger.js';
import { JOBS, type WorkerDeps } from '../../src/workers/jobs.js';
import { workerDeps } from '../../src/workers/start.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.js';
import { call, openTicket, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let smtp: TestSmtp;
let app: TestApp;
let deps: WorkerDeps;
let admin: SignedIn;
let agent: SignedIn;
let alice: SignedIn;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://support.example.com', MAIL_FROM: 'Example Support <support@example.com>' } });
  deps = workerDeps(app.db, app.config, createLogger('silent'));
  [admin, agent, alice] = await Promise.all([signIn(app, 'admin'), signIn(app, 'agent'), signIn(app, 'customer')]);
});
afterAll(async () => {
  deps.mailer.close();
  await app.close();
  await smtp.close();
});

/** Runs the email job and answers the mails the SMTP server took during the run. */
async function deliver(): Promise<ReceivedMail[]> {
  const before = smtp.received.length;
  await JOBS.email!.run(deps);
  return smtp.received.slice(before);
}

const to = (mails: ReceivedMail[], address: string | null) => mails.filter((m) => m.to.includes(address!));

describe('notifications, through the outbox to a real SMTP server', () => {
  it('confirms a new ticket to its customer with the number and a link, as text and HTML', async () => {
    const ticket = await openTicket(app, alice, { subject: 'Printer <on fire>' });
    const [mail, ...rest] = await deliver();
    expect(rest).toEqual([]);
    expect(mail!.to).toEqual([alice.user.email]);
    expect(mail!.subject).toBe(`[${ticket.number}] We received your request: Printer <on fire>`);
    expect(mail!.text).toContain(`Its number is ${ticket.number}`);
    expect(mail!.text).toContain(`https://support.example.com/api/v1/tickets/${ticket.number}`);
    expect(mail!.html).toContain('Printer &lt;on fire&gt;');
    expect(mail!.html).toContain(`href="https://support.example.com/api/v1/tickets/${ticket.number}"`);
    expect(mail!.messageId).toMatch(/^<[0-9a-f-]{36}@support\.example\.com>$/);
  });

  it('tells an agent of a ticket assigned to them, but not of one they took themselves', async () => {
    const ticket = await openTicket(app, alice);
    await deliver();
    expect((await call(app, admin, 'POST', `/tickets/${ticket.id}/assign`, { agent_id: agent.user.uuid })).status).toBe(200);
    const mails = await deliver();
    expect(to(mails, agent.user.email).map((m) => m.subject)).toEqual([`[${ticket.number}] Assigned to you: Cannot log in`]);

    const other = await openTicket(app, alice);
    await deliver();
    expect((await call(app, agent, 'POST', `/tickets/${other.id}/assign`, { agent_id: agent.user.uuid })).status).toBe(200);
    expect(to(await deliver(), agent.user.email)).toEqual([]);
  });

  it('tells the customer of status changes made by staff, with the resolution, and not of their own', async () => {
    const ticket = await openTicket(app, alice);
    await call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status: 'in_progress' });
    await call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status: 'waiting' });
    await deliver();
    await call(app, alice, 'POST', `/tickets/${ticket.id}/messages`, { content: 'Here are the logs' });
    expect(await deliver()).toEqual([]);
    await call(app, agent, 'PUT', `/tickets/${ticket.id}/status`, { status: 'resolved', resolution_comment: 'Reset the cache' });
    const [mail, ...rest] = await deliver();
    expect(rest).toEqual([]);
    expect(mail!.to).toEqual([alice.user.email]);
    expect(mail!.subject).toBe(`[${ticket.number}] Your request is resolved: Cannot log in`);
    expect(mail!.text).toContain('Resolution: Reset the cache');
  });

  it('mails public replies to the customer and never an internal note, to anyone', async () => {
    const ticket = await openTicket(app, alice);
    await deliver();
    await call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'SECRET internal: customer is on the old plan', visibility: 'internal' });
    expect(await deliver()).toEqual([]);
    await call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'Please try again now.\nIt should work.' });
    const [reply, ...rest] = await deliver();
    expect(rest).toEqual([]);
    expect(reply!.to).toEqual([alice.user.email]);
    expect(reply!.text).toContain('> Please try again now.\n> It should work.');
    expect(smtp.received.some((m) => m.text.includes('SECRET') || m.html.includes('SECRET'))).toBe(false);
    const queued: string[] = await app.db('mail_outbox').pluck('text_body');
    expect(queued.some((text) => text.includes('SECRET'))).toBe(false);
  });

  it('sends nothing to a customer without an email address', async () => {
    const silent = await insertUser(app.db, { role: 'customer', email: null, passwordHash: null, firstName: 'Phone only' });
    const response = await call(app, agent, 'POST', '/tickets', { subject: 'Called in', customer_id: silent.uuid });
    const ticket = (await response.json()) as Ticket;
    await call(app, agent, 'POST', `/tickets/${ticket.id}/messages`, { content: 'We called back' });
    expect(await deliver()).toEqual([]);
    const queued = await app.db('mail_outbox').whereIn('case_id', app.db('cases').select('id').where({ uuid: ticket.id })).count({ n: '*' });
    expect(Number((queued[0] as { n: number | string }).n)).toBe(0);
  });
});
