import { ForbiddenError, emptyFieldErrors } from '../errors.js';
import type { Actor } from './actor.js';

/** What each role may set in a ticket body; anything else it sends is a 403 naming the field. */
const SETTABLE: Record<'create' | 'update', Record<Actor['role'], readonly string[]>> = {
  create: {
    customer: ['subject', 'description', 'priority', 'tags'],
    agent: ['subject', 'description', 'priority', 'category', 'tags', 'customer_id', 'customer_email'],
    admin: ['subject', 'description', 'priority', 'category', 'tags', 'customer_id', 'customer_email'],
  },
  update: {
    customer: ['subject', 'description', 'tags'],
    agent: ['subject', 'description', 'priority', 'category', 'tags', 'status', 'resolution_comment', 'assignee_id'],
    admin: ['subject', 'description', 'priority', 'category', 'tags', 'status', 'resolution_comment', 'assignee_id'],
  },
};

/** Refuses a body that sets a field the actor's role may not set: never silently dropped. */
export function assertMaySet(actor: Actor, action: 'create' | 'update', body: object): void {
  const allowed = SETTABLE[action][actor.role];
  const refused = Object.keys(body).filter((field) => !allowed.includes(field));
  if (refused.length === 0) return;
  const errors = emptyFieldErrors();
  for (const field of refused) errors[field] = [`may not be set by a ${actor.role}`];
  throw new ForbiddenError(`A ${actor.role} may not set ${refused.join(', ')}`, errors);
}
