import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { PRIORITIES, type Priority } from '../cases/vocabulary.js';
import { now } from '../time/clock.js';
import { loadSlaPolicies, type SlaPolicy } from './deadlines.js';

/** GET /sla-policies: the targets of every priority, most urgent first. */
export async function listSlaPolicies(db: Knex): Promise<SlaPolicy[]> {
  const rank = (p: string) => PRIORITIES.indexOf(p as Priority);
  return [...(await loadSlaPolicies(db)).values()].sort((a, b) => rank(b.priority) - rank(a.priority));
}

/**
 * PUT /sla-policies/{priority}. New targets apply to tickets created from now on and to tickets
 * whose priority changes later; deadlines already given keep their word.
 */
export async function changeSlaPolicy(db: Knex, priority: string, targets: Omit<SlaPolicy, 'priority'>): Promise<SlaPolicy> {
  const key = priority === 'critical' ? 'urgent' : priority;
  if (!PRIORITIES.includes(key as Priority)) throw new NotFoundError(`No SLA policy for priority ${priority}`);
  if (targets.first_response_minutes > targets.resolution_minutes) {
    throw new ValidationError('The first response cannot be due after the resolution', { first_response_minutes: ['must not exceed resolution_minutes'] });
  }
  await db('sla_policies').where({ priority: key }).update({ ...targets, updated_at: toDbTime(now()) });
  return { priority: key, ...targets };
}
