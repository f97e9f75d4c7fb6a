import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';

const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Sender {
  name: string;
  email: string;
}

function splitName(name: string): { first_name: string; last_name: string } {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return { first_name: (parts[0] ?? '').slice(0, 100), last_name: parts.slice(1).join(' ').slice(0, 100) };
}

/**
 * The customer account for an inbound sender, matched by email and created (without a password)
 * when new. Staff addresses are not turned into customers. Undefined when the sender has no usable
 * email. Safe against concurrent requests from the same new sender.
 */
export async function customerForSender(trx: Knex.Transaction, sender: Sender | undefined): Promise<number | undefined> {
  const email = sender?.email.trim().toLowerCase();
  if (!sender || !email || email.length > 254 || !LOOKS_LIKE_EMAIL.test(email)) return undefined;
  const now = toDbTime(new Date());
  await trx('users')
    .insert({ uuid: randomUUID(), role: 'customer', email, ...splitName(sender.name), active: true, created_at: now, updated_at: now })
    .onConflict('email')
    .ignore();
  const user = await trx('users').where({ email }).first<{ id: number; role: string }>('id', 'role');
  return user && user.role === 'customer' ? Number(user.id) : undefined;
}
