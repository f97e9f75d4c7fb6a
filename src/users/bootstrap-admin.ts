import type { Knex } from 'knex';
import { isDuplicateKey } from '../db/errors.js';
import { generatePassword, hashPassword } from './passwords.js';
import { findUserByEmail, hasActiveAdmin, insertUser } from './repository.js';

export type AdminBootstrap =
  | { created: false }
  | { created: true; email: string; generatedPassword: string | undefined };

/**
 * On first start, with no admin yet, creates one from ADMIN_EMAIL/ADMIN_PASSWORD, or with a
 * generated password the caller prints once. Safe when several instances start together.
 */
export async function ensureAdmin(db: Knex, email: string, password: string | undefined): Promise<AdminBootstrap> {
  if (await hasActiveAdmin(db)) return { created: false };
  const result = await createAdmin(db, email, password);
  return result.created ? result : { created: false };
}

/** Creates an admin account; `created: false` when the email is already taken. */
export async function createAdmin(db: Knex, rawEmail: string, password: string | undefined): Promise<AdminBootstrap> {
  const email = rawEmail.trim().toLowerCase();
  const generatedPassword = password === undefined ? generatePassword() : undefined;
  try {
    await insertUser(db, { role: 'admin', email, passwordHash: await hashPassword(password ?? generatedPassword!) });
  } catch (err) {
    // Another instance won the race, or the address belongs to someone already.
    if (isDuplicateKey(err) && (await findUserByEmail(db, email))) return { created: false };
    throw err;
  }
  return { created: true, email, generatedPassword };
}
