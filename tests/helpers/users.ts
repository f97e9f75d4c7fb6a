import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/users/passwords.js';
import { insertUser, type UserRole, type UserRow } from '../../src/users/repository.js';
import type { TestApp } from './app.js';
import { jsonRequest } from './json.js';

export interface SignedIn {
  user: UserRow;
  token: string;
  /** Headers carrying this user's access token. */
  auth: Record<string, string>;
}

/** Every test user's password. */
export const TEST_PASSWORD = 'a-test-password-123';

/** A new user of the role, logged in through the real login route. */
export async function signIn(app: TestApp, role: UserRole): Promise<SignedIn> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
  const password = TEST_PASSWORD;
  const user = await insertUser(app.db, { role, email, passwordHash: await hashPassword(password), firstName: role });
  const response = await app.request('/api/v1/auth/login', jsonRequest('POST', { email, password }));
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const token = ((await response.json()) as { access_token: string }).access_token;
  return { user, token, auth: { Authorization: `Bearer ${token}` } };
}
