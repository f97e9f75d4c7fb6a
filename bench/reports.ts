/**
 * `npm run bench -- reports`: the dashboard and every report over the million-ticket backlog
 * in MySQL (shared with the tickets bench), one request at a time as a manager opens them,
 * for the default 30 days and for a whole year. Target: every answer under 500 ms.
 */
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { createTokenSigner } from '../src/auth/tokens.js';
import { createDb } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';
import { prepareBacklog } from './backlog.js';
import { mysqlTarget } from './database.js';
import { startServer } from './servers.js';

const settings = {
  databaseUrl: process.env.BENCH_TICKETS_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/casehub_tickets_bench',
  tickets: Number(process.env.BENCH_TICKETS ?? 1_000_000),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  reseed: process.env.BENCH_RESEED === '1',
};
const JWT_SECRET = 'reports-bench-secret-of-at-least-32-characters';
const TARGET_MS = 500;

const YEAR = `from=${new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date().toISOString().slice(0, 10)}`;
const ZONE = 'time_zone=Europe/Copenhagen';

const scenarios: Array<{ name: string; path: string; as?: 'agent' }> = [
  { name: 'dashboard', path: `/api/v1/admin/dashboard?${ZONE}` },
  { name: 'tickets, 30 days', path: `/api/v1/admin/reports/tickets?${ZONE}` },
  { name: 'tickets, 366 days', path: `/api/v1/admin/reports/tickets?${YEAR}&${ZONE}` },
  { name: 'tickets, 366 days, CSV', path: `/api/v1/admin/reports/tickets?${YEAR}&${ZONE}&format=csv` },
  { name: 'agents, 30 days', path: `/api/v1/admin/reports/agents?${ZONE}` },
  { name: 'agents, 366 days', path: `/api/v1/admin/reports/agents?${YEAR}&${ZONE}` },
  { name: 'agents, own row (agent), 366 days', path: `/api/v1/admin/reports/agents?${YEAR}&${ZONE}`, as: 'agent' },
  { name: 'sla, 30 days', path: `/api/v1/admin/reports/sla?${ZONE}` },
  { name: 'sla, 366 days', path: `/api/v1/admin/reports/sla?${YEAR}&${ZONE}` },
  { name: 'sla breached, page 50, 366 days', path: `/api/v1/admin/reports/sla/breached?${YEAR}&${ZONE}&offset=5000` },
];

function measure(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 1, duration: seconds, headers: { authorization: `Bearer ${token}` } }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function tokenFor(db: Knex, email: string, role: 'admin' | 'agent'): Promise<string> {
  const user = (await db('users').where({ email }).first('uuid')) as { uuid: string };
  return createTokenSigner(JWT_SECRET).signAccess({ sub: user.uuid, role });
}

export async function runReportsBench(): Promise<void> {
  console.log(`reports bench: the dashboard and reports over ${settings.tickets} tickets, one connection, ${settings.seconds} s each`);
  const db = createDb({ database: mysqlTarget(settings.databaseUrl), dbPoolMax: 2 }, createLogger('warn'));
  await prepareBacklog(db, settings.databaseUrl, settings.tickets, settings.reseed);
  const server = await startServer('casehub', 'src/main.js', 3904, { DATABASE_URL: settings.databaseUrl, LOG_LEVEL: 'warn', ROLE: 'api', JWT_SECRET });
  try {
    const tokens = { admin: await tokenFor(db, 'admin@bench.test', 'admin'), agent: await tokenFor(db, 'agent0@bench.test', 'agent') };
    console.log(`\n| report | requests | p50 ms | p99 ms | max ms | target | non-2xx |\n|---|---|---|---|---|---|---|`);
    let allMet = true;
    for (const scenario of scenarios) {
      const token = tokens[scenario.as ?? 'admin'];
      await measure(server.url + scenario.path, token, 2); // warm-up: JIT, buffer pool
      const result = await measure(server.url + scenario.path, token, settings.seconds);
      const met = result.requests.total > 0 && result.latency.max < TARGET_MS && result.non2xx === 0 && result.errors === 0 && result.timeouts === 0;
      allMet &&= met;
      console.log(`| ${scenario.name} | ${result.requests.total} | ${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} | < ${TARGET_MS} ${met ? 'met' : 'NOT met'} | ${result.non2xx + result.errors + result.timeouts} |`);
    }
    console.log(`\ntargets: ${allMet ? 'all met' : 'NOT all met'}`);
  } finally {
    await server.stop();
    await db.destroy();
  }
}
