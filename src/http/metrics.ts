import type { Knex } from 'knex';
import type { Context, Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Counts and times every request by matched route pattern (never the raw path: unbounded labels). */
  readonly middleware: Middleware;
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function routeLabel(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  return matched === undefined ? 'unmatched' : String(matched);
}

function registerPoolGauges(registry: Registry, db: Knex): void {
  const pool = (): TarnPool | undefined => (db.client as { pool?: TarnPool }).pool;
  const gauge = (name: string, help: string, read: (p: TarnPool) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p = pool();
        this.set(p ? read(p) : 0);
      },
    });
  gauge('casehub_db_pool_used', 'Database connections in use', (p) => p.numUsed());
  gauge('casehub_db_pool_free', 'Idle database connections', (p) => p.numFree());
  gauge('casehub_db_pool_pending_acquires', 'Requests waiting for a database connection', (p) => p.numPendingAcquires());
}

/** One registry per app, so several apps (tests, workers) in one process never share counters. */
export function createMetrics(db: Knex): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerPoolGauges(registry, db);
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'casehub_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'casehub_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const middleware: Middleware = async (ctx, next) => {
    const stop = duration.startTimer();
    try {
      await next();
    } finally {
      const labels = { method: ctx.method, route: routeLabel(ctx), status: String(ctx.status) };
      requests.inc(labels);
      stop(labels);
    }
  };
  return { registry, middleware };
}
