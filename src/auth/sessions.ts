import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { fromDbTime } from '../db/time.js';
import { UnauthorizedError } from '../errors.js';
import { hashPassword, verifyPassword } from '../users/passwords.js';
import { findActiveUserById, findUserByEmail, type UserRow } from '../users/repository.js';
import { findRefreshToken, insertRefreshToken, isFamilyRevoked, markRefreshTokenUsed, revokeRefreshFamily } from './refresh-tokens.js';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure, type LoginAttempt } from './throttle.js';
import { ACCESS_TOKEN_SECONDS, hashToken, newRefreshToken, REFRESH_TOKEN_DAYS, type TokenSigner } from './tokens.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

// Compared against when the account does not exist, so a miss costs as long as a wrong password.
const decoyHash = hashPassword('casehub-decoy-password');

/** A new access token and a refresh token in `familyId` (a login starts a family; a refresh continues it). */
async function issueTokens(db: Knex, signer: TokenSigner, user: UserRow, familyId: string): Promise<TokenPair> {
  const refresh = newRefreshToken();
  await insertRefreshToken(db, {
    userId: user.id,
    familyId,
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

export async function login(db: Knex, signer: TokenSigner, attempt: LoginAttempt, password: string): Promise<TokenPair> {
  await assertLoginAllowed(db, attempt);
  const user = await findUserByEmail(db, attempt.email);
  const valid = await verifyPassword(password, user?.password_hash ?? (await decoyHash));
  if (!user || !user.password_hash || !valid || !user.active) {
    await recordLoginFailure(db, attempt);
    throw new UnauthorizedError('Invalid email or password');
  }
  await clearLoginFailures(db, attempt);
  return issueTokens(db, signer, user, randomUUID());
}

/**
 * Trades a refresh token for a new pair; the old one is spent. Presenting a spent token again
 * means it was copied: the whole family (every token descended from that login) is revoked,
 * so the thief and the owner both have to log in again.
 */
export async function refresh(db: Knex, signer: TokenSigner, token: string): Promise<TokenPair> {
  const now = new Date();
  const row = await findRefreshToken(db, hashToken(token));
  if (!row || row.revoked_at || (await isFamilyRevoked(db, row.family_id))) throw new UnauthorizedError('Invalid refresh token');
  if (row.used_at || !(await markRefreshTokenUsed(db, row.id, now))) {
    await revokeRefreshFamily(db, row.family_id, now);
    throw new UnauthorizedError('Refresh token already used; every session from that login is now signed out');
  }
  if (Date.parse(fromDbTime(row.expires_at)!) <= now.getTime()) throw new UnauthorizedError('Refresh token expired');
  const user = await findActiveUserById(db, row.user_id);
  if (!user) throw new UnauthorizedError('Invalid refresh token');
  return issueTokens(db, signer, user, row.family_id);
}

/**
 * Ends the session the refresh token belongs to. Like OAuth token revocation (RFC 7009), an
 * unknown or already revoked token is not an error: logging out twice is fine. Access tokens
 * already issued run out within 15 minutes.
 */
export async function logout(db: Knex, token: string): Promise<void> {
  const row = await findRefreshToken(db, hashToken(token));
  if (row) await revokeRefreshFamily(db, row.family_id, new Date());
}
