import type { Knex } from 'knex';
import { now } from '../time/clock.js';
import { OPEN_STATUSES } from '../tickets/workflow.js';
import { count, minutes, percent } from './figures.js';
import type { ReportRange } from './range.js';
import { createdWithClocks, durations, happenedIn, medians, TICKET_BREACHED, TICKET_MET } from './sql.js';

export interface AgentFigures {
  agent_id: string;
  email: string | null;
  name: string;
  role: string;
  active: boolean;
  assigned: number;
  resolved: number;
  open: number;
  median_first_response_minutes: number | null;
  median_resolution_minutes: number | null;
  sla_met_percent: number | null;
}

export interface AgentsReport {
  from: string;
  to: string;
  time_zone: string;
  agents: AgentFigures[];
}

interface StaffRow {
  id: number;
  uuid: string;
  email: string | null;
  first_name: string;
  last_name: string;
  role: string;
  active: boolean | number;
}

/** Tickets per assignee that `query` selects, as a map from user id. */
async function perAssignee(query: Knex.QueryBuilder): Promise<Map<number, number>> {
  const rows = (await query.whereNotNull('assignee_id').select('assignee_id').count({ n: '*' }).groupBy('assignee_id')) as Array<{ assignee_id: number; n: unknown }>;
  return new Map(rows.map((row) => [Number(row.assignee_id), count(row.n)]));
}

/** Per assignee, of the tickets created in the range whose SLA was decided: how many met every target. */
async function slaMet(db: Knex, clocks: Knex.QueryBuilder): Promise<Map<number, { met: number; decided: number }>> {
  const rows = (await db
    .from(clocks.whereNotNull('assignee_id').select('assignee_id').as('clocks'))
    .select('assignee_id')
    .select(db.raw(`SUM(CASE WHEN ${TICKET_MET} THEN 1 ELSE 0 END) AS met`))
    .select(db.raw(`SUM(CASE WHEN ${TICKET_MET} OR ${TICKET_BREACHED} THEN 1 ELSE 0 END) AS decided`))
    .groupBy('assignee_id')) as Array<{ assignee_id: number; met: unknown; decided: unknown }>;
  return new Map(rows.map((row) => [Number(row.assignee_id), { met: count(row.met), decided: count(row.decided) }]));
}

/**
 * Per agent (and admin) over the range:
 * - assigned: tickets created in the range and assigned to them now;
 * - resolved: their tickets resolved in the range;
 * - open: their open tickets now, whatever the range (the load they carry);
 * - median first response and resolution, over their tickets answered or resolved in the range;
 * - SLA met: of their tickets created in the range whose SLA is decided, the share that met
 *   every target (the SLA report's reckoning, per agent).
 * `onlyUserId` narrows it to one person's own row (an agent asking): then only their tickets
 * are read.
 */
export async function agentsReport(db: Knex, range: ReportRange, onlyUserId?: number): Promise<AgentsReport> {
  const staffQuery = db('users').whereIn('role', ['agent', 'admin']).select('id', 'uuid', 'email', 'first_name', 'last_name', 'role', 'active').orderBy('id');
  const theirs = (query: Knex.QueryBuilder) => (onlyUserId === undefined ? query : query.where('assignee_id', onlyUserId));
  const [staff, assigned, resolved, open, firstResponse, resolution, sla] = await Promise.all([
    (onlyUserId === undefined ? staffQuery : staffQuery.where('id', onlyUserId)) as Promise<StaffRow[]>,
    perAssignee(theirs(happenedIn(db, 'created_at', range))),
    perAssignee(theirs(happenedIn(db, 'resolved_at', range))),
    perAssignee(theirs(db('cases').where('archived', false).whereIn('status', OPEN_STATUSES))),
    medians(db, theirs(durations(db, 'first_response_at', range, 'assignee_id'))),
    medians(db, theirs(durations(db, 'resolved_at', range, 'assignee_id'))),
    slaMet(db, theirs(createdWithClocks(db, range, now()))),
  ]);
  const agents = staff.map((user): AgentFigures => {
    const id = Number(user.id);
    const clocks = sla.get(id);
    return {
      agent_id: user.uuid,
      email: user.email,
      name: `${user.first_name} ${user.last_name}`.trim(),
      role: user.role,
      active: Boolean(user.active),
      assigned: assigned.get(id) ?? 0,
      resolved: resolved.get(id) ?? 0,
      open: open.get(id) ?? 0,
      median_first_response_minutes: minutes(firstResponse.get(String(id))),
      median_resolution_minutes: minutes(resolution.get(String(id))),
      sla_met_percent: clocks ? percent(clocks.met, clocks.decided) : null,
    };
  });
  // A deactivated colleague with nothing in the range is history, not a row.
  return { from: range.from, to: range.to, time_zone: range.timeZone, agents: agents.filter((a) => a.active || a.assigned + a.resolved + a.open > 0) };
}
