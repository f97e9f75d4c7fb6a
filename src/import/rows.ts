import { priorityFromExternal, statusFromExternal, STATUSES, type Category, type Priority, type Status } from '../cases/vocabulary.js';
import type { FieldErrors } from '../errors.js';
import { fieldErrors } from '../validation.js';

/**
 * One record of an import file (whatever its format) made into a ticket to create: column
 * names matched to fields, values normalised the way exports from other tools write them,
 * then validated by schemas/import-ticket.json with every failing field named.
 */

export interface ImportRow {
  customer_name?: string;
  customer_email?: string;
  subject: string;
  description?: string;
  category?: Category;
  priority?: Priority;
  status?: Status;
  tags?: string[];
  created_at?: string;
  assigned_agent?: string;
  external_id?: string;
}

// Column names as other tools export them, each matched to one field.
const ALIASES: Record<string, keyof ImportRow> = {
  customer_name: 'customer_name',
  customer: 'customer_name',
  requester_name: 'customer_name',
  name: 'customer_name',
  customer_email: 'customer_email',
  email: 'customer_email',
  requester_email: 'customer_email',
  subject: 'subject',
  title: 'subject',
  description: 'description',
  body: 'description',
  content: 'description',
  category: 'category',
  priority: 'priority',
  status: 'status',
  tags: 'tags',
  created_at: 'created_at',
  created: 'created_at',
  assigned_agent: 'assigned_agent',
  assignee: 'assigned_agent',
  assignee_email: 'assigned_agent',
  agent: 'assigned_agent',
  agent_email: 'assigned_agent',
  external_id: 'external_id',
  id: 'external_id',
  ticket_id: 'external_id',
};

/** `Customer Email`, `customer-email` and `CUSTOMER_EMAIL` are one column. */
export function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function fieldOf(column: string): keyof ImportRow | undefined {
  return ALIASES[columnKey(column)];
}

const comparable = (value: string) => value.trim().toLowerCase().replace(/[\s-]+/g, '_');

// `2024-01-15`, `2024-01-15 10:30` and `2024-01-15T10:30:00` without an offset are taken as UTC.
const LOCAL_DATE = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?$/;

function normaliseDate(value: string): string {
  const local = LOCAL_DATE.exec(value);
  if (!local) return value;
  const [, date, time = '00:00', seconds = ':00'] = local;
  return `${date}T${time}${seconds}Z`;
}

function normaliseValue(field: keyof ImportRow, raw: unknown): unknown {
  if (field === 'tags') {
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,;|]/) : [raw];
    return list.map((t) => (typeof t === 'string' ? t.trim() : t)).filter((t) => t !== '');
  }
  if (typeof raw === 'number' && field === 'external_id') return String(raw);
  if (typeof raw !== 'string') return raw;
  const value = field === 'description' ? raw : raw.trim();
  switch (field) {
    case 'category':
      return comparable(value);
    case 'priority':
      return priorityFromExternal(value) ?? comparable(value);
    case 'status': {
      const status = comparable(value);
      return (STATUSES as readonly string[]).includes(status) ? status : (statusFromExternal(value) ?? status);
    }
    case 'created_at':
      return normaliseDate(value);
    case 'customer_email':
    case 'assigned_agent':
      return value.toLowerCase();
    default:
      return value;
  }
}

export type RowResult = { ticket: ImportRow } | { errors: FieldErrors };

/** A record as field → value; unknown columns are left out (and reported once per import). */
export function toImportRow(record: Readonly<Record<string, unknown>>, unknownColumns: Set<string>): RowResult {
  const row: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const field = fieldOf(column);
    if (!field) {
      if (unknownColumns.size < 50) unknownColumns.add(column);
      continue;
    }
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
    row[field] = normaliseValue(field, raw);
  }
  if (Array.isArray(row.tags) && row.tags.length === 0) delete row.tags;
  const errors = fieldErrors('import-ticket.json', row);
  if (errors) return { errors };
  const ticket = row as unknown as ImportRow;
  if (ticket.created_at !== undefined && Number.isNaN(Date.parse(ticket.created_at))) return { errors: { created_at: ['is not a real date'] } };
  return { ticket };
}
