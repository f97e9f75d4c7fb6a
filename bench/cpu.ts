/**
 * CPU time spent by each process during a round, read from /proc (Linux only; elsewhere the
 * bench prints no CPU column). Server, database and load generator share one machine here, so
 * requests per second alone hide who is busy: CPU per request shows where the time goes.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** User plus system CPU so far of a process or one of its threads (its `stat` file), in milliseconds; undefined when unreadable. */
function cpuMillisOf(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The database server's pid, found by its command name. */
export function findDatabasePid(): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    }
  } catch {
    // no /proc
  }
  return undefined;
}

export type CpuReading = Record<string, number>;

/** Reads every named process's CPU so far; `self` is this (load-generating) process. */
export function readCpu(pids: Record<string, number | undefined>): CpuReading {
  const reading: CpuReading = {};
  for (const [name, pid] of Object.entries(pids)) {
    const ms = pid === undefined ? undefined : cpuMillisOf(`/proc/${pid}/stat`);
    if (ms !== undefined) reading[name] = ms;
  }
  const self = process.cpuUsage();
  reading.load = (self.user + self.system) / 1000;
  return reading;
}

/** CPU milliseconds each process spent between two readings. */
export function cpuSpent(before: CpuReading, after: CpuReading): CpuReading {
  const spent: CpuReading = {};
  for (const name of Object.keys(after)) if (before[name] !== undefined) spent[name] = after[name]! - before[name]!;
  return spent;
}

/** CPU microseconds each process spent per unit of work, as `server 812, database 344`; `names` renames a process. */
export function microsPer(spent: CpuReading, units: number, names: Record<string, string> = {}): string {
  return Object.entries(spent)
    .map(([who, ms]) => `${names[who] ?? who} ${Math.round((ms * 1000) / Math.max(units, 1))}`)
    .join(', ');
}

/** A database server connection thread's CPU so far, and the database it uses. */
export type ConnectionCpu = Map<number, { db: string; ms: number }>;

/**
 * CPU milliseconds so far of the database server's connection threads, by thread id, with the
 * database each uses (MariaDB names each connection's thread in `information_schema.processlist`).
 * Two servers on two databases can then be told apart inside one MariaDB.
 */
export function connectionCpu(databasePid: number, connections: ReadonlyArray<{ db: string | null; tid: number }>): ConnectionCpu {
  const threads: ConnectionCpu = new Map();
  for (const { db, tid } of connections) {
    if (db === null) continue;
    const ms = cpuMillisOf(`/proc/${databasePid}/task/${tid}/stat`);
    if (ms !== undefined) threads.set(Number(tid), { db, ms });
  }
  return threads;
}

/** What each database's connections spent between two readings, counting only threads alive at both. */
export function connectionCpuSpent(before: ConnectionCpu, after: ConnectionCpu): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [tid, { db, ms }] of after) {
    const start = before.get(tid);
    if (start?.db !== db) continue;
    spent.set(db, (spent.get(db) ?? 0) + ms - start.ms);
  }
  return spent;
}
