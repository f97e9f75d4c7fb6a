import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';

export type UserRole = 'customer' | 'agent' | 'admin';

export interface UserRow {
  id: number;
  uuid: string;
  role: UserRole;
  email: string | null;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  phone: string | null;
  active: number | boolean;
  last_assigned_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewUser {
  role: UserRole;
  email: string | null;
  passwordHash: string | null;
  firstName?: string;
  lastName?: string;
  phone?: string | null;
}

export async function insertUser(db: Knex, user: NewUser): Promise<UserRow> {
  const now = toDbTime(new Date());
  const uuid = randomUUID();
  await db('users').insert({
    uuid,
    role: user.role,
    email: user.email?.toLowerCase() ?? null,
    password_hash: user.passwordHash,
    first_name: user.firstName ?? '',
    last_name: user.lastName ?? '',
    phone: user.phone ?? null,
    active: true,
    created_at: now,
    updated_at: now,
  });
  return (await db<UserRow>('users').where({ uuid }).first())!;
}

export async function findUserByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ email: email.toLowerCase() }).first();
}

export async function hasActiveAdmin(db: Knex): Promise<boolean> {
  return (await db('users').where({ role: 'admin', active: true }).first('id')) !== undefined;
}

export async function findActiveUserById(db: Knex, id: number): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id, active: true }).first();
}

export async function findActiveUserByUuid(db: Knex, uuid: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ uuid, active: true }).first();
}
