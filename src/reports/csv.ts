/**
 * Every report as one CSV table (header row first). Nested JSON figures are flattened into
 * rows a spreadsheet can pivot; cells that look like formulas are escaped, since subjects come
 * from customers and a CSV is opened in spreadsheets.
 */
import { stringify } from 'csv-stringify/sync';
import type { PageOf } from '../api/pagination.js';
import { SLA_METRICS, type SlaMetric } from '../sla/clocks.js';
import type { AgentsReport } from './agents.js';
import type { Dashboard } from './dashboard.js';
import type { BreachedTicket, ClockTally, SlaReport } from './sla.js';
import type { TicketVolumeReport, Volume } from './ticket-volume.js';

type Cell = string | number | boolean | null;

function table(columns: readonly string[], rows: ReadonlyArray<Record<string, Cell>>): string {
  return stringify(rows as Array<Record<string, Cell>>, { header: true, columns: [...columns], escape_formulas: true, cast: { boolean: (value) => String(value) } });
}

/** `metric,value`, one row per figure, the metric named by its JSON path (`open.by_status.waiting`). */
export function dashboardCsv(dashboard: Dashboard): string {
  const rows: Array<Record<string, Cell>> = [];
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    else rows.push({ metric: path, value: value as Cell });
  };
  walk(dashboard, '');
  return table(['metric', 'value'], rows);
}

/** `section,key,created,resolved`: the days first, then each breakdown. */
export function ticketVolumeCsv(report: TicketVolumeReport): string {
  const rows: Array<Record<string, Cell>> = report.by_day.map(({ date, ...volume }) => ({ section: 'day', key: date, ...volume }));
  const add = (section: string, key: string, { created, resolved }: Volume) => rows.push({ section, key, created, resolved });
  for (const row of report.by_status) add('status', row.status, row);
  for (const row of report.by_category) add('category', row.category, row);
  for (const row of report.by_priority) add('priority', row.priority, row);
  for (const row of report.by_source) add('source', row.source, row);
  return table(['section', 'key', 'created', 'resolved'], rows);
}

const AGENT_COLUMNS = ['agent_id', 'email', 'name', 'role', 'active', 'assigned', 'resolved', 'open', 'median_first_response_minutes', 'median_resolution_minutes', 'sla_met_percent'] as const;

export function agentsCsv(report: AgentsReport): string {
  return table(AGENT_COLUMNS, report.agents as unknown as Array<Record<string, Cell>>);
}

/** `priority,metric,met,breached,running,met_percent`, each priority then `all`. */
export function slaCsv(report: SlaReport): string {
  const rows: Array<Record<string, Cell>> = [];
  const add = (priority: string, tallies: Record<SlaMetric, ClockTally>) => {
    for (const metric of SLA_METRICS) rows.push({ priority, metric, ...tallies[metric] });
  };
  for (const { priority, ...tallies } of report.by_priority) add(priority, tallies);
  add('all', report.totals);
  return table(['priority', 'metric', 'met', 'breached', 'running', 'met_percent'], rows);
}

const BREACHED_COLUMNS = [
  'id', 'number', 'subject', 'priority', 'status', 'assignee_id', 'created_at',
  'first_response_due_at', 'first_response_at', 'first_response_breached', 'resolution_due_at', 'resolved_at', 'resolution_breached',
] as const;

export function breachedCsv(page: PageOf<BreachedTicket>): string {
  return table(BREACHED_COLUMNS, page.items as unknown as Array<Record<string, Cell>>);
}
