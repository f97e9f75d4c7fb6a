/**
 * A worker thread that reads ingest bodies (src/ingest/body-readers.ts): parsing, validation and
 * HTML stripping are most of a request's CPU, and here they run beside the event loop instead
 * of on it.
 */
import { parentPort } from 'node:worker_threads';
import { readBody, type BodyRoute } from './read-body.js';
import type { WorkerAnswer } from './body-readers.js';

interface Job {
  id: number;
  route: BodyRoute;
  raw: Uint8Array;
}

// Anything readBody throws is a fault, not a refusal: it ends this thread, which fails the bodies
// it held and is replaced (src/ingest/body-readers.ts).
function answer({ id, route, raw }: Job): WorkerAnswer {
  const reading = readBody(route, raw);
  if ('body' in reading) return { id, caseUid: reading.caseUid, body: reading.body };
  return { id, caseUid: reading.caseUid, refusal: { message: reading.refusal.message, errors: reading.refusal.errors ?? {} } };
}

parentPort!.on('message', (job: Job) => parentPort!.postMessage(answer(job)));
