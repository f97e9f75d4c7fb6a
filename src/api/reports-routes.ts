import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context } from 'koa';
import type { TokenSigner } from '../auth/tokens.js';
import { agentsReport } from '../reports/agents.js';
import { agentsCsv, breachedCsv, dashboardCsv, slaCsv, ticketVolumeCsv } from '../reports/csv.js';
import { dashboard } from '../reports/dashboard.js';
import { readRange, readTimeZone, type RangeQuery, type ReportRange } from '../reports/range.js';
import { breachedTickets, slaReport } from '../reports/sla.js';
import { ticketVolumeReport } from '../reports/ticket-volume.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';
import { linkHeader } from './links.js';
import { readPage } from './pagination.js';

type FormatQuery = { format?: 'json' | 'csv' };

/** The breached tickets the SLA report lists itself; the rest are a page away. */
const BREACHED_IN_REPORT = 100;

/** CSV when `?format=csv` or when the client prefers `text/csv` to JSON; JSON otherwise. */
function wantsCsv(ctx: Context, query: FormatQuery): boolean {
  if (query.format !== undefined) return query.format === 'csv';
  return ctx.accepts('application/json', 'text/csv') === 'text/csv';
}

function answer<T>(ctx: Context, query: FormatQuery, report: T, csv: (report: T) => string, name: string): void {
  if (!wantsCsv(ctx, query)) {
    ctx.body = report;
    return;
  }
  ctx.type = 'text/csv; charset=utf-8';
  ctx.attachment(`${name}.csv`, { type: 'inline' });
  ctx.body = csv(report);
}

const fileName = (report: string, range: ReportRange) => `${report}-${range.from}-${range.to}`;

/**
 * /api/v1/admin/dashboard and /api/v1/admin/reports: what support managers read every morning.
 * Admins see everything; an agent may read the agents report, which then holds only their own
 * row; customers get 403.
 */
export function reportsRouter(db: Knex, signer: TokenSigner): Router {
  const router = new Router({ prefix: '/admin' });
  router.use(authenticate(db, signer));

  router.get('/dashboard', requireRole('admin'), async (ctx) => {
    const query = validate<{ time_zone?: string } & FormatQuery>('report-dashboard-query.json', ctx.query);
    answer(ctx, query, await dashboard(db, readTimeZone(query.time_zone)), dashboardCsv, 'dashboard');
  });

  router.get('/reports/tickets', requireRole('admin'), async (ctx) => {
    const query = validate<RangeQuery & FormatQuery>('report-query.json', ctx.query);
    const range = readRange(query);
    answer(ctx, query, await ticketVolumeReport(db, range), ticketVolumeCsv, fileName('tickets', range));
  });

  router.get('/reports/agents', requireRole('admin', 'agent'), async (ctx) => {
    const query = validate<RangeQuery & FormatQuery>('report-query.json', ctx.query);
    const range = readRange(query);
    const { user } = ctx.state;
    answer(ctx, query, await agentsReport(db, range, user.role === 'admin' ? undefined : user.id), agentsCsv, fileName('agents', range));
  });

  router.get('/reports/sla', requireRole('admin'), async (ctx) => {
    const query = validate<RangeQuery & FormatQuery>('report-query.json', ctx.query);
    const range = readRange(query);
    answer(ctx, query, await slaReport(db, range, BREACHED_IN_REPORT), slaCsv, fileName('sla', range));
  });

  router.get('/reports/sla/breached', requireRole('admin'), async (ctx) => {
    const query = validate<RangeQuery & FormatQuery>('report-breached-query.json', ctx.query);
    const range = readRange(query);
    const page = await breachedTickets(db, range, readPage(ctx.query, BREACHED_IN_REPORT, 1000));
    const links = linkHeader(ctx, page);
    if (links) ctx.set('Link', links);
    answer(ctx, query, page, breachedCsv, fileName('sla-breached', range));
  });

  return router;
}
