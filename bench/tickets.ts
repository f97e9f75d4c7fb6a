/**
 * `npm run bench -- tickets`: GET /api/v1/tickets over a million-ticket backlog in MySQL, with
 * the filters people use all day, at 32 connections; and, for each, the query plan MySQL picks
 * (EXPLAIN of the very queries the list runs), which must use an index for every table.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { readPage } from '../src/api/pagination.js';
import { createTokenSigner } from '../src/auth/tokens.js';
import { createDb } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';
import type { Actor } from '../src/tickets/actor.js';
import { listTickets } from '../src/tickets/list.js';
import type { UserRole } from '../src/users/repository.js';
import { cpuSpent, findDatabasePid, microsPer, readCpu, type CpuReading } from './cpu.js';
import { mysqlTarget } from './database.js';
import { startServer } from './servers.js';
import { prepareBacklog } from './backlog.js';
import { firstTwoInTurn, median } from './rounds.js';
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
  /** Rounds per filter; with a comparison, the two builds take turns. */
  rounds: Number(process.env.BENCH_ROUNDS ?? 1),
  /** The root of another built checkout with the same migrations, run round for round on the same backlog. */
  compare: process.env.BENCH_COMPARE,
};
const JWT_SECRET = 'tickets-bench-secret-of-at-least-32-characters';
/** Each round's first seconds, on its own connections, not measured: JIT, buffer pool, connections. */
const WARM_UP_SECONDS = 2;

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

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** Answers other than 2xx, and errors, warm-up included. */
  failed: number;
  cpu: string;
}

/** The latency below which `share` of the sorted values fall, in whole ms as autocannon prints it. */
function percentile(sorted: number[], share: number): number {
  return Math.round(sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? 0);
}

/**
 * One round on one set of connections: WARM_UP_SECONDS first, then `seconds` measured. A load
 * generator's fresh connections made its first half-second slow on its own side (up to 300 ms
 * where the server's log said 62 ms at most), so a round's figures start once its connections
 * are open and warm, as a client's keep-alive connections are.
 */
function measure(url: string, path: string, token: string, seconds: number, pids: Record<string, number | undefined>): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let from: { at: number; cpu: CpuReading } | undefined;
    const latencies: number[] = [];
    let failed = 0;
    const instance = autocannon({ url: url + path, connections: settings.connections, duration: WARM_UP_SECONDS + seconds, headers: { authorization: `Bearer ${token}` } }, (err, result) => {
      if (err) return reject(err);
      if (!from) return reject(new Error('the round ended before its warm-up did'));
      const measuredSeconds = (performance.now() - from.at) / 1000;
      latencies.sort((a, b) => a - b);
      resolve({
        rps: latencies.length / measuredSeconds,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        failed: failed + result.errors,
        cpu: microsPer(cpuSpent(from.cpu, readCpu(pids)), latencies.length),
      });
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status < 200 || status > 299) failed++;
      if (from) latencies.push(ms);
      else if (performance.now() - started >= WARM_UP_SECONDS * 1000) from = { at: performance.now(), cpu: readCpu(pids) };
    });
  });
}

interface Round extends Measured {
  server: string;
}

/** One line per build: mean requests/s, and the median round's p50 and p99 (every round's p99 too). */
function summarise(scenario: Scenario, plan: { keys: string[]; scans: string[] }, rounds: Round[], name: string): { line: string; met: boolean; rps: number; p99: number } {
  const own = rounds.filter((r) => r.server === name);
  const rps = own.reduce((sum, r) => sum + r.rps, 0) / own.length;
  const p50 = median(own.map((r) => r.p50));
  const p99 = median(own.map((r) => r.p99));
  const failed = own.reduce((sum, r) => sum + r.failed, 0);
  const met = p99 <= scenario.targetP99 && failed === 0 && plan.scans.length === 0;
  const label = name === 'casehub' ? scenario.name : `${scenario.name} (other)`;
  const p99s = own.length > 1 ? ` (${own.map((r) => r.p99).join(', ')})` : '';
  return {
    line: `| ${label} | ${rps.toFixed(0)} | ${p50} | ${p99}${p99s} | ${scenario.targetP99} ${met ? 'met' : 'NOT met'} | ${failed} | ${own.map((r) => r.cpu).join('; ')} | ${plan.keys.join(', ')} | ${plan.scans.join(', ') || 'none'} |`,
    met,
    rps,
    p99,
  };
}

export async function runTicketsBench(): Promise<void> {
  console.log(`tickets bench: GET /api/v1/tickets over ${settings.tickets} tickets, ${settings.connections} connections, ${settings.rounds} round(s) of ${settings.seconds} s per filter`);
  const db = createDb({ database: mysqlTarget(settings.databaseUrl), dbPoolMax: 4 }, createLogger('warn'));
  await prepareBacklog(db, settings.databaseUrl, settings.tickets, settings.reseed);
  const profileArgs = settings.profile ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : [];
  const env = { DATABASE_URL: settings.databaseUrl, LOG_LEVEL: 'warn', ROLE: 'api', JWT_SECRET };
  const servers = [await startServer('casehub', 'src/main.js', 3903, env, profileArgs)];
  if (settings.compare) servers.push(await startServer('other', path.join(path.resolve(settings.compare), 'dist', 'src', 'main.js'), 3904, env));
  const server = servers[0]!;
  const databasePid = findDatabasePid();
  try {
    const signer = createTokenSigner(JWT_SECRET);
    const admin = await actorByEmail(db, 'admin@bench.test');
    const agent = await actorByEmail(db, 'agent0@bench.test');
    const tokens = { admin: await signer.signAccess({ sub: admin.uuid, role: 'admin' }), agent: await signer.signAccess({ sub: agent.uuid, role: 'agent' }) };
    const deep = (await (await fetch(`${server.url}/api/v1/tickets?offset=${Math.floor(settings.tickets / 2)}`, { headers: { authorization: `Bearer ${tokens.admin}` } })).json()) as { next_cursor: string };

    console.log('\n| filter | req/s | p50 ms | p99 ms | target p99 | non-2xx | CPU µs/request | indexes used | tables read without an index |\n|---|---|---|---|---|---|---|---|---|');
    let allMet = true;
    const comparisons: string[] = [];
    for (const scenario of scenarios(agent.uuid, deep.next_cursor).filter((s) => s.name.toLowerCase().includes(settings.only))) {
      const path = `/api/v1/tickets?${new URLSearchParams(scenario.query)}`;
      const plan = await explain(db, scenario.as === 'admin' ? admin : agent, scenario.query);
      const rounds: Round[] = [];
      for (let i = 0; i < settings.rounds; i++) {
        for (const each of firstTwoInTurn(servers, i)) {
          const measured = await measure(each.url, path, tokens[scenario.as], settings.seconds, { server: each.pid, database: databasePid });
          rounds.push({ server: each.name, ...measured });
        }
      }
      const ours = summarise(scenario, plan, rounds, 'casehub');
      allMet &&= ours.met;
      console.log(ours.line);
      if (settings.compare) {
        const other = summarise(scenario, plan, rounds, 'other');
        console.log(other.line);
        comparisons.push(`${scenario.name}: req/s ${(ours.rps / other.rps).toFixed(2)}, p99 ${(ours.p99 / other.p99).toFixed(2)}`);
      }
    }
    if (comparisons.length > 0) console.log(`\ncasehub / other:\n${comparisons.join('\n')}`);
    const which = settings.only ? ` (only the filters matching "${settings.only}")` : '';
    console.log(`\ntargets${which}: ${allMet ? 'all met' : 'NOT all met'}`);
  } finally {
    for (const each of servers) await each.stop();
    await db.destroy();
  }
}
