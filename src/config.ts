/**
 * Configuration is environment only, read once at start, validated, typed and frozen.
 * A bad value stops the process with one line naming the variable and what it expects.
 */

export type Role = 'api' | 'worker' | 'all';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type DatabaseTarget =
  | { dialect: 'sqlite'; filename: string }
  | { dialect: 'mysql'; host: string; port: number; user: string; password: string; database: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly role: Role;
  readonly database: DatabaseTarget;
  readonly databaseUrl: string;
  readonly dbPoolMax: number;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  /** The largest file POST /tickets/import takes. */
  readonly importMaxBytes: number;
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  readonly ingestLogDays: number;
  /** Worker threads that parse, validate and strip ingest bodies; 0 does it on the event loop. */
  readonly ingestThreads: number;
  readonly classifyLogDir: string | undefined;
  /** Read the client's address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy: boolean;
  /** Unset: a secret generated once and kept in the database (see src/settings.ts). */
  readonly jwtSecret: string | undefined;
  /** Where links in mail point: the address people reach this installation at. */
  readonly publicUrl: string;
  /** Unset: mail is written as .eml files under `mailDir` instead of sent. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly mailDir: string;
  readonly mailMaxAttempts: number;
  /** How long a sender may take over a batch before another sender may take it over. */
  readonly mailClaimSeconds: number;
}

export class ConfigError extends Error {
  /** `received` is left out of the message for secrets. */
  constructor(
    readonly variable: string,
    expectation: string,
    received: string | undefined,
  ) {
    super(
      `Invalid configuration: ${variable} must be ${expectation}` +
        (received === undefined ? '' : ` (got ${JSON.stringify(received)})`),
    );
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

const SECRETS = new Set(['ADMIN_PASSWORD', 'JWT_SECRET', 'SMTP_URL']);

/** Reads one variable: the default when unset or empty, else the parsed value or a ConfigError. */
function read<T>(env: Env, name: string, fallback: T, parse: (raw: string) => T | undefined, expectation: string): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = parse(raw.trim());
  if (value === undefined) throw new ConfigError(name, expectation, SECRETS.has(name) ? undefined : raw);
  return value;
}

function integerIn(min: number, max: number) {
  return (raw: string): number | undefined => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T | undefined => values.find((v) => v === raw.toLowerCase());
}

function boolean(raw: string): boolean | undefined {
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** `5mb`, `512kb`, `1048576`: a size in bytes. */
const MB = 1024 * 1024;

/** `5mb`, `512kb`, `2gb` or plain bytes, from 1 kB up to `max`. */
function byteSize(max: number) {
  return (raw: string): number | undefined => {
    const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw);
    if (!match) return undefined;
    const unit = { b: 1, kb: 1024, mb: MB, gb: 1024 * MB }[(match[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
    const bytes = Number(match[1]) * unit;
    return bytes >= 1024 && bytes <= max ? bytes : undefined;
  };
}

/** `sqlite:path/to/file.sqlite` or `mysql://user:pass@host:port/db`. */
export function parseDatabaseUrl(raw: string): DatabaseTarget | undefined {
  if (raw.startsWith('sqlite:')) {
    const filename = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return filename === '' ? undefined : { dialect: 'sqlite', filename };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const database = decodeURIComponent(url.pathname.slice(1));
  if (url.protocol !== 'mysql:' || url.hostname === '' || !/^[A-Za-z0-9_$]{1,64}$/.test(database)) return undefined;
  return {
    dialect: 'mysql',
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
  };
}

function urlWith(protocols: readonly string[]) {
  return (raw: string): string | undefined => {
    try {
      return protocols.includes(new URL(raw).protocol) ? raw.replace(/\/+$/, '') : undefined;
    } catch {
      return undefined;
    }
  };
}

/** `Name <address>` or a bare address. */
function mailbox(raw: string): string | undefined {
  const address = /<([^<>]+)>\s*$/.exec(raw)?.[1] ?? raw;
  return EMAIL.test(address.trim()) ? raw : undefined;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/casehub.sqlite';

export function loadConfig(env: Env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  const database = read(
    env,
    'DATABASE_URL',
    parseDatabaseUrl(DEFAULT_DATABASE_URL)!,
    parseDatabaseUrl,
    'sqlite:<path> or mysql://user:pass@host:port/database',
  );
  const adminPassword = read<string | undefined>(
    env,
    'ADMIN_PASSWORD',
    undefined,
    (raw) => (raw.length >= 12 ? raw : undefined),
    'at least 12 characters',
  );
  const port = read(env, 'PORT', 3000, integerIn(0, 65535), 'an integer from 0 to 65535');
  return Object.freeze({
    port,
    host: read(env, 'HOST', '0.0.0.0', (raw) => raw, 'a host name or address'),
    role: read<Role>(env, 'ROLE', 'all', oneOf(['api', 'worker', 'all'] as const), 'one of api, worker, all'),
    database: Object.freeze(database),
    databaseUrl,
    // Five: more statements at once than the database has cores only queue inside it, and on two
    // cores ten made the ticket lists' slowest answers slower (docs/performance.md).
    dbPoolMax: read(env, 'DB_POOL_MAX', 5, integerIn(1, 200), 'an integer from 1 to 200'),
    logLevel: read<LogLevel>(
      env,
      'LOG_LEVEL',
      'info',
      oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
      'one of fatal, error, warn, info, debug, trace, silent',
    ),
    bodyLimitBytes: read(env, 'BODY_LIMIT', 5 * MB, byteSize(100 * MB), 'a size from 1kb to 100mb, such as 5mb'),
    importMaxBytes: read(env, 'IMPORT_MAX_SIZE', 1024 * MB, byteSize(10 * 1024 * MB), 'a size from 1kb to 10gb, such as 500mb'),
    adminEmail: read(env, 'ADMIN_EMAIL', 'admin@casehub.local', (raw) => (EMAIL.test(raw) ? raw.toLowerCase() : undefined), 'an email address'),
    adminPassword,
    ingestLogDays: read(env, 'INGEST_LOG_DAYS', 30, integerIn(1, 3650), 'an integer from 1 to 3650 (days)'),
    ingestThreads: read(env, 'INGEST_THREADS', 1, integerIn(0, 64), 'an integer from 0 to 64'),
    classifyLogDir: read<string | undefined>(env, 'CLASSIFY_LOG_DIR', undefined, (raw) => raw, 'a directory path'),
    trustProxy: read(env, 'TRUST_PROXY', false, boolean, 'true or false'),
    jwtSecret: read<string | undefined>(env, 'JWT_SECRET', undefined, (raw) => (raw.length >= 32 ? raw : undefined), 'at least 32 characters'),
    publicUrl: read(env, 'PUBLIC_URL', `http://localhost:${port}`, urlWith(['http:', 'https:']), 'an http:// or https:// URL'),
    smtpUrl: read<string | undefined>(env, 'SMTP_URL', undefined, urlWith(['smtp:', 'smtps:']), 'an smtp:// or smtps:// URL'),
    mailFrom: read(env, 'MAIL_FROM', 'Casehub <casehub@localhost>', mailbox, 'an address, or Name <address>'),
    mailDir: read(env, 'MAIL_DIR', './data/mail', (raw) => raw, 'a directory path'),
    mailMaxAttempts: read(env, 'MAIL_MAX_ATTEMPTS', 5, integerIn(1, 50), 'an integer from 1 to 50'),
    mailClaimSeconds: read(env, 'MAIL_CLAIM_SECONDS', 120, integerIn(5, 3600), 'an integer from 5 to 3600 (seconds)'),
  });
}
