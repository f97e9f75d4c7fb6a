import { randomBytes } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { createIntegration } from '../src/integrations/service.js';
import { createDb } from '../src/db/connect.js';
import { parseDatabaseUrl } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { countPendingTickets } from '../src/reports/rollups/roller.js';
import { indexPendingTickets } from '../src/search/indexer.js';
import { freshDatabase, mysqlTarget } from './database.js';
import { connectionCpu, connectionCpuSpent, cpuSpent, findDatabasePid, microsPer, readCpu, type CpuReading } from './cpu.js';
import { firstTwoInTurn, median } from './rounds.js';
import { CASE_UID_PLACEHOLDER, makeTemplates } from './payloads.js';
import { startServer, type Server } from './servers.js';

const settings = {
  databaseUrl: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/casehub_bench',
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  /**
   * Seconds of load on each server before the first round. V8 goes on compiling Casehub's hot
   * functions for about 20 s of load: after a shorter warm-up the first round pays for it.
   */
  warmup: Number(process.env.BENCH_WARMUP_SECONDS ?? 30),
  poolMax: process.env.DB_POOL_MAX ?? '16',
  profile: process.env.BENCH_PROFILE === '1',
  /** Another built checkout to run beside this one, round for round, on a database of its own (A/B). */
  compare: process.env.BENCH_COMPARE,
  /**
   * With `compare`: the two Casehubs under load at the same time, half the connections each,
   * instead of one after the other. The machine's drift then hits both alike within a round.
   */
  sideBySide: process.env.BENCH_SIDE_BY_SIDE === '1',
};

interface Round {
  server: string;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU milliseconds per process during the round: server, database, load generator. */
  cpu: CpuReading;
}

async function apiKeyFor(url: string): Promise<string> {
  const db = createDb({ database: parseDatabaseUrl(url)!, dbPoolMax: 2 }, createLogger('warn'));
  const integration = await createIntegration(db, 'bench');
  await db.destroy();
  return integration.api_key;
}

function load(server: Server, seconds: number, templates: string[], key: string, connections = settings.connections): Promise<Round> {
  let next = 0;
  const run = randomBytes(4).toString('hex');
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: server.url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'PUT',
            path: '/v1/case',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            setupRequest: (request) => {
              const n = next++;
              // A new caseUid each request: every request creates a case, the expensive path.
              return { ...request, body: templates[n % templates.length]!.replace(CASE_UID_PLACEHOLDER, `bench-${run}-${n}`) };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          server: server.name,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          seconds: result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          cpu: {},
        });
      },
    );
  });
}

/** CPU milliseconds each process spent over the given rounds. */
function cpuOver(rounds: Round[]): CpuReading {
  const total: CpuReading = {};
  for (const name of Object.keys(rounds[0]?.cpu ?? {})) total[name] = rounds.reduce((sum, r) => sum + (r.cpu[name] ?? 0), 0);
  return total;
}

/** Server and database CPU microseconds per request, from a summary's figures. */
function cpuOf(summary: { cpu: CpuReading; requests: number }): number {
  return (((summary.cpu.server ?? 0) + (summary.cpu.database ?? 0)) * 1000) / summary.requests;
}

function summarise(rounds: Round[], name: string) {
  const mine = rounds.filter((r) => r.server === name);
  const requests = mine.reduce((sum, r) => sum + r.requests, 0);
  const seconds = mine.reduce((sum, r) => sum + r.seconds, 0);
  const cpu = cpuOver(mine);
  return {
    name,
    rps: requests / seconds,
    p50: median(mine.map((r) => r.p50)),
    p99: Math.max(...mine.map((r) => r.p99)),
    non2xx: mine.reduce((sum, r) => sum + r.non2xx, 0),
    errors: mine.reduce((sum, r) => sum + r.errors, 0),
    cpuPerRequest: microsPer(cpu, requests),
    cpu,
    requests,
  };
}

/**
 * The work ingest leaves for later: the search job indexing the words of every case the rounds
 * created (docs/search.md), and the reports job counting them into the rollups
 * (docs/reports.md), each timed here in this process, so its cost per case can be added to the
 * request's.
 */
async function measureDeferredJobs(databasePid: number | undefined): Promise<void> {
  const db = createDb({ database: parseDatabaseUrl(settings.databaseUrl)!, dbPoolMax: 2 }, createLogger('warn'));
  const jobs: Array<[string, () => Promise<number>]> = [
    ['search', async () => (await indexPendingTickets(db)).indexed],
    ['reports', async () => (await countPendingTickets(db)).counted],
  ];
  try {
    for (const [name, run] of jobs) {
      const before = readCpu({ database: databasePid });
      const started = performance.now();
      const cases = await run();
      const seconds = (performance.now() - started) / 1000;
      const spent = cpuSpent(before, readCpu({ database: databasePid }));
      console.log(`${name} job afterwards: ${cases} cases in ${seconds.toFixed(1)} s, ${(cases / seconds).toFixed(0)} cases/s; CPU µs per case: ${microsPer(spent, cases, { load: 'job' })}`);
    }
  } finally {
    await db.destroy();
  }
}

interface Contender {
  server: Server;
  key: string;
  /** The database it writes to, by name. */
  database: string;
}

/** The other checkout's Casehub (`BENCH_COMPARE`): it migrates its own database as it starts. */
async function startComparison(env: Record<string, string>): Promise<Contender> {
  const databaseUrl = `${settings.databaseUrl}_compare`;
  await freshDatabase(databaseUrl, false);
  const script = path.join(path.resolve(settings.compare!), 'dist', 'src', 'main.js');
  const server = await startServer('other', script, 3904, { ...env, DATABASE_URL: databaseUrl, ROLE: 'api' });
  return { server, key: await apiKeyFor(databaseUrl), database: mysqlTarget(databaseUrl).database };
}

/** One server under the whole load; the database's CPU is all of MariaDB's. */
async function alone({ server, key }: Contender, databasePid: number | undefined, templates: string[]): Promise<Round> {
  const pids = { server: server.pid, database: databasePid };
  const before = readCpu(pids);
  const round = await load(server, settings.seconds, templates, key);
  round.cpu = cpuSpent(before, readCpu(pids));
  return round;
}

/** The connections of MariaDB's clients: which database each uses and its thread. */
async function databaseConnections(): Promise<Array<{ db: string | null; tid: number }>> {
  const target = mysqlTarget(settings.databaseUrl);
  const connection = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
  try {
    const [rows] = await connection.query('SELECT db, tid FROM information_schema.processlist');
    return rows as Array<{ db: string | null; tid: number }>;
  } finally {
    await connection.end();
  }
}

/**
 * Two servers under load at the same time, half the connections each. Each is charged its own
 * process's CPU and that of the database connections on its own database; the load generator
 * serves both, so its CPU is left out.
 */
async function sideBySide(pair: Contender[], databasePid: number, templates: string[]): Promise<Round[]> {
  const before = pair.map(({ server }) => readCpu({ server: server.pid }));
  const databaseBefore = connectionCpu(databasePid, await databaseConnections());
  const half = Math.max(1, Math.floor(settings.connections / 2));
  const rounds = await Promise.all(pair.map(({ server, key }) => load(server, settings.seconds, templates, key, half)));
  const database = connectionCpuSpent(databaseBefore, connectionCpu(databasePid, await databaseConnections()));
  rounds.forEach((round, i) => {
    const server = cpuSpent(before[i]!, readCpu({ server: pair[i]!.server.pid })).server;
    round.cpu = { server: server ?? 0, database: database.get(pair[i]!.database) ?? 0 };
  });
  return rounds;
}

/**
 * The order of a round: two Casehubs take turns (bench/rounds.ts); the floor, which writes
 * little, runs last, and alone with Casehub keeps its place.
 */
function inTurn(contenders: Contender[], round: number): Contender[] {
  return contenders.length < 3 ? contenders : firstTwoInTurn(contenders, round);
}

/** `together`: the two Casehubs were loaded side by side, so only they compare. */
function report(rounds: Round[], names: string[], together: boolean): void {
  const summaries = names.map((name) => summarise(rounds, name));
  console.log('\n| server | req/s | p50 ms | p99 ms | non-2xx | errors | CPU µs per request |\n|---|---|---|---|---|---|---|');
  for (const s of summaries) console.log(`| ${s.name} | ${s.rps.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.non2xx} | ${s.errors} | ${s.cpuPerRequest} |`);
  const named = (name: string) => summaries.find((s) => s.name === name);
  const ours = named('casehub')!;
  const floor = named('floor')!;
  const other = named('other');
  if (other && together) {
    // Each Casehub had half the connections and half the machine: only the two compare.
    console.log(`\nside by side: casehub / other, requests ${(ours.rps / other.rps).toFixed(3)}, CPU per request (server and its database connections) ${(cpuOf(ours) / cpuOf(other)).toFixed(3)}`);
    console.log('the target is measured without BENCH_SIDE_BY_SIDE: here neither Casehub had the whole machine');
    return;
  }
  const ratio = ours.rps / floor.rps;
  console.log(`\nratio casehub / floor: ${ratio.toFixed(2)}`);
  if (other) console.log(`ratio other / floor: ${(other.rps / floor.rps).toFixed(2)}; casehub / other: ${(ours.rps / other.rps).toFixed(3)}`);
  console.log(`target: ratio >= 0.50 ${ratio >= 0.5 ? 'met' : 'NOT met'}; p99 <= 100 ms ${ours.p99 <= 100 ? 'met' : 'NOT met'}; zero non-2xx ${ours.non2xx + ours.errors === 0 ? 'met' : 'NOT met'}`);
}

export async function runIngestBench(): Promise<void> {
  const databasePid = findDatabasePid();
  // Side by side needs the database's threads to charge each Casehub its own share (Linux only).
  const together = settings.sideBySide && settings.compare !== undefined && databasePid !== undefined;
  console.log(`ingest bench: PUT /v1/case, ${settings.connections} connections, ${settings.warmup} s warm-up per server, ${settings.rounds} rounds of ${settings.seconds} s each, ${together ? 'the two Casehubs side by side, then the floor' : 'alternating'}`);
  await freshDatabase(settings.databaseUrl);
  const key = await apiKeyFor(settings.databaseUrl);
  const templates = makeTemplates(2000);
  const bytes = templates.reduce((sum, t) => sum + t.length, 0) / templates.length;
  console.log(`payloads: ${templates.length} templates, ${Math.round(bytes)} bytes on average`);

  const env = { DATABASE_URL: settings.databaseUrl, LOG_LEVEL: 'warn', DB_POOL_MAX: settings.poolMax };
  const profileArgs = settings.profile ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : [];
  const database = mysqlTarget(settings.databaseUrl).database;
  const contenders: Contender[] = [
    { server: await startServer('casehub', 'src/main.js', 3901, { ...env, ROLE: 'api' }, profileArgs), key, database },
    ...(settings.compare ? [await startComparison(env)] : []),
    { server: await startServer('floor', 'bench/floor-server.js', 3902, env), key, database },
  ];
  try {
    // Warm-up: JIT, pools, buffer pool.
    for (const { server, key } of contenders) await load(server, settings.warmup, templates, key);
    const rounds: Round[] = [];
    const print = (i: number, round: Round) =>
      console.log(
        `  round ${i + 1} ${round.server.padEnd(8)} ${(round.requests / round.seconds).toFixed(0).padStart(6)} req/s  p50 ${round.p50} ms  p99 ${round.p99} ms  non-2xx ${round.non2xx}  errors ${round.errors}  CPU µs/request: ${microsPer(round.cpu, round.requests)}`,
      );
    // Side by side: the two Casehubs together, then the floor alone.
    for (let i = 0; i < settings.rounds; i++) {
      for (const group of together ? [contenders.slice(0, 2), contenders.slice(2)] : inTurn(contenders, i).map((c) => [c])) {
        const played = group.length === 2 ? await sideBySide(group, databasePid!, templates) : [await alone(group[0]!, databasePid, templates)];
        for (const round of played) {
          rounds.push(round);
          print(i, round);
        }
      }
    }
    report(rounds, contenders.map(({ server }) => server.name), together);
    await measureDeferredJobs(databasePid);
  } finally {
    for (const { server } of contenders) await server.stop();
  }
}
