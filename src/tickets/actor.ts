import type { Knex } from 'knex';
import type { UserRole } from '../users/repository.js';

/** Who is asking: the signed-in user, as every ticket rule needs them. */
export interface Actor {
  id: number;
  uuid: string;
  role: UserRole;
}

export const isStaff = (actor: Actor) => actor.role === 'agent' || actor.role === 'admin';

/**
 * Narrows a query on `cases` to the tickets the actor may see (DESIGN §5): customers their own,
 * agents those assigned to them or to nobody, admins all. Archived tickets are for admins only.
 * Every read path (lists, single reads, messages, history, counts) goes through here.
 */
export function visibleTo<T extends Knex.QueryBuilder>(query: T, actor: Actor): T {
  if (actor.role === 'customer') query.where('cases.customer_id', actor.id);
  if (actor.role === 'agent') query.where((q) => q.where('cases.assignee_id', actor.id).orWhereNull('cases.assignee_id'));
  if (actor.role !== 'admin') query.where('cases.archived', false);
  return query;
}
