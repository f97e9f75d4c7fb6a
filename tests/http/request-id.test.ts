import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('generates a fresh id per request when none is sent', async () => {
    const first = (await app.request('/health')).headers.get('x-request-id');
    const second = (await app.request('/health')).headers.get('x-request-id');
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('echoes the id the caller sent', async () => {
    const response = await app.request('/health', { headers: { 'X-Request-Id': 'lb-7f3a:42' } });
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a:42');
  });

  it('puts the id into error bodies', async () => {
    const response = await app.request('/missing', { headers: { 'X-Request-Id': 'trace-123' } });
    expect((await errorBody(response)).request_id).toBe('trace-123');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'has spaces'],
    ['with markup', '<script>'],
  ])('replaces an unusable id (%s) with a generated one', async (_name, offered) => {
    const response = await app.request('/health', { headers: { 'X-Request-Id': offered } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });
});
