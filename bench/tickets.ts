/**
 * `npm run bench -- tickets`: GET /api/v1/tickets over a million-ticket backlog in MySQL, with
 * the filters people use all day, at 32 connections; and, for each, the query plan MySQL picks
 * (EXPLAIN of the very queries the list runs), which must use an index for every table.
 */
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { readPage } from '../src/api/pagination.js';
import { createTokenSigner } from '../src/auth/tokens.js';
import { createDb } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';
import type { Actor } from '../src/tickets/actor.js';
import { listTickets } from '../src/tickets/list.js';
import type { UserRole } from '../src/users/repository.js';
import { cpuSpent, findDatabasePid, microsPer, readCpu } from './cpu.js';
import { mysqlTarget } from './database.js';
import { startServer } from './servers.js';
import { prepareBacklog } from './backlog.js';
import { SEARCH_WORD } from './ticket-seed.js';

const settings = {
  databaseUrl: process.env.BENCH_TICKETS_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/casehub_tickets_bench',
  tickets: Number(process.env.BENCH_TICKETS ?? 1_000_000),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  reseed: process.env.BENCH_RESEED === '1',
  profile: process.env.BENCH_PROFILE === '1',
  /** Only the filters whose names contain this (case-insensitive), e.g. `BENCH_ONLY=status`. */
  only: (process.env.BENCH_ONLY ?? '').toLowerCase(),
};
const JWT_SECRET = 'tickets-bench-secret-of-at-least-32-characters';

interface Scenario {
  name: string;
  /** Who asks: the admin, or the first agent. */
  as: 'admin' | 'agent';
  query: Record<string, string>;
  targetP99: number;
}

const scenarios = (agentUuid: string, deepCursor: string): Scenario[] => [
  { name: 'status + priority', as: 'admin', query: { status: 'open,in_progress', priority: 'high,urgent' }, targetP99: 50 },
  { name: 'assignee', as: 'admin', query: { assignee_id: agentUuid }, targetP99: 50 },
  { name: 'my open work (agent)', as: 'agent', query: { assignee_id: 'me', status: 'assigned,in_progress,reopened' }, targetP99: 50 },
  { name: 'tag', as: 'admin', query: { tag: 'tag-3' }, targetP99: 50 },
  { name: 'deep cursor page', as: 'admin', query: { cursor: deepCursor }, targetP99: 50 },
  { name: 'q (word search)', as: 'admin', query: { q: SEARCH_WORD }, targetP99: 200 },
];

async function actorByEmail(db: Knex, email: string): Promise<Actor> {
  const row = (await db('users').where({ email }).first('id', 'uuid', 'role')) as { id: number; uuid: string; role: UserRole };
  return { id: Number(row.id), uuid: row.uuid, role: row.role };
}

/** EXPLAIN of every statement the list runs for this query; names each table read without an index. */
async function explain(db: Knex, actor: Actor, query: Record<string, string>): Promise<{ keys: string[]; scans: string[] }> {
  const statements: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const capture = (q: { sql: string; bindings?: readonly unknown[] }) => statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', capture);
  try {
    await listTickets(db, actor, query, readPage(query));
  } finally {
    db.off('query', capture);
  }
  const keys: string[] = [];
  const scans: string[] = [];
  for (const statement of statements.filter((s) => /\bfrom `(cases|case_tags|messages)`/i.test(s.sql))) {
    const [plan] = (await db.raw(`EXPLAIN ${statement.sql}`, statement.bindings as Knex.RawBinding[])) as [Array<{ table: string; type: string; key: string | null; rows: number }>];
    for (const row of plan) {
      if (row.key) keys.push(`${row.table}:${row.key}`);
      // A derived table is the materialised result of an indexed search, read whole by design.
      if ((row.type === 'ALL' || row.key === null) && !row.table.startsWith('<')) scans.push(`${row.table} (${row.type}, ~${row.rows} rows)`);
    }
  }
  return { keys: [...new Set(keys)], scans: [...new Set(scans)] };
}

function measure(url: string, path: string, token: string, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: url + path, connections: settings.connections, duration: seconds, headers: { authorization: `Bearer ${token}` } }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

export async function runTicketsBench(): Promise<void> {
  console.log(`tickets bench: GET /api/v1/tickets over ${settings.tickets} tickets, ${settings.connections} connections, ${settings.seconds} s per filter`);
  const db = createDb({ database: mysqlTarget(settings.databaseUrl), dbPoolMax: 4 }, createLogger('warn'));
  await prepareBacklog(db, settings.databaseUrl, settings.tickets, settings.reseed);
  const profileArgs = settings.profile ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : [];
  const server = await startServer('casehub', 'src/main.js', 3903, { DATABASE_URL: settings.databaseUrl, LOG_LEVEL: 'warn', ROLE: 'api', JWT_SECRET }, profileArgs);
  const pids = { server: server.pid, database: findDatabasePid() };
  try {
    const signer = createTokenSigner(JWT_SECRET);
    const admin = await actorByEmail(db, 'admin@bench.test');
    const agent = await actorByEmail(db, 'agent0@bench.test');
    const tokens = { admin: await signer.signAccess({ sub: admin.uuid, role: 'admin' }), agent: await signer.signAccess({ sub: agent.uuid, role: 'agent' }) };
    const deep = (await (await fetch(`${server.url}/api/v1/tickets?offset=${Math.floor(settings.tickets / 2)}`, { headers: { authorization: `Bearer ${tokens.admin}` } })).json()) as { next_cursor: string };

    console.log('\n| filter | req/s | p50 ms | p99 ms | target p99 | non-2xx | CPU µs/request | indexes used | tables read without an index |\n|---|---|---|---|---|---|---|---|---|');
    let allMet = true;
    for (const scenario of scenarios(agent.uuid, deep.next_cursor).filter((s) => s.name.toLowerCase().includes(settings.only))) {
      const path = `/api/v1/tickets?${new URLSearchParams(scenario.query)}`;
      const plan = await explain(db, scenario.as === 'admin' ? admin : agent, scenario.query);
      await measure(server.url, path, tokens[scenario.as], 2); // warm-up: JIT, buffer pool
      const before = readCpu(pids);
      const result = await measure(server.url, path, tokens[scenario.as], settings.seconds);
      const cpu = microsPer(cpuSpent(before, readCpu(pids)), result.requests.total);
      const met = result.latency.p99 <= scenario.targetP99 && result.non2xx === 0 && result.errors === 0 && plan.scans.length === 0;
      allMet &&= met;
      console.log(
        `| ${scenario.name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${scenario.targetP99} ${met ? 'met' : 'NOT met'} | ${result.non2xx + result.errors} | ${cpu} | ${plan.keys.join(', ')} | ${plan.scans.join(', ') || 'none'} |`,
      );
    }
    const which = settings.only ? ` (only the filters matching "${settings.only}")` : '';
    console.log(`\ntargets${which}: ${allMet ? 'all met' : 'NOT all met'}`);
  } finally {
    await server.stop();
    await db.destroy();
  }
}
