/** The contract's error body (DESIGN §9). */
export interface ErrorBody {
  status: 'error';
  code: string;
  message: string;
  errors?: Record<string, string[]>;
  request_id: string;
}

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Reads a response that must be the contract's error JSON, and checks nothing internal leaked. */
export async function errorBody(response: Response): Promise<ErrorBody> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await response.text();
  expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack|sqlite|select |insert /i);
  expect(text).not.toMatch(/\b(SQLITE|ER)_[A-Z]/);
  const body = JSON.parse(text) as ErrorBody;
  expect(body).toMatchObject({ status: 'error', code: expect.any(String), message: expect.any(String) });
  expect(body.request_id).toBe(response.headers.get('x-request-id'));
  return body;
}
