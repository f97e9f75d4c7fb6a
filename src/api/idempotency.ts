import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { TokenSigner } from '../auth/tokens.js';
import { isDuplicateKey } from '../db/errors.js';
import { fromDbTime, toDbTime } from '../db/time.js';
import { ConflictError, ValidationError } from '../errors.js';

const KEEP_MS = 24 * 3600 * 1000;
// A claim still unanswered after this long belongs to a process that died mid-request.
const ABANDONED_MS = 60 * 1000;
const USABLE_KEY = /^[\x21-\x7e]{1,255}$/;

interface StoredAnswer {
  status: number;
  location: string | null;
  body: unknown;
}

interface KeyRow {
  id: number;
  scope: string;
  idempotency_key: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

/** Whose key it is: the signed-in user (across token refreshes), else the client address. */
async function scopeOf(signer: TokenSigner, authorization: string, address: string): Promise<string> {
  const token = /^Bearer (\S+)$/i.exec(authorization)?.[1];
  if (token) {
    try {
      return `user:${(await signer.verifyAccess(token)).sub}`;
    } catch {
      // An invalid token: the route answers 401 by itself.
    }
  }
  return `address:${address}`;
}

/**
 * `Idempotency-Key` on POST (DESIGN §5): the first successful answer to a key is kept for 24
 * hours and replayed (with `Idempotent-Replayed: true`) for the same request; the same key with
 * another request is a 409, and so is a retry that arrives while the first is still running.
 * An error answer is not kept: the request can simply be sent again with the same key.
 */
export function idempotency(db: Knex, signer: TokenSigner): Middleware {
  return async (ctx, next) => {
    const key = ctx.get('Idempotency-Key');
    if (ctx.method !== 'POST' || key === '') return next();
    if (!USABLE_KEY.test(key)) throw new ValidationError('Invalid Idempotency-Key', { 'Idempotency-Key': ['must be 1 to 255 visible ASCII characters'] });

    const scope = await scopeOf(signer, ctx.get('Authorization'), ctx.ip);
    const requestHash = createHash('sha256').update(`${ctx.method} ${ctx.path}\n${JSON.stringify(ctx.request.body ?? null)}`).digest('hex');
    const row = await claim(db, scope, key, requestHash);
    if (row) {
      if (row.request_hash !== requestHash) throw new ConflictError('This Idempotency-Key was already used for a different request');
      if (row.status_code === null) throw new ConflictError('A request with this Idempotency-Key is still in progress');
      const answer = JSON.parse(row.response_body!) as StoredAnswer;
      ctx.status = answer.status;
      if (answer.location) ctx.set('Location', answer.location);
      ctx.set('Idempotent-Replayed', 'true');
      ctx.body = answer.body;
      return;
    }

    const where = { scope, idempotency_key: key };
    try {
      await next();
    } catch (err) {
      await db('idempotency_keys').where(where).delete();
      throw err;
    }
    if (ctx.status >= 200 && ctx.status < 300) {
      const answer: StoredAnswer = { status: ctx.status, location: ctx.response.get('Location') || null, body: ctx.body ?? null };
      await db('idempotency_keys').where(where).update({ status_code: ctx.status, response_body: JSON.stringify(answer) });
    } else {
      await db('idempotency_keys').where(where).delete();
    }
  };
}

/** Takes the key for this request (undefined), or answers the row already holding it. An expired or abandoned row is replaced. */
async function claim(db: Knex, scope: string, key: string, requestHash: string): Promise<KeyRow | undefined> {
  for (;;) {
    try {
      await db('idempotency_keys').insert({ scope, idempotency_key: key, request_hash: requestHash, created_at: toDbTime(new Date()) });
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const row = await db<KeyRow>('idempotency_keys').where({ scope, idempotency_key: key }).first();
    if (!row) continue;
    const age = Date.now() - Date.parse(fromDbTime(row.created_at)!);
    if (age < (row.status_code === null ? ABANDONED_MS : KEEP_MS)) return row;
    await db('idempotency_keys').where({ id: row.id }).delete();
  }
}
