import type { Knex } from 'knex';
import { countRows } from '../db/count.js';
import { offsetPage, type Page, type PageOf } from '../api/pagination.js';
import { isDuplicateKey } from '../db/errors.js';
import { likeContaining } from '../db/like.js';
import { toDbTime } from '../db/time.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Actor } from '../tickets/actor.js';
import { userView, type UserView } from './accounts.js';
import { forgetUser } from './active-users.js';
import type { UserRole, UserRow } from './repository.js';

export interface PersonFields {
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string | null;
}

/** Customers or agents, newest first; `q` matches a part of the email or name. */
export async function listPeople(db: Knex, role: UserRole, page: Page, q?: string): Promise<PageOf<UserView>> {
  const query = db<UserRow>('users').where({ role });
  if (q) {
    const pattern = likeContaining(q);
    query.where((w) =>
      w.whereRaw("email LIKE ? ESCAPE '!'", [pattern]).orWhereRaw("first_name LIKE ? ESCAPE '!'", [pattern]).orWhereRaw("last_name LIKE ? ESCAPE '!'", [pattern]),
    );
  }
  const [rows, total] = await Promise.all([query.clone().orderBy('id', 'desc').limit(page.limit).offset(page.offset), countRows(query.clone())]);
  return offsetPage(rows.map(userView), total, page);
}

/**
 * A customer or agent by public id. Customers may read only themselves; staff read customers,
 * and agents (and admins) read agents. Anything else is a 404, as for tickets.
 */
export async function findPerson(db: Knex, actor: Actor, role: UserRole, uuid: string): Promise<UserRow> {
  const row = await db<UserRow>('users').where({ uuid: uuid.toLowerCase(), role }).first();
  const mayRead = actor.role !== 'customer' || (row !== undefined && row.id === actor.id);
  if (!row || !mayRead) throw new NotFoundError(`No such ${role}`);
  return row;
}

export async function updatePerson(db: Knex, row: UserRow, fields: PersonFields): Promise<UserRow> {
  const changes: Partial<UserRow> = { updated_at: toDbTime(new Date()) };
  if (fields.email !== undefined) changes.email = fields.email.trim().toLowerCase();
  if (fields.first_name !== undefined) changes.first_name = fields.first_name.trim();
  if (fields.last_name !== undefined) changes.last_name = fields.last_name.trim();
  if (fields.phone !== undefined) changes.phone = fields.phone;
  try {
    await db('users').where({ id: row.id }).update(changes);
    forgetUser(db, row.uuid);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('An account with this email already exists');
    throw err;
  }
  return (await db<UserRow>('users').where({ id: row.id }).first())!;
}

/** Deleting a person deactivates them: their tickets and history keep their name, and they cannot log in. */
export async function deactivatePerson(db: Knex, row: UserRow): Promise<void> {
  await db('users').where({ id: row.id }).update({ active: false, updated_at: toDbTime(new Date()) });
  forgetUser(db, row.uuid);
  await db('refresh_tokens').where({ user_id: row.id }).whereNull('revoked_at').update({ revoked_at: toDbTime(new Date()) });
}
