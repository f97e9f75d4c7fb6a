import net from 'node:net';
import { clientErrorReply, SERVER_TIMEOUTS } from '../../src/http/server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.close());

describe('the HTTP server', () => {
  it('uses the contract timeouts: headers 10 s, request 30 s, keep-alive 5 s', () => {
    expect(SERVER_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 });
    expect(app.server.headersTimeout).toBe(10_000);
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.keepAliveTimeout).toBe(5_000);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    const other = await startTestApp();
    const port = Number(new URL(other.baseUrl).port);

    // A request whose body is still arriving when shutdown starts.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'whatever-it-is' });
    socket.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const reply = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const closing = other.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write(body);

    expect(await reply).toMatch(/^HTTP\/1\.1 401 /);
    await closing;
    await expect(fetch(other.baseUrl + '/health')).rejects.toThrow();
  });
});

/** Sends raw bytes, half-closes, and answers what came back before the server closed. */
async function rawExchange(port: number, request: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const text = await new Promise<string>((resolve) => {
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
    socket.end(request);
  });
  return { status: Number(text.split(' ')[1]), body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown> };
}

describe('requests the HTTP parser refuses', () => {
  it('answers a body shorter than its Content-Length with the contract JSON 400', async () => {
    const port = Number(new URL(app.baseUrl).port);
    const reply = await rawExchange(
      port,
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email": "cut-',
    );
    expect(reply).toEqual({
      status: 400,
      body: { status: 'error', code: 'VALIDATION_ERROR', message: 'Malformed HTTP request', request_id: expect.any(String) },
    });
  });

  it('answers headers over the limit with the contract JSON 431', async () => {
    const port = Number(new URL(app.baseUrl).port);
    const reply = await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reply.status).toBe(431);
    expect(reply.body).toMatchObject({ status: 'error', code: 'VALIDATION_ERROR' });
  });

  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST_TIMEOUT'],
    ['HPE_HEADER_OVERFLOW', 431, 'VALIDATION_ERROR'],
    ['HPE_INVALID_METHOD', 400, 'VALIDATION_ERROR'],
  ])('maps %s to %i %s', (code, status, errorCode) => {
    const reply = clientErrorReply(Object.assign(new Error('x'), { code }));
    const [head, body] = reply.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body!)}`);
    expect(JSON.parse(body!)).toMatchObject({ status: 'error', code: errorCode });
  });
});
