import type { Knex } from 'knex';
import { createDb } from '../../src/db/connect.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { queueMail, type OutgoingMail } from '../../src/mail/outbox.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/database.js';
import { runBuilt, runToEnd, type RunningProcess } from '../helpers/process.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

let database: TestDatabase;
let db: Knex;
let smtp: TestSmtp;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(testConfig(database.url), createLogger('silent'));
  await migrateLatest(db);
});
afterEach(async () => {
  await smtp?.close();
  await db('mail_outbox').delete();
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

async function queue(count: number): Promise<void> {
  const mails: OutgoingMail[] = Array.from({ length: count }, (_, i) => ({
    kind: 'ticket_created',
    key: `load:${i}`,
    caseId: null,
    to: `customer${i}@example.com`,
    subject: `Mail ${i}`,
    text: `Body ${i}`,
    html: `<p>Body ${i}</p>`,
  }));
  for (let i = 0; i < mails.length; i += 500) await db.transaction((trx) => queueMail(trx, mails.slice(i, i + 500), 'example.com'));
}

const workerEnv = (extra: Record<string, string> = {}) => ({ DATABASE_URL: database.url, SMTP_URL: smtp.url, ...extra });
const runOnce = (extra: Record<string, string> = {}) => runToEnd('dist/src/cli.js', ['worker', 'run-once', 'email'], workerEnv(extra));

/** Each Message-ID the SMTP server took, with how many times. */
function deliveries(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of smtp.messageIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe('workers on several instances (MySQL)', () => {
  it('sends 2,000 due mails exactly once with three senders claiming side by side', async () => {
    smtp = await startSmtp({ parse: false });
    await queue(2000);
    const runs = await Promise.all([runOnce(), runOnce(), runOnce()]);
    for (const run of runs) expect(run.code).toBe(0);
    const sentBy = runs.map((run) => (JSON.parse(run.stdout) as { sent: number }).sent);
    expect(sentBy.reduce((a, b) => a + b, 0)).toBe(2000);
    // Each sender took a share: they worked side by side, not one after another.
    expect(sentBy.filter((n) => n > 0).length).toBeGreaterThan(1);

    const expected: string[] = await db('mail_outbox').pluck('message_id');
    const counts = deliveries();
    expect(counts.size).toBe(2000);
    expect(expected.every((id) => counts.get(id) === 1)).toBe(true);
    expect(await db('mail_outbox').whereNot('status', 'sent').count({ n: '*' })).toEqual([{ n: 0 }]);
  }, 120_000);

  it('loses nothing when a sender is killed mid-batch: the rest go out after a restart', async () => {
    smtp = await startSmtp({ parse: false, delayMs: 5 });
    await queue(300);
    const claimSeconds = 5;
    const first = runBuilt('dist/src/cli.js', ['worker', 'run-once', 'email'], workerEnv({ MAIL_CLAIM_SECONDS: String(claimSeconds) }));
    while (smtp.messageIds.length < 40) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill('SIGKILL');
    await first.exited();
    const sentBeforeKill = smtp.messageIds.length;
    expect(sentBeforeKill).toBeLessThan(300);

    // The dead sender's claim runs out; then a new sender picks up everything left.
    await new Promise((resolve) => setTimeout(resolve, claimSeconds * 1000 + 500));
    const second = await runOnce({ MAIL_CLAIM_SECONDS: String(claimSeconds) });
    expect(second.code).toBe(0);

    expect(await db('mail_outbox').whereNot('status', 'sent').count({ n: '*' })).toEqual([{ n: 0 }]);
    const expected: string[] = await db('mail_outbox').pluck('message_id');
    const counts = deliveries();
    expect(expected.every((id) => (counts.get(id) ?? 0) >= 1)).toBe(true);
    // At worst the batch in flight at the kill went twice, with the same Message-IDs.
    const repeated = [...counts.values()].filter((n) => n > 1).length;
    expect(repeated).toBeLessThanOrEqual(20);
    expect(counts.size).toBe(300);
  }, 60_000);

  it('runs each fire of the scheduled jobs on one of two instances only, for a minute', async () => {
    smtp = await startSmtp({ parse: false });
    const start = () => runBuilt('dist/src/main.js', [], workerEnv({ ROLE: 'worker', LOG_LEVEL: 'debug' }));
    const instances: RunningProcess[] = [start(), start()];
    try {
      await Promise.all(instances.map((i) => i.waitForLog(/^workers started/)));
      await new Promise((resolve) => setTimeout(resolve, 61_000));
    } finally {
      for (const instance of instances) instance.child.kill('SIGTERM');
      await Promise.all(instances.map((i) => i.exited()));
    }
    const runs = instances.flatMap((instance) =>
      instance
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; job?: string; fire?: string })
        .filter((entry) => entry.msg === 'job ran'),
    );
    const firesOf = (job: string) => runs.filter((run) => run.job === job).map((run) => run.fire!);
    // email fires every 5 s (about 12 fires in the minute), sla once a minute: each fire ran once in all.
    expect(firesOf('email').length).toBeGreaterThanOrEqual(10);
    expect(firesOf('sla').length).toBeGreaterThanOrEqual(1);
    for (const job of ['email', 'sla']) expect(new Set(firesOf(job)).size).toBe(firesOf(job).length);
  }, 120_000);
});
