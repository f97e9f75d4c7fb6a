import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody, jsonRequest } from '../helpers/json.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { BODY_LIMIT: '4kb' } });
});

afterAll(() => app.close());

describe('error JSON', () => {
  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await app.request('/no/such/route');
    expect(response.status).toBe(404);
    expect(await errorBody(response)).toMatchObject({ code: 'NOT_FOUND', message: 'No route for GET /no/such/route' });
  });

  it('answers an unknown route under the API prefix with 404 before reading any body', async () => {
    const response = await app.request('/api/v1/nothing-here', jsonRequest('POST', '{not json'));
    expect(response.status).toBe(404);
    expect((await errorBody(response)).code).toBe('NOT_FOUND');
  });

  it('answers a wrong method with 405 METHOD_NOT_ALLOWED and an Allow header', async () => {
    const response = await app.request('/health', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('HEAD, GET');
    expect((await errorBody(response)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers a method the server does not know with 405 too', async () => {
    const response = await app.request('/health', { method: 'PROPFIND' });
    expect(response.status).toBe(405);
    expect((await errorBody(response)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers GET on a POST route with 405 naming POST', async () => {
    const response = await app.request('/api/v1/auth/login');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await errorBody(response)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each([
    ['a truncated object', '{"email": "a@b.c", "password": '],
    ['a bare word', 'hello'],
    ['a trailing comma', '{"email": "a@b.c",}'],
  ])('answers malformed JSON (%s) with 400 VALIDATION_ERROR', async (_name, raw) => {
    const response = await app.request('/api/v1/auth/login', jsonRequest('POST', raw));
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ code: 'VALIDATION_ERROR', message: 'Malformed JSON body' });
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await app.request(
      '/api/v1/auth/login',
      jsonRequest('POST', { email: 'a@b.c', password: 'x'.repeat(8 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect((await errorBody(response)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lists every failing field in one 400', async () => {
    const response = await app.request('/api/v1/auth/login', jsonRequest('POST', { email: 42, extra: true }));
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.errors).toEqual({
      email: ['must be string'],
      password: ['is required'],
      extra: ['is not allowed'],
    });
  });

  it('answers a database failure with a generic 500 and no trace of SQL', async () => {
    // A broken schema is a real server-side fault: the route's query fails inside the driver.
    await app.db.schema.renameTable('users', 'users_moved');
    try {
      const response = await app.request(
        '/api/v1/auth/login',
        jsonRequest('POST', { email: 'someone@example.com', password: 'whatever-it-is' }),
      );
      expect(response.status).toBe(500);
      expect(await errorBody(response)).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
    } finally {
      await app.db.schema.renameTable('users_moved', 'users');
    }
  });
});
