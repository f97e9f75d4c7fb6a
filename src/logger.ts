import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** JSON lines on stdout; every request's lines carry its request id (see src/http/request-context.ts). */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'casehub' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'password', 'api_key', 'refresh_token'],
  });
}
