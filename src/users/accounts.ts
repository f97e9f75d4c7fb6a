import type { Knex } from 'knex';
import { isDuplicateKey } from '../db/errors.js';
import { fromDbTime } from '../db/time.js';
import { ConflictError } from '../errors.js';
import { hashPassword } from './passwords.js';
import { insertUser, type UserRole, type UserRow } from './repository.js';

export interface UserView {
  id: string;
  email: string | null;
  role: UserRole;
  first_name: string;
  last_name: string;
  phone: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export function userView(row: UserRow): UserView {
  return {
    id: row.uuid,
    email: row.email,
    role: row.role,
    first_name: row.first_name,
    last_name: row.last_name,
    phone: row.phone,
    active: Boolean(row.active),
    created_at: fromDbTime(row.created_at)!,
    updated_at: fromDbTime(row.updated_at)!,
  };
}

export interface NewAccount {
  email: string;
  /** None for a customer added by staff: they can have tickets, not log in. */
  password?: string;
  first_name?: string;
  last_name?: string;
  phone?: string | null;
}

/**
 * A person: a customer registering, one added by staff (no password), or an agent an admin
 * creates. An email
 * already known, even a customer matched from an inbound mail who never set a password, is a
 * 409: without proof of owning the address, taking over that record would open its tickets.
 */
export async function createAccount(db: Knex, role: UserRole, account: NewAccount): Promise<UserRow> {
  try {
    return await insertUser(db, {
      role,
      email: account.email.trim(),
      passwordHash: account.password === undefined ? null : await hashPassword(account.password),
      firstName: account.first_name?.trim(),
      lastName: account.last_name?.trim(),
      phone: account.phone ?? null,
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('An account with this email already exists');
    throw err;
  }
}
