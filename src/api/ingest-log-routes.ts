import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { handleIngest, INGEST_ROUTES, type IngestDeps, type IngestRoute } from '../ingest/handle.js';
import { entryView, findIngestLogEntry, listIngestLog, type IngestLogFilter } from '../ingest/log-queries.js';
import { getIntegration } from '../integrations/service.js';
import { authenticate, requireRole } from './authenticate.js';
import { offsetPage, readPage } from './pagination.js';

const OUTCOMES = ['created', 'updated', 'unchanged', 'stale', 'no_case'];

function readFilter(query: Record<string, unknown>): IngestLogFilter {
  const errors: Record<string, string[]> = {};
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const time = (name: string) => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) errors[name] = ['must be an ISO 8601 date or date-time'];
    return date;
  };
  const filter: IngestLogFilter = { caseUid: text('case_uid'), route: text('route'), outcome: text('outcome'), from: time('from'), to: time('to') };
  if (filter.route !== undefined && !(INGEST_ROUTES as readonly string[]).includes(filter.route)) errors.route = [`must be one of ${INGEST_ROUTES.join(', ')}`];
  if (filter.outcome !== undefined && !OUTCOMES.includes(filter.outcome)) errors.outcome = [`must be one of ${OUTCOMES.join(', ')}`];
  const status = text('status_code');
  if (status !== undefined) {
    if (!/^[1-5]\d\d$/.test(status)) errors.status_code = ['must be an HTTP status code'];
    filter.statusCode = Number(status);
  }
  const failed = text('failed');
  if (failed !== undefined && failed !== 'true' && failed !== 'false') errors.failed = ['must be true or false'];
  filter.failed = failed === 'true';
  if (Object.keys(errors).length > 0) throw new ValidationError('Invalid filter', errors);
  return filter;
}

function entryId(raw: string | undefined): number {
  if (!raw || !/^\d{1,15}$/.test(raw)) throw new NotFoundError('No such ingest log entry');
  return Number(raw);
}

/** /api/v1/integrations/{id}/ingest-log: what an integration sent, as admins see it, and replay. */
export function ingestLogRouter(db: Knex, signer: TokenSigner, ingest: IngestDeps): Router {
  const router = new Router({ prefix: '/integrations/:id/ingest-log' });
  router.use(authenticate(db, signer), requireRole('admin'));

  router.get('/', async (ctx) => {
    const integration = await getIntegration(db, ctx.params.id!);
    const page = readPage(ctx.query);
    const { rows, total } = await listIngestLog(db, integration.id, readFilter(ctx.query), page.limit, page.offset);
    ctx.body = offsetPage(rows.map(entryView), total, page);
  });

  router.get('/:entryId', async (ctx) => {
    const integration = await getIntegration(db, ctx.params.id!);
    const entry = await findIngestLogEntry(db, integration.id, entryId(ctx.params.entryId));
    if (!entry) throw new NotFoundError('No such ingest log entry');
    ctx.body = entryView(entry);
  });

  /** Runs the stored request again, as that integration, through the same path as a live one. */
  router.post('/:entryId/replay', async (ctx) => {
    const integration = await getIntegration(db, ctx.params.id!);
    const entry = await findIngestLogEntry(db, integration.id, entryId(ctx.params.entryId));
    if (!entry) throw new NotFoundError('No such ingest log entry');
    const route = entry.route as IngestRoute;
    if (route.startsWith('GET') || entry.raw_body === null) {
      throw new ValidationError('This entry has no request body to replay', { entry_id: ['must be a write with a stored body'] });
    }
    const replayed = await handleIngest(ingest, {
      integration,
      route,
      pathCaseUid: route === 'PATCH /v1/case/{caseUid}' ? entry.case_uid : null,
      rawBody: entry.raw_body,
      requestId: ctx.requestId,
      replayOf: Number(entry.id),
    });
    const error = replayed.error;
    ctx.body = {
      replay_of: Number(entry.id),
      status_code: replayed.status,
      response: error ? { status: 'error', code: error.code, message: error.message, ...(error.errors ? { errors: error.errors } : {}) } : (replayed.body ?? null),
    };
  });

  return router;
}
