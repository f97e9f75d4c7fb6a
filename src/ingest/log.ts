import type { Knex } from 'knex';
import { toDbTime } from '../db/time.js';
import type { AppError } from '../errors.js';

export interface IngestLogEntry {
  integrationId: number | null;
  requestId: string;
  method: string;
  route: string;
  caseUid: string | null;
  statusCode: number;
  outcome: string | null;
  error: AppError | null;
  rawBody: Buffer | null;
  replayOf: number | null;
}

function logRow(entry: IngestLogEntry) {
  return {
    integration_id: entry.integrationId,
    request_id: entry.requestId,
    method: entry.method,
    route: entry.route,
    case_uid: entry.caseUid,
    status_code: entry.statusCode,
    outcome: entry.outcome,
    error: entry.error ? JSON.stringify({ code: entry.error.code, message: entry.error.message, errors: entry.error.errors }) : null,
    raw_body: entry.rawBody,
    replay_of: entry.replayOf,
    received_at: toDbTime(new Date()),
  };
}

/** Appends requests to the ingest log (inside the transaction of the write they made, if any). */
export async function appendIngestLog(db: Knex, ...entries: IngestLogEntry[]): Promise<void> {
  if (entries.length > 0) await db('ingest_log').insert(entries.map(logRow));
}
