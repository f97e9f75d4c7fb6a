import type { Logger } from '../logger.js';

declare module 'koa' {
  interface DefaultContext {
    /** From `X-Request-Id` when the caller sent a usable one, else generated; echoed back. */
    requestId: string;
    /** The app's logger bound to this request's id. */
    log: Logger;
  }
}
