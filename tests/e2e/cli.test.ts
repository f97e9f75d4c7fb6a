import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/database.js';
import { runToEnd } from '../helpers/process.js';
import { migrations } from '../../migrations/index.js';
import { createDb } from '../../src/db/connect.js';
import { createLogger } from '../../src/logger.js';
import { verifyPassword } from '../../src/users/passwords.js';

let database: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url };
});

afterAll(() => database.drop());

const cli = (...args: string[]) => runToEnd('dist/src/cli.js', args, env);

async function withDb<T>(work: (db: ReturnType<typeof knexFactory>) => Promise<T>): Promise<T> {
  const db = createDb(testConfig(database.url), createLogger('silent'));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

describe('casehub CLI', () => {
  it('prints usage without a command, and refuses an unknown one', async () => {
    const help = await cli();
    expect(help.code).toBe(0);
    expect(help.stderr).toContain('Usage: casehub <command>');
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command: frobnicate');
  });

  it('migrate applies every migration, then nothing the second time', async () => {
    const first = await cli('migrate');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^Applied ${migrations.length} migration\\(s\\)`));
    const second = await cli('migrate');
    expect(second.stdout).toMatch(/^Applied 0 migration\(s\)/);
  });

  it('create-admin stores a hashed password that verifies, and refuses the same email twice', async () => {
    const created = await cli('create-admin', '--email', 'Lead@Example.com', '--password', 'a-long-enough-password');
    expect(created).toMatchObject({ code: 0, stdout: 'Created admin lead@example.com\n' });
    const row = await withDb((db) => db('users').where({ email: 'lead@example.com' }).first());
    expect(row).toMatchObject({ role: 'admin' });
    expect(row.password_hash).not.toContain('a-long-enough-password');
    expect(await verifyPassword('a-long-enough-password', row.password_hash as string)).toBe(true);

    const again = await cli('create-admin', '--email', 'lead@example.com');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('create-admin without a password generates and prints one', async () => {
    const created = await cli('create-admin', '--email', 'second@example.com');
    expect(created.code).toBe(0);
    const password = /Generated password: (\S+)/.exec(created.stdout)?.[1];
    expect(password).toHaveLength(24);
    const row = await withDb((db) => db('users').where({ email: 'second@example.com' }).first());
    expect(await verifyPassword(password!, row.password_hash as string)).toBe(true);
  });

  it.each([
    [['create-admin'], 'needs --email'],
    [['create-admin', '--email', 'nope'], 'needs --email'],
    [['create-admin', '--email', 'a@b.c', '--password', 'short'], 'at least 12 characters'],
  ])('create-admin %j is refused with exit 2', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('worker run-once runs a job and prints what it did; an unknown job is refused with exit 2', async () => {
    const sla = await cli('worker', 'run-once', 'sla');
    expect(sla.code).toBe(0);
    expect(JSON.parse(sla.stdout)).toEqual({ job: 'sla', warnings: 0, breaches: 0 });
    const automations = await cli('worker', 'run-once', 'automations');
    expect(JSON.parse(automations.stdout)).toMatchObject({ job: 'automations', closed: 0 });
    for (const args of [['worker', 'run-once', 'nap'], ['worker', 'run-once'], ['worker', 'start', 'sla']]) {
      const refused = await cli(...args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('Usage: casehub worker run-once JOB, where JOB is one of sla, email, automations');
    }
  });

  it('import reads a file with the same rules as the API: exit 0, 3 when rows failed, 1 for an unreadable file', async () => {
    const first = await cli('import', 'docs/import/tickets.csv');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ dry_run: false, imported: 3, skipped: 0, failed: 0 });
    const history = await withDb((db) => db('case_history').where({ field: 'created', note: 'import' }).select('actor_type'));
    expect(history).toEqual([{ actor_type: 'system' }, { actor_type: 'system' }, { actor_type: 'system' }]);
    const again = await cli('import', 'docs/import/tickets.xml');
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: 3 });

    const dir = await mkdtemp(join(tmpdir(), 'casehub-import-'));
    try {
      await writeFile(join(dir, 'bad-rows.json'), JSON.stringify([{ subject: 'Fine' }, { subject: '' }]));
      const partial = await cli('import', join(dir, 'bad-rows.json'), '--dry-run');
      expect(partial.code).toBe(3);
      expect(JSON.parse(partial.stdout)).toMatchObject({ dry_run: true, imported: 1, failed: 1, errors: [{ row: 2 }] });

      await writeFile(join(dir, 'export.txt'), '<tickets><ticket>');
      const broken = await cli('import', join(dir, 'export.txt'), '--format', 'xml');
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('The file is not valid XML');
      expect((await cli('import', join(dir, 'export.txt'))).stderr).toContain('Cannot tell the format');
      expect((await cli('import')).code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Six CLI processes, each starting Node and connecting: more than the default 5 s on a busy CI machine.
  }, 30_000);

  it('migrate --rollback removes every table', async () => {
    const result = await cli('migrate', '--rollback');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Reverted ${migrations.length} migration\\(s\\)`));
    expect(await withDb((db) => db.schema.hasTable('cases'))).toBe(false);
  });

  it('stops with the config error line for a bad DATABASE_URL', async () => {
    const result = await runToEnd('dist/src/cli.js', ['migrate'], { DATABASE_URL: 'oracle://x' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Invalid configuration: DATABASE_URL must be sqlite:<path> or mysql:/);
  });
});
