import { assertDocumented } from './helpers/openapi-responses.js';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const url = 'http://127.0.0.1:1/api/v1/auth/me';

describe('the check that answers match openapi.yaml', () => {
  it('passes an answer that matches its documented schema', async () => {
    const user = { id: '6f1c2d0e-8a1b-4c55-9d7e-2b1f0a9c3e11', email: null, role: 'agent', first_name: 'A', last_name: 'B', phone: null, active: true, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' };
    await expect(assertDocumented('GET', url, json(200, user))).resolves.toBeUndefined();
  });

  it('fails a status the operation does not document', async () => {
    await expect(assertDocumented('GET', url, json(418, {}))).rejects.toThrow('GET /api/v1/auth/me → 418: this status is not documented');
  });

  it('fails a body that does not match, naming the field', async () => {
    await expect(assertDocumented('GET', url, json(200, { id: 'x', role: 'pirate' }))).rejects.toThrow(/does not match openapi.yaml: .*role/);
  });

  it('checks the error body of a 500 on any operation', async () => {
    await expect(assertDocumented('GET', url, json(500, { status: 'error', code: 'INTERNAL_ERROR', message: 'x', request_id: 'r' }))).resolves.toBeUndefined();
    await expect(assertDocumented('GET', url, json(500, { oops: true }))).rejects.toThrow(/does not match/);
  });
});
