import type { Knex } from 'knex';
import type { Classifier } from '../classification/classifier.js';
import { addMessage, patchCase, putCase, type IntegrationRef, type WriteResult } from '../cases/integration-writes.js';
import { withTransaction } from '../db/transaction.js';
import { translateDbError } from '../db/errors.js';
import { AppError, InternalError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { integrationCaseView } from './case-view.js';
import type { BodyReader } from './body-readers.js';
import type { CreationBatcher } from './creation-batcher.js';
import { appendIngestLog, ingestLogEntry, type IngestLogEntry } from './log.js';

export const INGEST_ROUTES = [
  'PUT /v1/case',
  'PUT /v1/case/messages',
  'POST /v1/case/messages',
  'PATCH /v1/case/{caseUid}',
  'GET /v1/case/{caseUid}',
] as const;
export type IngestRoute = (typeof INGEST_ROUTES)[number];

export interface IngestDeps {
  db: Knex;
  logger: Logger;
  batcher: CreationBatcher;
  classifier: Classifier;
  bodies: BodyReader;
}

export interface IngestRequest {
  integration: IntegrationRef;
  route: IngestRoute;
  /** From the path, for PATCH and GET. */
  pathCaseUid: string | null;
  rawBody: Buffer;
  requestId: string;
  replayOf: number | null;
}

export interface IngestResponse {
  status: number;
  body?: unknown;
  /** Set when the answer is an error: the caller renders it as the contract's error JSON. */
  error?: AppError;
}

interface Handled {
  status: number;
  body?: unknown;
  outcome: string | null;
}

type Log = (db: Knex, handled: Handled) => Promise<void>;
type LogEntry = (statusCode: number, outcome: string | null, error: AppError | null) => IngestLogEntry;

const statusOf = (result: WriteResult) => (result.outcome === 'created' ? 201 : 200);

/** Runs one write in its own transaction, logging it in the same transaction before commit. */
async function write(db: Knex, log: Log, work: (trx: Knex.Transaction) => Promise<Handled>): Promise<Handled> {
  return withTransaction(db, async (trx) => {
    const handled = await work(trx);
    await log(trx, handled);
    return handled;
  });
}

async function dispatch(deps: IngestDeps, req: IngestRequest, log: Log, entry: LogEntry, noteCaseUid: (uid: string) => void): Promise<Handled> {
  const { db } = deps;
  const { integration, route } = req;
  if (route === 'GET /v1/case/{caseUid}') {
    const view = await integrationCaseView(db, integration.id, req.pathCaseUid!);
    if (!view) throw new NotFoundError('No such case');
    const handled = { status: 200, body: view, outcome: null };
    await log(db, handled);
    return handled;
  }

  const reading = await deps.bodies.read(route, req.rawBody);
  if (reading.caseUid !== null) noteCaseUid(reading.caseUid);
  if ('refusal' in reading) throw reading.refusal;
  const { body } = reading;

  if (body.kind === 'case') {
    const stated = { integration, input: body.input, messages: body.messages, byRules: body.byRules };
    // A new case goes into a batch with other new cases; anything else takes the one-request path.
    const created = await deps.batcher.create(stated, req.rawBody.length, () => entry(201, 'created', null));
    if (created) return { status: 201, body: created, outcome: created.outcome };
    return write(db, log, async (trx) => {
      const result = await putCase(trx, deps.classifier, stated);
      return { status: statusOf(result), body: result, outcome: result.outcome };
    });
  }

  if (body.kind === 'message') {
    return write(db, log, async (trx) => {
      const written = await addMessage(trx, integration, body.caseUid, body.message);
      // The contract answers an unknown case with 204 and no body, not 404.
      return written ? { status: statusOf(written), body: written, outcome: written.outcome } : { status: 204, outcome: 'no_case' };
    });
  }

  return write(db, log, async (trx) => {
    const result = await patchCase(trx, integration, req.pathCaseUid!, body.patch);
    if (!result) throw new NotFoundError('No such case');
    return { status: 200, body: result, outcome: result.outcome };
  });
}

/**
 * One ingest request, from a live call or a replay of the log: validated, applied in one
 * transaction, and appended to the ingest log whatever the answer. Never throws.
 */
export async function handleIngest(deps: IngestDeps, req: IngestRequest): Promise<IngestResponse> {
  const { db, logger } = deps;
  let caseUid = req.pathCaseUid;
  const entry: LogEntry = (statusCode, outcome, error) =>
    ingestLogEntry(
      { integrationId: req.integration.id, requestId: req.requestId, route: req.route, caseUid, rawBody: req.rawBody, replayOf: req.replayOf },
      statusCode,
      outcome,
      error,
    );
  const log: Log = (target, handled) => appendIngestLog(target, entry(handled.status, handled.outcome, null));
  try {
    const handled = await dispatch(deps, req, log, entry, (uid) => (caseUid ??= uid));
    return { status: handled.status, body: handled.body };
  } catch (err) {
    const error = err instanceof AppError ? err : (translateDbError(err) ?? new InternalError());
    if (!(err instanceof AppError)) logger.error({ err, request_id: req.requestId }, 'ingest request failed');
    // Nothing was logged yet: a failed write rolled its log line back with it.
    await appendIngestLog(db, entry(error.status, null, error)).catch((logErr: unknown) =>
      logger.error({ err: logErr, request_id: req.requestId }, 'could not write the ingest log'),
    );
    return { status: error.status, error };
  }
}
