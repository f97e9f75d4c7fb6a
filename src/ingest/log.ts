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

/** What a request was, before its answer is known. */
export interface LoggedRequest {
  integrationId: number | null;
  requestId: string;
  route: string;
  caseUid: string | null;
  rawBody: Buffer | null;
  replayOf: number | null;
}

/** The log line of a request and its answer; an empty body is kept as none. */
export function ingestLogEntry(request: LoggedRequest, statusCode: number, outcome: string | null, error: AppError | null): IngestLogEntry {
  return {
    ...request,
    method: request.route.split(' ')[0]!,
    rawBody: request.rawBody && request.rawBody.length > 0 ? request.rawBody : null,
    statusCode,
    outcome,
    error,
  };
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
