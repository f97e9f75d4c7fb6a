import net from 'node:net';
import { SERVER_TIMEOUTS } from '../../src/http/server.js';
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
