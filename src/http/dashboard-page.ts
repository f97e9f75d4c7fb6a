import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Router from '@koa/router';
import { projectRoot } from '../paths.js';

// Chart.js ships a browser build; it is served from here with the page, never from a CDN.
const chartFile = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
const pageDir = path.join(projectRoot, 'public', 'dashboard');

const ASSETS: Record<string, { file: string; type: string }> = {
  'dashboard.js': { file: path.join(pageDir, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: path.join(pageDir, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'chart.umd.js': { file: chartFile, type: 'text/javascript; charset=utf-8' },
};

// Scripts and styles from this origin only; the page talks to this origin's API only.
const PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'";

/**
 * GET /dashboard: the support manager's page. It signs in with the API's login and draws the
 * report routes' answers, so it shows exactly what the API gives.
 */
export function registerDashboardRoutes(router: Router): void {
  const page = fs.readFileSync(path.join(pageDir, 'index.html'));

  router.get('/dashboard', (ctx) => {
    ctx.set('Content-Security-Policy', PAGE_POLICY);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });

  router.get('/dashboard/:asset', (ctx) => {
    const asset = ASSETS[ctx.params.asset ?? ''];
    if (asset === undefined) return; // falls through to the 404 JSON
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = fs.createReadStream(asset.file);
  });
}
