import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';

export interface NewRefreshToken {
  userId: number;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
}

export interface RefreshTokenRow {
  id: number;
  user_id: number;
  family_id: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

export async function insertRefreshToken(db: Knex, token: NewRefreshToken): Promise<void> {
  await db('refresh_tokens').insert({
    user_id: token.userId,
    family_id: token.familyId,
    token_hash: token.tokenHash,
    expires_at: toDbTime(token.expiresAt),
    created_at: toDbTime(new Date()),
  });
}

export function findRefreshToken(db: Knex, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db<RefreshTokenRow>('refresh_tokens').where({ token_hash: tokenHash }).first();
}

/** Marks the token used; false when another request used it first (the loser is a reuse). */
export async function markRefreshTokenUsed(db: Knex, id: number, now: Date): Promise<boolean> {
  return (await db('refresh_tokens').where({ id }).whereNull('used_at').update({ used_at: toDbTime(now) })) === 1;
}

export async function revokeRefreshFamily(db: Knex, familyId: string, now: Date): Promise<void> {
  await db('refresh_tokens').where({ family_id: familyId }).whereNull('revoked_at').update({ revoked_at: toDbTime(now) });
}

/**
 * A family is revoked as soon as any of its tokens is: a token issued by a refresh that raced
 * the revocation (inserted just after it) is refused through its family all the same.
 */
export async function isFamilyRevoked(db: Knex, familyId: string): Promise<boolean> {
  return (await db('refresh_tokens').where({ family_id: familyId }).whereNotNull('revoked_at').first('id')) !== undefined;
}
