import type { Knex } from 'knex';
import { forUpdate } from '../db/transaction.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import type { Actor } from './actor.js';
import { OPEN_STATUSES } from './workflow.js';

export type AssignTo = { agent_id: string | null } | { auto: true };

/** The user a ticket goes to: the internal id to store, the public id to show. */
export interface Assignee {
  id: number;
  uuid: string;
}

/**
 * The least-loaded active agent: fewest open tickets, ties to whoever was assigned least
 * recently (never assigned counts as longest ago), then the oldest account. The agents' rows
 * are locked until the transaction ends, so concurrent auto-assignments take turns and each
 * sees the ticket the previous one gave out.
 */
async function leastLoadedAgent(trx: Knex.Transaction): Promise<Assignee | undefined> {
  const agents: Array<{ id: number; uuid: string; last_assigned_at: string | null }> = await forUpdate(
    trx,
    trx('users').where({ role: 'agent', active: true }).orderBy('id').select('id', 'uuid', 'last_assigned_at'),
  );
  if (agents.length === 0) return undefined;
  const loads: Array<{ assignee_id: number; n: number | string }> = await trx('cases')
    .whereIn('assignee_id', agents.map((a) => a.id))
    .whereIn('status', OPEN_STATUSES)
    .where('archived', false)
    .groupBy('assignee_id')
    .select('assignee_id', trx.raw('count(*) as n'));
  const load = new Map(loads.map((l) => [Number(l.assignee_id), Number(l.n)]));
  const ranked = [...agents].sort(
    (a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || (a.last_assigned_at ?? '').localeCompare(b.last_assigned_at ?? '') || a.id - b.id,
  );
  return { id: Number(ranked[0]!.id), uuid: ranked[0]!.uuid };
}

/**
 * The user a ticket goes to (null: nobody). Agents may assign to themselves
 * (or unassign themselves) only; admins to any active agent or admin, or to whoever
 * auto-assignment picks.
 */
export async function resolveAssignee(trx: Knex.Transaction, actor: Actor, to: AssignTo): Promise<Assignee | null> {
  if ('auto' in to) {
    if (actor.role !== 'admin') throw new ForbiddenError('Only admins can auto-assign; agents assign themselves', { auto: ['is for admins only'] });
    const agent = await leastLoadedAgent(trx);
    if (agent === undefined) throw new ValidationError('There is no active agent to assign to', { auto: ['no active agent'] });
    return agent;
  }
  if (to.agent_id === null) return null;
  const user = await trx('users').where({ uuid: to.agent_id.toLowerCase() }).first('id', 'uuid', 'role', 'active');
  if (!user || !user.active || user.role === 'customer') throw new ValidationError('No such active agent', { agent_id: ['is not an active agent or admin'] });
  if (actor.role === 'agent' && Number(user.id) !== actor.id) throw new ForbiddenError('Agents can only assign tickets to themselves', { agent_id: ['must be your own id'] });
  return { id: Number(user.id), uuid: user.uuid as string };
}
