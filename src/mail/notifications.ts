import type { Knex } from 'knex';
import type { SlaMetric } from '../sla/clocks.js';
import { queueMail, type OutgoingMail } from './outbox.js';
import { renderMail } from './templates.js';

/** What a notification needs to know of its ticket. */
export interface NoticeTicket {
  id: number;
  number: string | null;
  subject: string;
  customer_id: number | null;
  assignee_id: number | null;
}

const METRIC_NAMES: Record<SlaMetric, string> = { first_response: 'first response', resolution: 'resolution' };

/** Active users' addresses among these ids, leaving out `except` (who caused the event). */
async function addressesOf(trx: Knex.Transaction, ids: ReadonlyArray<number | null>, except?: number): Promise<string[]> {
  const wanted = ids.filter((id): id is number => id !== null && id !== except);
  if (wanted.length === 0) return [];
  return trx('users').whereIn('id', wanted).where('active', true).whereNotNull('email').pluck('email');
}

async function adminAddresses(trx: Knex.Transaction): Promise<string[]> {
  return trx('users').where({ role: 'admin', active: true }).whereNotNull('email').pluck('email');
}

/**
 * The mails that tell people what happened to a ticket, queued in the transaction of the change.
 * Customers hear of their tickets (created, status, public replies; never an internal note),
 * agents of what is assigned to them, and assignees and admins of SLA trouble. Nobody is mailed
 * about their own action, except the customer's confirmation of a new ticket with its number.
 */
export class Notifier {
  private readonly messageIdDomain: string;

  constructor(private readonly publicUrl: string) {
    this.messageIdDomain = new URL(publicUrl).hostname || 'localhost';
  }

  private link(ticket: NoticeTicket) {
    return { label: `Ticket ${ticket.number}`, url: `${this.publicUrl}/api/v1/tickets/${ticket.number}` };
  }

  private async queue(trx: Knex.Transaction, ticket: NoticeTicket, kind: string, key: string, to: readonly string[], subject: string, body: ReturnType<typeof renderMail>) {
    const mails: OutgoingMail[] = [...new Set(to)].map((address) => ({ kind, key, caseId: ticket.id, to: address, subject: `[${ticket.number}] ${subject}`, ...body }));
    await queueMail(trx, mails, this.messageIdDomain);
  }

  async ticketCreated(trx: Knex.Transaction, ticket: NoticeTicket, uuid: string): Promise<void> {
    const body = renderMail([`We have received your request "${ticket.subject}".`, `Its number is ${ticket.number}; quote it when you write to us about it.`], this.link(ticket));
    await this.queue(trx, ticket, 'ticket_created', `created:${uuid}`, await addressesOf(trx, [ticket.customer_id]), `We received your request: ${ticket.subject}`, body);
  }

  async assigned(trx: Knex.Transaction, ticket: NoticeTicket, assigneeId: number, actorId: number | null, at: string): Promise<void> {
    const body = renderMail([`Ticket ${ticket.number} "${ticket.subject}" is now assigned to you.`], this.link(ticket));
    await this.queue(trx, ticket, 'ticket_assigned', `assigned:${ticket.id}:${assigneeId}:${at}`, await addressesOf(trx, [assigneeId], actorId ?? undefined), `Assigned to you: ${ticket.subject}`, body);
  }

  async statusChanged(trx: Knex.Transaction, ticket: NoticeTicket, to: string, comment: string | null, actorId: number | null, at: string): Promise<void> {
    const status = to.replace('_', ' ');
    const lines = [`The status of your request "${ticket.subject}" is now: ${status}.`, ...(comment ? [`Resolution: ${comment}`] : [])];
    const recipients = await addressesOf(trx, [ticket.customer_id], actorId ?? undefined);
    await this.queue(trx, ticket, 'status_changed', `status:${ticket.id}:${to}:${at}`, recipients, `Your request is ${status}: ${ticket.subject}`, renderMail(lines, this.link(ticket)));
  }

  /** A public reply from staff; internal notes never come here. */
  async publicReply(trx: Knex.Transaction, ticket: NoticeTicket, message: { uuid: string; content: string; authorName: string | null }, actorId: number): Promise<void> {
    const body = renderMail([`${message.authorName ?? 'Support'} replied to your request "${ticket.subject}":`], this.link(ticket), message.content);
    await this.queue(trx, ticket, 'public_reply', `reply:${message.uuid}`, await addressesOf(trx, [ticket.customer_id], actorId), `New reply: ${ticket.subject}`, body);
  }

  /**
   * An SLA clock at 80 % (to the assignee, or the admins when nobody has the ticket) or past its
   * deadline (to the assignee and the admins).
   */
  async slaAlert(trx: Knex.Transaction, ticket: NoticeTicket, metric: SlaMetric, level: 'warning' | 'breach', dueAt: string): Promise<void> {
    const assignee = await addressesOf(trx, [ticket.assignee_id]);
    const to = level === 'breach' || assignee.length === 0 ? [...assignee, ...(await adminAddresses(trx))] : assignee;
    const name = METRIC_NAMES[metric];
    const when = `${dueAt.replace(' ', ' at ').slice(0, 19)} UTC`;
    const line =
      level === 'warning'
        ? `The ${name} of ticket ${ticket.number} "${ticket.subject}" is due ${when}: 80 % of its time has passed.`
        : `The ${name} deadline of ticket ${ticket.number} "${ticket.subject}" passed ${when}: the SLA is breached.`;
    const subject = level === 'warning' ? `SLA warning (${name}): ${ticket.subject}` : `SLA breached (${name}): ${ticket.subject}`;
    await this.queue(trx, ticket, `sla_${level}`, `sla-${level}:${metric}:${ticket.id}:${dueAt}`, to, subject, renderMail([line], this.link(ticket)));
  }
}
