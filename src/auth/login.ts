import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { UnauthorizedError } from '../errors.js';
import { hashPassword, verifyPassword } from '../users/passwords.js';
import { findUserByEmail } from '../users/repository.js';
import { insertRefreshToken } from './refresh-tokens.js';
import { ACCESS_TOKEN_SECONDS, newRefreshToken, REFRESH_TOKEN_DAYS, type TokenSigner } from './tokens.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

// Compared against when the account does not exist, so a miss costs as long as a wrong password.
const decoyHash = hashPassword('casehub-decoy-password');

export async function login(db: Knex, signer: TokenSigner, email: string, password: string): Promise<TokenPair> {
  const user = await findUserByEmail(db, email);
  const valid = await verifyPassword(password, user?.password_hash ?? (await decoyHash));
  if (!user || !user.password_hash || !valid || !user.active) throw new UnauthorizedError('Invalid email or password');

  const refresh = newRefreshToken();
  await insertRefreshToken(db, {
    userId: user.id,
    familyId: randomUUID(),
    tokenHash: refresh.hash,
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * 24 * 3600 * 1000),
  });
  return {
    access_token: await signer.signAccess({ sub: user.uuid, role: user.role }),
    refresh_token: refresh.token,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
  };
}
