import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context, Middleware, Next } from 'koa';
import { koaBody } from 'koa-body';
import type { TokenSigner } from '../auth/tokens.js';
import type { Classifier } from '../classification/classifier.js';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { formatOf } from '../import/formats.js';
import { importTickets } from '../import/importer.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';

const PATH = '/api/v1/tickets/import';

interface Upload {
  filepath: string;
  originalFilename: string | null;
  mimetype: string | null;
  hash?: string | null;
}

const uploadOf = (ctx: Context): Upload | undefined => {
  const file = ctx.request.files?.file;
  return (Array.isArray(file) ? file[0] : file) as Upload | undefined;
};

/**
 * Reads the multipart upload of POST /tickets/import to a temporary file, for signed-in admins
 * only (nobody else can make the server store a large file). Runs before the Idempotency-Key
 * check, which then covers the file's SHA-256: the same key with another file is a 409.
 */
export function importUpload(db: Knex, signer: TokenSigner, maxBytes: number): Middleware {
  const parse = koaBody({
    multipart: true,
    urlencoded: false,
    json: false,
    text: false,
    formidable: { uploadDir: tmpdir(), allowEmptyFiles: true, minFileSize: 0, maxFileSize: maxBytes, maxTotalFileSize: maxBytes, maxFiles: 1, maxFields: 10, hashAlgorithm: 'sha256' },
  });
  const [signedIn, admin] = [authenticate(db, signer), requireRole('admin')];
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== PATH || !ctx.is('multipart')) return next();
    await signedIn(ctx, () => admin(ctx, () => parseUpload(ctx, parse, maxBytes, next)));
  };
}

async function parseUpload(ctx: Context, parse: Middleware, maxBytes: number, next: Next): Promise<void> {
  try {
    await parse(ctx, async () => undefined);
  } catch (err) {
    const status = (err as { httpCode?: number }).httpCode;
    if (status === 413) throw new PayloadTooLargeError(maxBytes);
    throw new ValidationError('The multipart body could not be read', { file: [(err as Error).message] });
  }
  const upload = uploadOf(ctx);
  ctx.request.body = { file: upload ? { name: upload.originalFilename, sha256: upload.hash ?? null } : null };
  try {
    await next();
  } finally {
    if (upload) await rm(upload.filepath, { force: true });
  }
}

/** POST /api/v1/tickets/import (admins): a CSV, JSON or XML file of tickets. */
export function importRouter(db: Knex, signer: TokenSigner, classifier: Classifier): Router {
  const router = new Router();
  router.post('/tickets/import', authenticate(db, signer), requireRole('admin'), async (ctx) => {
    const query = validate<{ dry_run?: 'true' | 'false' }>('import-query.json', ctx.query);
    const upload = uploadOf(ctx);
    if (!upload) throw new ValidationError('Send the file as multipart/form-data in the field `file`', { file: ['is required'] });
    const format = formatOf(upload.mimetype, upload.originalFilename);
    if (!format) throw new ValidationError('Unknown file format', { file: ['must be CSV, JSON or XML, by content type or by a .csv, .json or .xml name'] });
    ctx.body = await importTickets(db, classifier, () => createReadStream(upload.filepath), {
      format,
      dryRun: query.dry_run === 'true',
      actorId: ctx.state.user.id,
    });
  });
  return router;
}
