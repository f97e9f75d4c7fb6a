import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';

export interface NewRefreshToken {
  userId: number;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
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
