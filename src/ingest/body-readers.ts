import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { emptyFieldErrors, ValidationError, type FieldErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import { projectRoot } from '../paths.js';
import { readBody, type BodyReading, type BodyRoute, type IngestBody } from './read-body.js';

/** Reads ingest bodies (src/ingest/read-body.ts), on the event loop or on worker threads. */
export interface BodyReader {
  read(route: BodyRoute, raw: Uint8Array): Promise<BodyReading>;
  close(): Promise<void>;
}

/** What a worker thread answers for one body: structured-cloned, so errors travel as data. */
export type WorkerAnswer =
  | { id: number; caseUid: string | null; body: IngestBody }
  | { id: number; caseUid: string | null; refusal: { message: string; errors: FieldErrors } };

/** Reads on the event loop: for tools and tests that need no threads (`INGEST_THREADS=0`). */
export const inlineReader: BodyReader = {
  read: (route, raw) => Promise.resolve(readBody(route, raw)),
  close: () => Promise.resolve(),
};

// The built worker: under Jest the source runs from src/, but a thread needs JavaScript.
const WORKER_SCRIPT = path.join(projectRoot, 'dist', 'src', 'ingest', 'body-worker.js');

interface Pending {
  resolve: (reading: BodyReading) => void;
  reject: (err: Error) => void;
}

/** One worker thread and the bodies it has been given. */
class Thread {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;

  constructor(script: string, onGone: (thread: Thread) => void, logger: Logger) {
    this.worker = new Worker(script);
    // An idle thread must not keep a finished process alive.
    this.worker.unref();
    this.worker.on('message', (answer: WorkerAnswer) => this.settle(answer));
    const fail = (reason: string) => {
      onGone(this);
      for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
      this.pending.clear();
    };
    this.worker.on('error', (err) => {
      logger.error({ err }, 'an ingest body thread failed');
      fail(`ingest body thread failed: ${err.message}`);
    });
    this.worker.on('exit', (code) => fail(`ingest body thread exited with code ${code}`));
  }

  post(id: number, route: BodyRoute, raw: Uint8Array): Promise<BodyReading> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, route, raw });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private settle(answer: WorkerAnswer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if ('body' in answer) return waiting.resolve({ caseUid: answer.caseUid, body: answer.body });
    // Keys may be `__proto__` and the like: copied into a prototype-less object as plain keys.
    const errors = emptyFieldErrors();
    for (const [key, messages] of Object.entries(answer.refusal.errors)) errors[key] = messages;
    waiting.resolve({ caseUid: answer.caseUid, refusal: new ValidationError(answer.refusal.message, errors) });
  }
}

/**
 * Reads bodies on `size` worker threads, each body on the thread with the fewest in hand.
 * Threads start with the first body, and a thread that dies fails only the bodies it held;
 * the next body starts a new one.
 */
export class ThreadedReader implements BodyReader {
  private readonly threads: Thread[] = [];
  private nextId = 1;

  constructor(
    private readonly size: number,
    private readonly logger: Logger,
    private readonly script = WORKER_SCRIPT,
  ) {}

  read(route: BodyRoute, raw: Uint8Array): Promise<BodyReading> {
    return this.leastBusy().post(this.nextId++, route, raw);
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private leastBusy(): Thread {
    if (this.threads.length < this.size) {
      const thread = new Thread(this.script, (gone) => this.forget(gone), this.logger);
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((best, t) => (t.pending.size < best.pending.size ? t : best));
  }

  private forget(gone: Thread): void {
    const at = this.threads.indexOf(gone);
    if (at >= 0) this.threads.splice(at, 1);
  }
}

/** `INGEST_THREADS`: 0 reads on the event loop. */
export function createBodyReader(threads: number, logger: Logger): BodyReader {
  return threads === 0 ? inlineReader : new ThreadedReader(threads, logger);
}
