import type { Knex } from 'knex';
import { now } from '../time/clock.js';
import { minutes, percent } from './figures.js';
import type { ReportRange } from './range.js';
import { readConsistently } from './rollups/consistent.js';
import { rolledMedians } from './rollups/medians.js';
import { readRollups, type RolledUp } from './rollups/totals.js';
import type { ClockState } from './sql.js';

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

interface AssigneeCounts {
  assigned: number;
  resolved: number;
  open: number;
  /** Tickets created in the range that met every SLA target they had. */
  met: number;
  /** … that met every target or breached one: the rest still run, or have none. */
  decided: number;
}

const isMet = (states: ClockState[]) => states.every((state) => state === 'met' || state === 'none') && states.some((state) => state === 'met');

/** Per assignee, from the rollups' `agents.created` (assignee, clock states), `agents.resolved` and `agents.open` (assignee). */
function perAssignee(totals: RolledUp['totals']): Map<number, AssigneeCounts> {
  const counts = new Map<number, AssigneeCounts>();
  const of = (id: unknown) => {
    const found = counts.get(Number(id)) ?? { assigned: 0, resolved: 0, open: 0, met: 0, decided: 0 };
    counts.set(Number(id), found);
    return found;
  };
  for (const { values: [id, ...states], n } of totals['agents.created']) {
    const agent = of(id);
    agent.assigned += n;
    if (isMet(states as ClockState[])) agent.met += n;
    if (isMet(states as ClockState[]) || states.includes('breached')) agent.decided += n;
  }
  for (const { values: [id], n } of totals['agents.resolved']) of(id).resolved += n;
  for (const { values: [id], n } of totals['agents.open']) of(id).open += n;
  return counts;
}

/**
 * Per agent (and admin) over the range:
 * - assigned: tickets created in the range and assigned to them now;
 * - resolved: their tickets resolved in the range;
 * - open: their open tickets now, whatever the range (the load they carry);
 * - median first response and resolution, over their tickets answered or resolved in the range;
 * - SLA met: of their tickets created in the range whose SLA is decided, the share that met
 *   every target (the SLA report's reckoning, per agent).
 * `onlyUserId` narrows it to one person's own row (an agent asking): only their median buckets
 * are read; the summed rollups are small enough to read for everyone.
 */
export async function agentsReport(db: Knex, range: ReportRange, onlyUserId?: number): Promise<AgentsReport> {
  const staffQuery = db('users').whereIn('role', ['agent', 'admin']).select('id', 'uuid', 'email', 'first_name', 'last_name', 'role', 'active').orderBy('id');
  const [staff, { totals, firstResponse, resolution }] = await Promise.all([
    (onlyUserId === undefined ? staffQuery : staffQuery.where('id', onlyUserId)) as Promise<StaffRow[]>,
    readConsistently(db, async (reader) => {
      const rolled = await readRollups(reader, range, now(), {
        series: false,
        totals: ['agents.created', 'agents.resolved', 'agents.first_response', 'agents.resolution'],
        now: ['agents.open'],
      });
      const [firstResponse, resolution] = await Promise.all(['first_response' as const, 'resolution' as const].map((metric) => rolledMedians(reader, rolled, metric, onlyUserId)));
      return { totals: rolled.totals, firstResponse: firstResponse!, resolution: resolution! };
    }),
  ]);
  const counted = perAssignee(totals);
  const agents = staff.map((user): AgentFigures => {
    const id = Number(user.id);
    const figures = counted.get(id) ?? { assigned: 0, resolved: 0, open: 0, met: 0, decided: 0 };
    return {
      agent_id: user.uuid,
      email: user.email,
      name: `${user.first_name} ${user.last_name}`.trim(),
      role: user.role,
      active: Boolean(user.active),
      assigned: figures.assigned,
      resolved: figures.resolved,
      open: figures.open,
      median_first_response_minutes: minutes(firstResponse.get(id)),
      median_resolution_minutes: minutes(resolution.get(id)),
      sla_met_percent: percent(figures.met, figures.decided),
    };
  });
  // A deactivated colleague with nothing in the range is history, not a row.
  return { from: range.from, to: range.to, time_zone: range.timeZone, agents: agents.filter((a) => a.active || a.assigned + a.resolved + a.open > 0) };
}
