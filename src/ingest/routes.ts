import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { AppError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../errors.js';
import { hashApiKey } from '../integrations/keys.js';
import { findIntegrationByKeyHash, type IntegrationRow } from '../integrations/repository.js';
import { activeSecrets } from '../integrations/service.js';
import type { Logger } from '../logger.js';
import type { CreationBatcher } from './creation-batcher.js';
import { handleIngest, type IngestRoute } from './handle.js';
import { appendIngestLog } from './log.js';
import { signatureProblem } from './signature.js';

export interface IngestDeps {
  db: Knex;
  logger: Logger;
  batcher: CreationBatcher;
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

/** Authenticates the integration and, when it signs its requests, the signature; answers the raw body. */
async function admit(deps: IngestDeps, ctx: Context, route: IngestRoute, seen: { integration?: IntegrationRow; body?: Buffer }) {
  const key = apiKeyOf(ctx);
  if (!key) throw new UnauthorizedError('An API key is required (Authorization: Bearer <key> or X-Api-Key)');
  const integration = await findIntegrationByKeyHash(deps.db, hashApiKey(key));
  if (!integration) throw new UnauthorizedError('Invalid API key');
  seen.integration = integration;
  if (!integration.active) throw new UnauthorizedError('This integration is disabled');
  const body = route.startsWith('GET') ? Buffer.alloc(0) : await readBody(ctx, deps.bodyLimitBytes);
  seen.body = body;
  const secrets = activeSecrets(integration);
  if (secrets.length > 0) {
    const headers = { id: ctx.get('webhook-id') || undefined, timestamp: ctx.get('webhook-timestamp') || undefined, signature: ctx.get('webhook-signature') || undefined };
    const problem = signatureProblem(headers, body, secrets, new Date());
    if (problem) throw new UnauthorizedError(`Invalid signature: ${problem}`);
  }
  return { integration, body };
}

function endpoint(deps: IngestDeps, route: IngestRoute): Middleware {
  return async (ctx) => {
    const pathCaseUid = (ctx.params as { caseUid?: string }).caseUid ?? null;
    const seen: { integration?: IntegrationRow; body?: Buffer } = {};
    let admitted: { integration: IntegrationRow; body: Buffer };
    try {
      admitted = await admit(deps, ctx, route, seen);
    } catch (err) {
      if (err instanceof AppError) {
        // Refused before handling: recorded all the same, without a body it never read.
        await appendIngestLog(deps.db, {
          integrationId: seen.integration?.id ?? null,
          requestId: ctx.requestId,
          method: ctx.method,
          route,
          caseUid: pathCaseUid,
          statusCode: err.status,
          outcome: null,
          error: err,
          rawBody: seen.body && seen.body.length > 0 ? seen.body : null,
          replayOf: null,
        });
      }
      throw err;
    }
    const response = await handleIngest(deps, {
      integration: admitted.integration,
      route,
      pathCaseUid,
      rawBody: admitted.body,
      requestId: ctx.requestId,
      replayOf: null,
    });
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
