import type { Knex } from 'knex';
import { insertHistory, type HistoryEntry } from '../cases/repository.js';
import { confidenceOf } from '../classification/log.js';
import { toDbTime } from '../db/time.js';
import { withTransaction } from '../db/transaction.js';
import { clockChanges, type ClockEvent } from '../sla/clocks.js';
import { loadSlaPolicies } from '../sla/deadlines.js';
import { now as clockNow } from '../time/clock.js';
import type { Actor } from './actor.js';
import { lockVisibleTicket } from './commands.js';
import { userHistory } from './history.js';
import type { TicketServices } from './services.js';
import { markForReports } from '../reports/rollups/roller.js';

/**
 * POST /tickets/{id}/classify: the classifier decides again, with the model it has now. Fields
 * a person set stay as they are (the answer still says what the classifier would choose); the
 * others take the new decision, a priority change moving the SLA deadlines like any other.
 */
export async function reclassifyTicket(db: Knex, services: TicketServices, actor: Actor, ref: string) {
  return withTransaction(db, async (trx) => {
    const row = await lockVisibleTicket(trx, actor, ref);
    const { decision, modelVersion } = await services.classifier.decide(trx, row);
    const fields = { category: row.category_source !== 'user', priority: row.priority_source !== 'user' };
    const at = clockNow();
    const nowText = toDbTime(at);
    const changes: Record<string, unknown> = {};
    const history: HistoryEntry[] = [];
    const clockEvent: ClockEvent = {};
    if (fields.category && decision.category.label !== row.category) {
      changes.category = decision.category.label;
      history.push(userHistory(row.id, actor, 'category', row.category, decision.category.label, nowText, 'classifier'));
    }
    if (fields.priority && decision.priority.label !== row.priority) {
      changes.priority = decision.priority.label;
      clockEvent.priorityPolicy = (await loadSlaPolicies(trx)).get(decision.priority.label);
      history.push(userHistory(row.id, actor, 'priority', row.priority, decision.priority.label, nowText, 'classifier'));
    }
    if (fields.category || fields.priority) {
      if (fields.category) changes.category_source = 'auto';
      if (fields.priority) changes.priority_source = 'auto';
      changes.classification_confidence = confidenceOf({ fields, decision });
      await trx('cases')
        .where({ id: row.id })
        .update({ ...changes, ...clockChanges(row, clockEvent, at), updated_at: nowText });
      await markForReports(trx, [row.id]);
      await insertHistory(trx, history);
      await services.classifier.log.record(trx, [{ caseId: row.id, ticketId: row.uuid, fields, decision, modelVersion, at }]);
    }
    return {
      ticket_id: row.uuid,
      ticket_number: row.number,
      category: decision.category.label,
      priority: decision.priority.label,
      confidence: confidenceOf({ fields: { category: true, priority: true }, decision }),
      keywords: [...new Set([...decision.category.keywords, ...decision.priority.keywords])],
      model_version: modelVersion,
      category_decided_by: decision.category.decidedBy,
      priority_decided_by: decision.priority.decidedBy,
      applied: fields,
    };
  });
}
