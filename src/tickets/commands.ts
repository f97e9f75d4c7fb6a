import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { changesSearchedText, markForSearch } from '../search/pending.js';
import { customerForSender } from '../customers/match.js';
import { dbTimeMs, toDbTime } from '../db/time.js';
import { forUpdate, withTransaction } from '../db/transaction.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { insertHistory, replaceTags, type HistoryEntry } from '../cases/repository.js';
import { insertAll } from '../cases/bulk.js';
import { normaliseTags, tagListText, tagRows, tagsOfRow } from '../cases/tags.js';
import { allocateTicketNumbers } from '../cases/ticket-number.js';
import type { Category, Priority, Status } from '../cases/vocabulary.js';
import { clockChanges, newTicketClocks, type ClockEvent } from '../sla/clocks.js';
import { loadSlaPolicies } from '../sla/deadlines.js';
import { now as clockNow } from '../time/clock.js';
import { visibleTo, type Actor } from './actor.js';
import { resolveAssignee, type AssignTo } from './assignment.js';
import { assertMaySet } from './fields.js';
import { userHistory } from './history.js';
import { findVisibleTicket, ticketQuery, whereTicketRef } from './queries.js';
import type { TicketServices } from './services.js';
import type { TicketRow } from './view.js';
import { assertTransition } from './workflow.js';
import { markForReports } from '../reports/rollups/roller.js';

export interface TicketCreate {
  subject: string;
  description?: string | null;
  priority?: Priority | 'critical';
  category?: Category | null;
  tags?: string[];
  customer_id?: string;
  customer_email?: string;
}

export interface TicketChanges {
  subject?: string;
  description?: string | null;
  priority?: Priority | 'critical';
  category?: Category | null;
  tags?: string[];
  status?: Status;
  resolution_comment?: string | null;
  assignee?: AssignTo;
}

const priorityOf = (p: Priority | 'critical' | undefined): Priority | undefined => (p === 'critical' ? 'urgent' : p);

/** The customer a staff member files the ticket for: by public id, or by email (created when new). */
async function customerFor(trx: Knex.Transaction, actor: Actor, body: TicketCreate): Promise<number | null> {
  if (actor.role === 'customer') return actor.id;
  if (body.customer_id !== undefined) {
    const user = await trx('users').where({ uuid: body.customer_id.toLowerCase(), role: 'customer' }).first('id');
    if (!user) throw new ValidationError('No such customer', { customer_id: ['is not a customer'] });
    return Number(user.id);
  }
  if (body.customer_email !== undefined) {
    const id = await customerForSender(trx, { name: '', email: body.customer_email });
    if (id === undefined) throw new ValidationError('That address belongs to staff, not a customer', { customer_email: ['is not a customer address'] });
    return id;
  }
  return null;
}

/** POST /tickets: a new ticket from the API, numbered and given SLA deadlines in one transaction. */
export async function createTicket(db: Knex, services: TicketServices, actor: Actor, body: TicketCreate): Promise<string> {
  assertMaySet(actor, 'create', body);
  if (body.customer_id !== undefined && body.customer_email !== undefined) {
    throw new ValidationError('Give customer_id or customer_email, not both', { customer_email: ['cannot be combined with customer_id'] });
  }
  return withTransaction(db, async (trx) => {
    const now = clockNow();
    const nowText = toDbTime(now);
    const subject = body.subject.trim();
    const description = body.description ?? null;
    const [classified] = await services.classifier.classify(trx, [{ subject, description, category: body.category, priority: priorityOf(body.priority) }]);
    const { columns, decided } = classified!;
    const policies = await loadSlaPolicies(trx);
    const customerId = await customerFor(trx, actor, body);
    const uuid = randomUUID();
    const tags = normaliseTags(body.tags);
    const [caseId] = (await trx('cases').insert({
      uuid,
      source: 'api',
      subject,
      description,
      status: 'open',
      ...columns,
      customer_id: customerId,
      tag_list: tagListText(tags),
      ...newTicketClocks(policies.get(columns.priority), now, 'open', null, now),
      created_at: nowText,
      updated_at: nowText,
    })) as [number];
    await insertAll(trx, 'case_tags', tagRows({ id: caseId, created_at: nowText, archived: false }, tags));
    await insertHistory(trx, [userHistory(caseId, actor, 'created', null, 'open', nowText)]);
    await markForSearch(trx, [caseId]);
    await markForReports(trx, [caseId]);
    if (decided) await services.classifier.log.record(trx, [{ caseId, ticketId: uuid, ...decided }]);
    const [number] = (await allocateTicketNumbers(trx, now, 1)) as [string];
    await trx('cases').where({ id: caseId }).update({ number });
    await services.notifier.ticketCreated(trx, { id: caseId, number, subject, customer_id: customerId, assignee_id: null }, uuid);
    return uuid;
  });
}

/** What a status change sets besides the status and the SLA clocks: its timestamps, and the resolution comment. */
function statusEffects(to: Status, comment: string | null | undefined, now: Date, changes: Record<string, unknown>): void {
  const nowText = toDbTime(now);
  if (comment !== undefined && to !== 'resolved' && to !== 'rejected') {
    throw new ValidationError('A resolution comment goes with resolving or rejecting', { resolution_comment: ['is only allowed with status resolved or rejected'] });
  }
  if (to === 'resolved') changes.resolved_at = nowText;
  if (to === 'closed') changes.closed_at = nowText;
  if (to === 'reopened') Object.assign(changes, { resolved_at: null, closed_at: null });
  if (to === 'resolved' || to === 'rejected') changes.resolution_comment = comment ?? null;
}

/**
 * Applies changes to a ticket the actor can see, in one transaction with a row lock, each
 * changed field recorded in history (who, field, from, to, when). Status moves follow the
 * workflow; a priority change moves the SLA deadlines; assigning an open or reopened ticket
 * makes it `assigned`. Fields the actor's role may not set were refused before this.
 */
export async function changeTicket(db: Knex, services: TicketServices, actor: Actor, ref: string, input: TicketChanges): Promise<void> {
  await withTransaction(db, async (trx) => applyTicketChanges(trx, services, actor, await lockVisibleTicket(trx, actor, ref), input));
}

/** The ticket the actor may see, locked until the transaction ends; 404 otherwise. */
export async function lockVisibleTicket(trx: Knex.Transaction, actor: Actor, ref: string): Promise<TicketRow> {
  const visible = visibleTo(trx('cases').select('cases.id'), actor);
  const found = whereTicketRef(visible, ref) ? await forUpdate(trx, visible).first() : undefined;
  if (!found) throw new NotFoundError('No such ticket');
  return (await ticketQuery(trx).where('cases.id', found.id).first()) as TicketRow;
}

/** `changeTicket` inside a transaction the caller holds, on a row it locked. */
export async function applyTicketChanges(trx: Knex.Transaction, services: TicketServices, actor: Actor, row: TicketRow, input: TicketChanges): Promise<void> {
  const now = clockNow();
  const nowText = toDbTime(now);
  const changes: Record<string, unknown> = {};
  const clockEvent: ClockEvent = {};
  const history: HistoryEntry[] = [];
  const set = (field: keyof TicketRow, value: unknown, label: string = field) => {
    if (row[field] === value) return;
    history.push(userHistory(row.id, actor, label, row[field], value, nowText));
    changes[field] = value;
  };

  if (input.subject !== undefined) set('subject', input.subject.trim());
  if (input.description !== undefined) set('description', input.description);
  // A person setting a field, even to the value it has, makes it a label the classifier learns from.
  if (input.category !== undefined) {
    set('category', input.category);
    if (row.category_source !== 'user') changes.category_source = 'user';
  }
  const priority = priorityOf(input.priority);
  if (priority !== undefined) {
    set('priority', priority);
    if (row.priority_source !== 'user') changes.priority_source = 'user';
    if (priority !== row.priority) clockEvent.priorityPolicy = (await loadSlaPolicies(trx)).get(priority);
  }
  await recordOverrides(trx, services, actor, row, changes, now);
  let status = row.status as Status;
  if (input.status !== undefined && input.status !== status) {
    assertTransition(status, input.status, row.closed_at ? new Date(dbTimeMs(row.closed_at)) : null, now);
    statusEffects(input.status, input.resolution_comment, now, changes);
    set('status', input.status);
    status = input.status;
  } else if (input.resolution_comment !== undefined) {
    statusEffects(status, input.resolution_comment, now, changes);
  }
  if (input.assignee !== undefined) {
    const assignee = await resolveAssignee(trx, actor, input.assignee);
    if ((assignee?.id ?? null) !== row.assignee_id) {
      history.push(userHistory(row.id, actor, 'assignee', row.assignee_uuid, assignee?.uuid ?? null, nowText));
      changes.assignee_id = assignee?.id ?? null;
      if (assignee !== null) {
        await trx('users').where({ id: assignee.id }).update({ last_assigned_at: nowText });
        if (status === 'open' || status === 'reopened') set('status', 'assigned');
      }
    }
  }
  if (input.tags !== undefined) {
    const tags = normaliseTags(input.tags);
    const current = tagsOfRow(row);
    if (tags.join('\u0000') !== current.join('\u0000')) {
      await replaceTags(trx, row, tags);
      history.push(userHistory(row.id, actor, 'tags', current, tags, nowText));
    }
  }
  if (Object.keys(changes).length === 0 && history.length === 0) return;
  if (status !== row.status) clockEvent.status = status;
  Object.assign(changes, clockChanges(row, clockEvent, now));
  await trx('cases').where({ id: row.id }).update({ ...changes, updated_at: nowText });
  if (changesSearchedText(changes)) await markForSearch(trx, [row.id]);
  await markForReports(trx, [row.id]);
  await insertHistory(trx, history);
  await notifyChanges(trx, services, actor, row, changes, nowText);
}

/** A person changing a field the classifier set is an override, noted on the decision that set it. */
async function recordOverrides(trx: Knex.Transaction, { classifier }: TicketServices, actor: Actor, row: TicketRow, changes: Record<string, unknown>, at: Date): Promise<void> {
  const overridden: { category?: string | null; priority?: string } = {};
  if ('category' in changes && row.category_source === 'auto') overridden.category = changes.category as string | null;
  if ('priority' in changes && row.priority_source === 'auto') overridden.priority = changes.priority as string;
  if (Object.keys(overridden).length > 0) await classifier.log.recordOverride(trx, row, overridden, actor, at);
}

/** The mails a change causes: to the new assignee, and to the customer when the status moved. */
async function notifyChanges(trx: Knex.Transaction, { notifier }: TicketServices, actor: Actor, row: TicketRow, changes: Record<string, unknown>, at: string): Promise<void> {
  const ticket = { ...row, ...changes } as TicketRow;
  if (changes.assignee_id) await notifier.assigned(trx, ticket, ticket.assignee_id!, actor.id, at);
  if (changes.status) await notifier.statusChanged(trx, ticket, ticket.status, (changes.resolution_comment as string | null | undefined) ?? null, actor.id, at);
}

/** DELETE /tickets/{id}: admins archive; the ticket is hidden from lists and kept. */
export async function archiveTicket(db: Knex, actor: Actor, ref: string): Promise<void> {
  const row = await findVisibleTicket(db, actor, ref);
  if (row.archived) return;
  const nowText = toDbTime(clockNow());
  await withTransaction(db, async (trx) => {
    // An archived ticket's clocks are no longer watched.
    const unwatched = { first_response_check_at: null, resolution_check_at: null };
    await trx('cases').where({ id: row.id }).update({ archived: true, archived_at: nowText, updated_at: nowText, ...unwatched });
    await trx('case_tags').where({ case_id: row.id }).update({ case_archived: true });
    await markForReports(trx, [row.id]);
    await insertHistory(trx, [userHistory(row.id, actor, 'archived', false, true, nowText)]);
  });
}
