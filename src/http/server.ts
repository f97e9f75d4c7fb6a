import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type { ErrorCode } from '../errors.js';

/** DESIGN §4: a slow or stalled client cannot hold a connection open for long. */
export const SERVER_TIMEOUTS = Object.freeze({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 });

/**
 * The answer to a request Node's HTTP parser refused before the app saw it (a body shorter than
 * its Content-Length, oversized headers, a timeout): the contract's error JSON, where Node's own
 * answer would be a bare status line.
 */
export function clientErrorReply(err: Error & { code?: string }): string {
  const [status, code, message]: [number, ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'VALIDATION_ERROR', 'The request headers are too large']
        : [400, 'VALIDATION_ERROR', 'Malformed HTTP request'];
  const requestId = randomUUID();
  const body = JSON.stringify({ status: 'error', code, message, request_id: requestId });
  return [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function createServer(app: Koa): http.Server {
  const server = http.createServer(app.callback());
  server.headersTimeout = SERVER_TIMEOUTS.headersMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestMs;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveMs;
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    // As Node's own handler does: a client that is gone, or a connection whose response has
    // already started (`_httpMessage` is the response attached to it), gets nothing more.
    const answering = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) return void socket.destroy();
    socket.end(clientErrorReply(err));
  });
  return server;
}

export function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Stops accepting connections, lets requests in flight finish, and after `graceMs` cuts
 * whatever is still open. Resolves when the server is closed.
 */
export function closeGracefully(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
