import type { Knex } from 'knex';
import { countRows } from '../db/count.js';
import { deleteOlderThan } from '../db/purge.js';
import { fromDbTime, toDbTime } from '../db/time.js';

export interface IngestLogRow {
  id: number;
  integration_id: number | null;
  request_id: string;
  method: string;
  route: string;
  case_uid: string | null;
  status_code: number;
  outcome: string | null;
  error: string | null;
  raw_body: Buffer | null;
  replay_of: number | null;
  received_at: string;
}

export interface IngestLogFilter {
  caseUid?: string;
  route?: string;
  outcome?: string;
  statusCode?: number;
  /** Only entries answered with 400 or more. */
  failed?: boolean;
  from?: Date;
  to?: Date;
}

const LIST_COLUMNS = ['id', 'request_id', 'method', 'route', 'case_uid', 'status_code', 'outcome', 'error', 'replay_of', 'received_at'];

function filtered(db: Knex, integrationId: number, filter: IngestLogFilter): Knex.QueryBuilder {
  const query = db('ingest_log').where({ integration_id: integrationId });
  if (filter.caseUid !== undefined) query.andWhere({ case_uid: filter.caseUid });
  if (filter.route !== undefined) query.andWhere({ route: filter.route });
  if (filter.outcome !== undefined) query.andWhere({ outcome: filter.outcome });
  if (filter.statusCode !== undefined) query.andWhere({ status_code: filter.statusCode });
  if (filter.failed) query.andWhere('status_code', '>=', 400);
  if (filter.from) query.andWhere('received_at', '>=', toDbTime(filter.from));
  if (filter.to) query.andWhere('received_at', '<', toDbTime(filter.to));
  return query;
}

/** Newest first; bodies are left out of lists (they can be megabytes each). */
export async function listIngestLog(db: Knex, integrationId: number, filter: IngestLogFilter, limit: number, offset: number) {
  const [rows, total] = await Promise.all([
    filtered(db, integrationId, filter).select(LIST_COLUMNS).orderBy('id', 'desc').limit(limit).offset(offset),
    countRows(filtered(db, integrationId, filter)),
  ]);
  return { rows: rows as Omit<IngestLogRow, 'raw_body'>[], total };
}

export function findIngestLogEntry(db: Knex, integrationId: number, id: number): Promise<IngestLogRow | undefined> {
  return db<IngestLogRow>('ingest_log').where({ integration_id: integrationId, id }).first();
}

/** Deletes entries received before `cutoff`, in bounded batches. Answers how many. */
export function purgeIngestLog(db: Knex, cutoff: Date, batchSize = 1000): Promise<number> {
  return deleteOlderThan(db, 'ingest_log', 'id', 'received_at', cutoff, batchSize);
}

export function entryView(row: Omit<IngestLogRow, 'raw_body'> & { raw_body?: Buffer | null }) {
  return {
    id: Number(row.id),
    request_id: row.request_id,
    method: row.method,
    route: row.route,
    case_uid: row.case_uid,
    status_code: row.status_code,
    outcome: row.outcome,
    error: row.error ? (JSON.parse(row.error) as unknown) : null,
    replay_of: row.replay_of === null ? null : Number(row.replay_of),
    received_at: fromDbTime(row.received_at),
    ...(row.raw_body !== undefined ? bodyView(row.raw_body) : {}),
  };
}

/** The body as text when it is UTF-8 (it nearly always is), else base64, so any entry can be read. */
function bodyView(raw: Buffer | null) {
  if (raw === null) return { body: null, body_encoding: null };
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(raw), body_encoding: 'utf8' };
  } catch {
    return { body: raw.toString('base64'), body_encoding: 'base64' };
  }
}
