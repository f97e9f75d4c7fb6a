import type { Knex } from 'knex';
import { toDbTime } from '../../db/time.js';
import { SLA_METRICS, type SlaMetric } from '../../sla/clocks.js';
import type { ClockState } from '../sql.js';

/**
 * What the reports count of one ticket: its times, its breakdowns and its two clocks' states.
 * A state is 'none', 'met', 'breached' or 'running', or `due <time>` for a clock that runs and
 * turns breached when that time passes without anything written: stored that way, a count
 * never goes stale by the clock alone.
 */
export interface TicketFacts {
  case_id: number;
  archived: boolean;
  created_at: string;
  resolved_at: string | null;
  first_response_at: string | null;
  status: string;
  category: string | null;
  priority: string;
  source: string;
  assignee_id: number | null;
  first_response_state: string;
  resolution_state: string;
  /** Whether a running clock is past the point the `sla` job warns at: 'warned', 'no', or `at <time>`: from then on. */
  warning_state: string;
}

const CLOCK_COLUMNS = [
  'finished_at', 'sla_paused_at', 'first_response_due_at', 'first_response_breached_at', 'resolution_due_at', 'resolution_breached_at',
  'first_response_warned_at', 'first_response_check_at', 'resolution_warned_at', 'resolution_check_at',
] as const;
const FACT_COLUMNS = ['archived', 'created_at', 'resolved_at', 'first_response_at', 'status', 'category', 'priority', 'source', 'assignee_id'] as const;

type TicketRow = { id: number } & Record<(typeof FACT_COLUMNS)[number] | (typeof CLOCK_COLUMNS)[number], unknown>;

const DUE = 'due ';

/** A clock's state as the reports' SQL (src/reports/sql.ts) tells it, with a running clock's deadline kept. */
function clockState(row: TicketRow, metric: SlaMetric): string {
  const due = row[`${metric}_due_at`] as string | null;
  if (due === null) return 'none';
  const stopped = (metric === 'first_response' ? (row.first_response_at ?? row.finished_at) : row.finished_at) as string | null;
  const until = (metric === 'first_response' ? stopped : (row.finished_at ?? row.sla_paused_at)) as string | null;
  if (row[`${metric}_breached_at`] !== null) return 'breached';
  if (until === null) return `${DUE}${due}`;
  return until > due ? 'breached' : stopped !== null ? 'met' : 'running';
}

const AT = 'at ';

/**
 * The dashboard's warning ("at risk"): a clock that still runs (first response not given;
 * resolution not paused) was warned by the `sla` job, or its check time has come.
 * The check time is kept, so the state turns by the clock alone; the `sla` job's warning, which
 * writes no mark, only records what that check time already says.
 */
function warningState(row: TicketRow): string {
  const times: string[] = [];
  for (const [running, metric] of [[row.first_response_at === null, 'first_response'], [row.sla_paused_at === null, 'resolution']] as const) {
    if (!running) continue;
    if (row[`${metric}_warned_at`] !== null) return 'warned';
    if (row[`${metric}_check_at`] !== null) times.push(row[`${metric}_check_at`] as string);
  }
  return times.length === 0 ? 'no' : `${AT}${times.sort()[0]}`;
}

/** A stored warning as it stands at `now`: whether the ticket counts as warned. */
export const warnedAt = (state: string, now: Date): boolean => state === 'warned' || (state.startsWith(AT) && state.slice(AT.length) <= toDbTime(now));

/** A stored state as it stands at `now`. */
export function stateAt(state: string, now: Date): ClockState {
  if (!state.startsWith(DUE)) return state as ClockState;
  return toDbTime(now) > state.slice(DUE.length) ? 'breached' : 'running';
}

function factsOf(row: TicketRow): TicketFacts {
  const [first_response_state, resolution_state] = SLA_METRICS.map((metric) => clockState(row, metric)) as [string, string];
  return {
    case_id: Number(row.id),
    archived: Boolean(row.archived),
    created_at: row.created_at as string,
    resolved_at: row.resolved_at as string | null,
    first_response_at: row.first_response_at as string | null,
    status: row.status as string,
    category: row.category as string | null,
    priority: row.priority as string,
    source: row.source as string,
    assignee_id: row.assignee_id === null ? null : Number(row.assignee_id),
    first_response_state,
    resolution_state,
    warning_state: warningState(row),
  };
}

/** The facts of the tickets `query` (over `cases`) selects, as they are now. */
export async function currentFacts(query: Knex.QueryBuilder): Promise<TicketFacts[]> {
  const rows = (await query.select('cases.id', ...FACT_COLUMNS.map((c) => `cases.${c}`), ...CLOCK_COLUMNS.map((c) => `cases.${c}`))) as TicketRow[];
  return rows.map(factsOf);
}

/** The facts the rollups last counted for these tickets (none for a ticket never counted). */
export async function countedFacts(db: Knex | Knex.Transaction, caseIds: readonly number[]): Promise<TicketFacts[]> {
  if (caseIds.length === 0) return [];
  const rows = (await db('report_tickets')
    .whereIn('case_id', caseIds)
    .select('case_id', ...FACT_COLUMNS, 'first_response_state', 'resolution_state', 'warning_state')) as Array<TicketFacts & { archived: unknown; assignee_id: unknown; case_id: unknown }>;
  return rows.map((row) => ({ ...row, case_id: Number(row.case_id), archived: Boolean(row.archived), assignee_id: row.assignee_id === null ? null : Number(row.assignee_id) }));
}
