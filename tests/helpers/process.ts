import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout JSON log line whose msg matches. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited(): Promise<number | null>;
}

/** Runs the built program (`dist/`, built by tests/global-setup.ts) as `npm start` would. */
export function runBuilt(script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitForLog(msg, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`no log line matching ${msg} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const poll = setInterval(() => {
          for (const line of out.split('\n')) {
            if (!line.startsWith('{')) continue;
            const entry = JSON.parse(line) as Record<string, unknown>;
            if (typeof entry.msg === 'string' && msg.test(entry.msg)) {
              clearInterval(poll);
              clearTimeout(deadline);
              resolve(entry);
              return;
            }
          }
        }, 25);
        void exit.then(() => {
          clearInterval(poll);
          clearTimeout(deadline);
          reject(new Error(`process exited before logging ${msg}; stdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
  };
}

/** Runs a built command to completion. */
export async function runToEnd(script: string, args: string[], env: Record<string, string>) {
  const running = runBuilt(script, args, env);
  const code = await running.exited();
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}
