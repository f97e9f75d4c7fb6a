import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger.js';
import { setClock } from '../../src/time/clock.js';
import { sendDueMail, type EmailJobDeps } from '../../src/workers/email.js';
import { workerDeps } from '../../src/workers/start.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { call, openTicket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

let smtp: TestSmtp;
let app: TestApp;
let deps: EmailJobDeps;
let admin: SignedIn;
let agent: SignedIn;
let alice: SignedIn;

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_MAX_ATTEMPTS: '3' } });
  const worker = workerDeps(app.db, app.config, createLogger('silent'));
  deps = { db: app.db, mailer: worker.mailer, logger: worker.logger, maxAttempts: 3, claimSeconds: 60 };
  [admin, agent, alice] = await Promise.all([signIn(app, 'admin'), signIn(app, 'agent'), signIn(app, 'customer')]);
});
afterEach(() => setClock(undefined));
afterAll(async () => {
  deps.mailer.close();
  await app.close();
  await smtp.close();
});

/** Runs the sender as if `minutes` had passed, so every retry that was waiting is due. */
function sendLater(minutes: number) {
  const at = new Date(Date.now() + minutes * 60_000);
  setClock(() => at);
  return sendDueMail(deps);
}

interface OutboxPage {
  items: Array<{ id: number; status: string; attempts: number; last_error: string | null; to: string; kind: string; ticket_id: string }>;
  total: number;
}

async function outbox(query = ''): Promise<OutboxPage> {
  const response = await call(app, admin, 'GET', `/admin/outbox${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as OutboxPage;
}

async function mailOf(ticketId: string) {
  return app.db('mail_outbox').whereIn('case_id', app.db('cases').select('id').where({ uuid: ticketId })).first();
}

describe('the email job', () => {
  it('retries a temporary refusal later, then sends it with the same Message-ID', async () => {
    const ticket = await openTicket(app, alice);
    smtp.mode = 'temporary-failure';
    expect(await sendDueMail(deps)).toEqual({ sent: 0, retried: 1, failed: 0 });
    const waiting = await mailOf(ticket.id);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(waiting.last_error).toMatch(/451/);
    // Backoff: not due again at once.
    expect(await sendDueMail(deps)).toEqual({ sent: 0, retried: 0, failed: 0 });
    smtp.mode = 'accept';
    expect(await sendLater(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await mailOf(ticket.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(smtp.messageIds.at(-1)).toBe(waiting.message_id);
  });

  it('gives up at once on a permanent refusal and keeps the error; an admin can send it again', async () => {
    const ticket = await openTicket(app, alice);
    smtp.mode = 'permanent-failure';
    expect(await sendDueMail(deps)).toEqual({ sent: 0, retried: 0, failed: 1 });
    smtp.mode = 'accept';
    const failed = (await outbox('?status=failed')).items.find((m) => m.ticket_id === ticket.id)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, kind: 'ticket_created', to: alice.user.email });
    expect(failed.last_error).toMatch(/550/);
    expect(await sendLater(600)).toEqual({ sent: 0, retried: 0, failed: 0 });

    const retried = await call(app, admin, 'POST', `/admin/outbox/${failed.id}/retry`);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: failed.id, status: 'queued', attempts: 0 });
    expect(await sendDueMail(deps)).toEqual({ sent: 1, retried: 0, failed: 0 });
    const again = await call(app, admin, 'POST', `/admin/outbox/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect((await errorBody(again)).code).toBe('CONFLICT');
  });

  it('stops after MAIL_MAX_ATTEMPTS temporary refusals', async () => {
    const ticket = await openTicket(app, alice);
    smtp.mode = 'temporary-failure';
    expect(await sendDueMail(deps)).toMatchObject({ retried: 1 });
    expect(await sendLater(60)).toMatchObject({ retried: 1 });
    expect(await sendLater(600)).toMatchObject({ failed: 1 });
    smtp.mode = 'accept';
    expect(await mailOf(ticket.id)).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('keeps mail while the SMTP server is down and sends it when it is back', async () => {
    const ticket = await openTicket(app, alice);
    const port = smtp.port;
    await smtp.close();
    const down = await sendDueMail(deps);
    expect(down).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await mailOf(ticket.id)).last_error).toMatch(/ECONNREFUSED|connect/i);
    smtp = await startSmtp({ port });
    expect(await sendLater(10)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual([[alice.user.email]]);
  });
});

describe('GET /admin/outbox', () => {
  it('is for admins, lists newest first with a status filter, and refuses bad input', async () => {
    await openTicket(app, alice);
    const all = await outbox();
    expect(all.total).toBeGreaterThan(0);
    expect(all.items.map((m) => m.id)).toEqual([...all.items.map((m) => m.id)].sort((a, b) => b - a));
    expect((await outbox('?status=queued')).items.every((m) => m.status === 'queued')).toBe(true);
    expect((await call(app, agent, 'GET', '/admin/outbox')).status).toBe(403);
    expect((await call(app, alice, 'POST', '/admin/outbox/1/retry')).status).toBe(403);
    expect((await call(app, admin, 'GET', '/admin/outbox?status=lost')).status).toBe(400);
    expect((await call(app, admin, 'POST', '/admin/outbox/999999/retry')).status).toBe(404);
    expect((await call(app, admin, 'POST', '/admin/outbox/abc/retry')).status).toBe(404);
  });
});

describe('without SMTP_URL', () => {
  it('writes each mail as an .eml file under MAIL_DIR', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casehub-mail-'));
    const local = await startTestApp({ env: { MAIL_DIR: dir } });
    try {
      const customer = await signIn(local, 'customer');
      const ticket = await openTicket(local, customer);
      const worker = workerDeps(local.db, local.config, createLogger('silent'));
      expect(await sendDueMail({ ...deps, db: local.db, mailer: worker.mailer })).toEqual({ sent: 1, retried: 0, failed: 0 });
      const files = fs.readdirSync(dir);
      expect(files).toHaveLength(1);
      const eml = fs.readFileSync(path.join(dir, files[0]!), 'utf8');
      expect(eml).toContain(`To: ${customer.user.email}`);
      expect(eml).toContain(ticket.number);
      expect(worker.mailer.description).toContain(dir);
    } finally {
      await local.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
