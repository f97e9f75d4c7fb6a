import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';

/**
 * Parses JSON bodies up to the configured limit. Mounted on routers, not the app, so a path
 * that does not exist answers 404 (or 405) before any body is read.
 */
export function jsonBody(limitBytes: number): Middleware {
  return koaBody({ jsonLimit: limitBytes, includeUnparsed: true, urlencoded: false, text: false, multipart: false });
}
