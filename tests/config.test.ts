import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      role: 'all',
      databaseUrl: 'sqlite:./data/casehub.sqlite',
      database: { dialect: 'sqlite', filename: './data/casehub.sqlite' },
      bodyLimitBytes: 5 * 1024 * 1024,
      logLevel: 'info',
      ingestLogDays: 30,
      ingestThreads: 1,
      adminEmail: 'admin@casehub.local',
      adminPassword: undefined,
    });
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.database)).toBe(true);
  });

  it('parses a MySQL URL with credentials and an escaped password', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://casehub:p%40ss@db.internal:3307/support' });
    expect(config.database).toEqual({
      dialect: 'mysql',
      host: 'db.internal',
      port: 3307,
      user: 'casehub',
      password: 'p@ss',
      database: 'support',
    });
  });

  it('reads sizes, roles and levels in their documented forms', () => {
    const config = loadConfig({ BODY_LIMIT: '512kb', ROLE: 'Worker', LOG_LEVEL: 'debug', PORT: '8080' });
    expect(config).toMatchObject({ bodyLimitBytes: 512 * 1024, role: 'worker', logLevel: 'debug', port: 8080 });
  });

  it.each([
    ['PORT', 'eighty', 'an integer from 0 to 65535'],
    ['PORT', '70000', 'an integer from 0 to 65535'],
    ['PORT', '-1', 'an integer from 0 to 65535'],
    ['ROLE', 'cron', 'one of api, worker, all'],
    ['DATABASE_URL', 'postgres://localhost/db', 'sqlite:<path> or mysql://'],
    ['DATABASE_URL', 'mysql://localhost', 'sqlite:<path> or mysql://'],
    ['DATABASE_URL', 'sqlite:', 'sqlite:<path> or mysql://'],
    ['LOG_LEVEL', 'loud', 'one of fatal'],
    ['BODY_LIMIT', 'huge', 'a size from 1kb to 100mb'],
    ['BODY_LIMIT', '500mb', 'a size from 1kb to 100mb'],
    ['ADMIN_EMAIL', 'not-an-address', 'an email address'],
    ['ADMIN_PASSWORD', 'short', 'at least 12 characters'],
    ['INGEST_LOG_DAYS', '0', 'an integer from 1 to 3650'],
    ['INGEST_THREADS', 'two', 'an integer from 0 to 64'],
    ['INGEST_THREADS', '65', 'an integer from 0 to 64'],
    ['DB_POOL_MAX', '1.5', 'an integer from 1 to 200'],
    ['PUBLIC_URL', 'support.example.com', 'an http:// or https:// URL'],
    ['PUBLIC_URL', 'ftp://example.com', 'an http:// or https:// URL'],
    ['SMTP_URL', 'mail.example.com:25', 'an smtp:// or smtps:// URL'],
    ['MAIL_FROM', 'Support <nowhere>', 'an address, or Name <address>'],
    ['MAIL_MAX_ATTEMPTS', '0', 'an integer from 1 to 50'],
    ['MAIL_CLAIM_SECONDS', '2', 'an integer from 5 to 3600'],
  ])('rejects %s=%j naming the variable and what it expects', (variable, value, expectation) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${variable} must be ${expectation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  it('never prints a rejected secret', () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: 'hunter2-ish' })).toThrow(
      /^Invalid configuration: ADMIN_PASSWORD must be at least 12 characters$/,
    );
    expect(() => loadConfig({ SMTP_URL: 'http://user:s3cret@mail' })).toThrow(/^Invalid configuration: SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL$/);
  });

  it('reads the mail settings, with a link base from the port by default', () => {
    expect(loadConfig({ PORT: '8080' })).toMatchObject({ publicUrl: 'http://localhost:8080', smtpUrl: undefined, mailFrom: 'Casehub <casehub@localhost>', mailMaxAttempts: 5, mailClaimSeconds: 120 });
    const config = loadConfig({ PUBLIC_URL: 'https://help.example.com/', SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Help <help@example.com>' });
    expect(config).toMatchObject({ publicUrl: 'https://help.example.com', smtpUrl: 'smtps://u:p@mail.example.com:465', mailFrom: 'Help <help@example.com>' });
  });
});

describe('starting with a bad value', () => {
  it('stops the process with one line naming the variable', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: 'sqlite::memory:' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: PORT must be an integer from 0 to 65535 (got "eighty")',
    ]);
  });
});
