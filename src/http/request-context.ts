import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

// Accept the caller's id only when it is safe to echo into headers and logs.
const USABLE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Gives every request an id (echoed as X-Request-Id), a bound logger, and one access-log line. */
export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const offered = ctx.get('X-Request-Id');
    ctx.requestId = USABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.log = logger.child({ request_id: ctx.requestId });
    ctx.set('X-Request-Id', ctx.requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      ctx.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    }
  };
}
