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

/** The address a sender is matched by, or undefined when it is not a usable email. */
export function senderKey(sender: Sender | undefined): string | undefined {
  const email = sender?.email.trim().toLowerCase();
  return email && email.length <= 254 && LOOKS_LIKE_EMAIL.test(email) ? email : undefined;
}

async function customerIds(trx: Knex.Transaction, emails: readonly string[]): Promise<Map<string, number | undefined>> {
  const rows: Array<{ id: number; email: string; role: string }> = await trx('users').whereIn('email', emails).select('id', 'email', 'role');
  // Staff addresses are not turned into customers.
  return new Map(rows.map((row) => [row.email, row.role === 'customer' ? Number(row.id) : undefined]));
}

/**
 * The customer account of each inbound sender, matched by email and created (without a password)
 * when new, in two or three statements whatever the count. Safe against concurrent requests from
 * the same new sender. Senders without a usable email get none.
 */
export async function customersForSenders(trx: Knex.Transaction, senders: ReadonlyArray<Sender | undefined>): Promise<Map<string, number | undefined>> {
  const byEmail = new Map<string, Sender>();
  for (const sender of senders) {
    const email = senderKey(sender);
    if (email && !byEmail.has(email)) byEmail.set(email, sender!);
  }
  if (byEmail.size === 0) return new Map();
  const found = await customerIds(trx, [...byEmail.keys()]);
  const missing = [...byEmail].filter(([email]) => !found.has(email));
  if (missing.length === 0) return found;
  const now = toDbTime(new Date());
  await trx('users')
    .insert(missing.map(([email, sender]) => ({ uuid: randomUUID(), role: 'customer', email, ...splitName(sender.name), active: true, created_at: now, updated_at: now })))
    .onConflict('email')
    .ignore();
  for (const [email, id] of await customerIds(trx, missing.map(([email]) => email))) found.set(email, id);
  return found;
}

export async function customerForSender(trx: Knex.Transaction, sender: Sender | undefined): Promise<number | undefined> {
  const email = senderKey(sender);
  return email ? (await customersForSenders(trx, [sender])).get(email) : undefined;
}
