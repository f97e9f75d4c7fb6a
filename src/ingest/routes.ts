import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { AppError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../errors.js';
import { hashApiKey } from '../integrations/keys.js';
import { findIntegrationByKeyHash, type IntegrationRow } from '../integrations/repository.js';
import { activeSecrets } from '../integrations/service.js';
import { handleIngest, type IngestDeps as HandlerDeps, type IngestRoute } from './handle.js';
import { appendIngestLog, ingestLogEntry, type LoggedRequest } from './log.js';
import { signatureProblem } from './signature.js';

export interface IngestDeps extends HandlerDeps {
  bodyLimitBytes: number;
}

function apiKeyOf(ctx: Context): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
  return bearer?.[1] ?? (ctx.get('X-Api-Key') || undefined);
}

/** The raw bytes, up to the limit: signatures are checked on exactly what was sent. */
async function readBody(ctx: Context, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.get('Content-Length') || undefined });
  } catch (err) {
    if ((err as { status?: number }).status === 413) throw new PayloadTooLargeError(limit);
    throw new ValidationError('The request body could not be read');
  }
}

/** The integration whose key the request carries, active or not; 401 when the key is missing or unknown. */
async function integrationOf(db: Knex, ctx: Context): Promise<IntegrationRow> {
  const key = apiKeyOf(ctx);
  if (!key) throw new UnauthorizedError('An API key is required (Authorization: Bearer <key> or X-Api-Key)');
  const integration = await findIntegrationByKeyHash(db, hashApiKey(key));
  if (!integration) throw new UnauthorizedError('Invalid API key');
  return integration;
}

/** When the integration signs its requests, the signature must be good for exactly these bytes. */
function checkSignature(ctx: Context, integration: IntegrationRow, body: Buffer): void {
  const secrets = activeSecrets(integration);
  if (secrets.length === 0) return;
  const headers = { id: ctx.get('webhook-id') || undefined, timestamp: ctx.get('webhook-timestamp') || undefined, signature: ctx.get('webhook-signature') || undefined };
  const problem = signatureProblem(headers, body, secrets, new Date());
  if (problem) throw new UnauthorizedError(`Invalid signature: ${problem}`);
}

function endpoint(deps: IngestDeps, route: IngestRoute): Middleware {
  return async (ctx) => {
    const pathCaseUid = (ctx.params as { caseUid?: string }).caseUid ?? null;
    // Filled in as the request is admitted, so a refusal is logged with what was known by then.
    const request: LoggedRequest = { integrationId: null, requestId: ctx.requestId, route, caseUid: pathCaseUid, rawBody: null, replayOf: null };
    let integration: IntegrationRow;
    let body: Buffer;
    try {
      integration = await integrationOf(deps.db, ctx);
      request.integrationId = integration.id;
      if (!integration.active) throw new UnauthorizedError('This integration is disabled');
      body = route.startsWith('GET') ? Buffer.alloc(0) : await readBody(ctx, deps.bodyLimitBytes);
      request.rawBody = body;
      checkSignature(ctx, integration, body);
    } catch (err) {
      if (err instanceof AppError) await appendIngestLog(deps.db, ingestLogEntry(request, err.status, null, err));
      throw err;
    }
    const response = await handleIngest(deps, { integration, route, pathCaseUid, rawBody: body, requestId: ctx.requestId, replayOf: null });
    if (response.error) throw response.error;
    ctx.status = response.status;
    if (response.body !== undefined) ctx.body = response.body;
  };
}

/** The Capturi-compatible API for integrations (DESIGN §4). */
export function ingestRouter(deps: IngestDeps): Router {
  const router = new Router({ prefix: '/v1' });
  router.put('/case', endpoint(deps, 'PUT /v1/case'));
  router.put('/case/messages', endpoint(deps, 'PUT /v1/case/messages'));
  router.post('/case/messages', endpoint(deps, 'POST /v1/case/messages'));
  router.patch('/case/:caseUid', endpoint(deps, 'PATCH /v1/case/{caseUid}'));
  router.get('/case/:caseUid', endpoint(deps, 'GET /v1/case/{caseUid}'));
  return router;
}
