import { AppError, ConflictError, InternalError, ServiceUnavailableError, ValidationError } from '../errors.js';

/**
 * The one place that reads database driver errors (mysql2, better-sqlite3, knex's pool) and
 * turns them into domain errors. Nothing of the SQL or the driver's message leaves here.
 */

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

const DUPLICATE_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const MISSING_REFERENCE_CODES = new Set(['ER_NO_REFERENCED_ROW_2', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
const DEADLOCK_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, name } = err as { code?: unknown; name?: unknown };
  if (name === 'KnexTimeoutError') return 'ETIMEDOUT';
  return typeof code === 'string' ? code : undefined;
}

export function isDuplicateKey(err: unknown): boolean {
  return DUPLICATE_CODES.has(codeOf(err) ?? '');
}

/** A deadlock or lock timeout: the transaction was rolled back and can be run again. */
export function isRetryableConflict(err: unknown): boolean {
  return DEADLOCK_CODES.has(codeOf(err) ?? '');
}

/** Returns the domain error for a driver error, or undefined when `err` is not one. */
export function translateDbError(err: unknown): AppError | undefined {
  const code = codeOf(err);
  if (code === undefined) return undefined;
  if (UNAVAILABLE_CODES.has(code)) return new ServiceUnavailableError('The database is unavailable');
  // Only reached when the retries ran out: nothing was written, and the request is safe to send again.
  if (DEADLOCK_CODES.has(code)) return new ServiceUnavailableError('The database is busy; retry the request');
  if (DUPLICATE_CODES.has(code)) return new ConflictError('The resource already exists');
  if (MISSING_REFERENCE_CODES.has(code)) return new ValidationError('A referenced resource does not exist');
  if (code.startsWith('ER_') || code.startsWith('SQLITE_')) return new InternalError();
  return undefined;
}
