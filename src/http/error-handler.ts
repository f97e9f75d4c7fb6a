import type { Context, Middleware } from 'koa';
import {
  AppError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../errors.js';
import { translateDbError } from '../db/errors.js';

interface HttpishError {
  status?: unknown;
}

/** Errors thrown by Koa, koa-body and the router carry an HTTP status; give them contract codes. */
function fromHttpError(err: HttpishError, ctx: Context): AppError | undefined {
  if (typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return undefined;
  switch (err.status) {
    case 400:
      // co-body (under koa-body) rethrows JSON.parse's SyntaxError with status 400.
      return new ValidationError(err instanceof SyntaxError ? 'Malformed JSON body' : 'Malformed request');
    case 404:
      return new NotFoundError();
    case 405:
      return new MethodNotAllowedError(allowedMethods(ctx));
    case 413:
      return new PayloadTooLargeError();
    default:
      return new AppError(err.status, 'VALIDATION_ERROR', 'Bad request');
  }
}

function allowedMethods(ctx: Context): string[] {
  return ctx.response
    .get('Allow')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
}

function toAppError(err: unknown, ctx: Context): AppError {
  if (err instanceof AppError) return err;
  return translateDbError(err) ?? fromHttpError((err ?? {}) as HttpishError, ctx) ?? new InternalError();
}

/**
 * A response that ends in an error status with no body: no route matched (404), the path exists
 * for other methods (405), or the method is unknown to the server (501, answered as 405).
 */
function bodilessError(ctx: Context): AppError | undefined {
  if (ctx.body !== undefined && ctx.body !== null) return undefined;
  if (ctx.status === 404) return new NotFoundError(`No route for ${ctx.method} ${ctx.path}`);
  if (ctx.status === 405 || ctx.status === 501) return new MethodNotAllowedError(allowedMethods(ctx));
  return undefined;
}

/** First in the chain: every error leaves as the contract's JSON (DESIGN §9), never a stack trace. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    let error: AppError | undefined;
    try {
      await next();
      error = bodilessError(ctx);
    } catch (err) {
      error = toAppError(err, ctx);
      if (error.status >= 500) ctx.log.error({ err }, 'request failed');
    }
    if (error === undefined) return;
    ctx.status = error.status;
    ctx.set(error.headers);
    ctx.body = {
      status: 'error',
      code: error.code,
      message: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
      request_id: ctx.requestId,
    };
  };
}
