import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from './process';

const DIST = path.join(__dirname, '..', '..', 'dist', 'src');

export interface Spawned {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
}

/**
 * The compiled server or CLI as `npm start` / `npm run cli` run it: on the
 * embedded PostgreSQL under `dataDir` (DATABASE_URL blanked, so that a
 * developer's own setting cannot leak in). `npm test` builds dist/ first.
 */
export function spawnDist(entry: 'main' | 'cli', dataDir: string, args: string[] = [], env: Record<string, string> = {}): Spawned {
  const file = path.join(DIST, entry === 'main' ? 'main.js' : 'cli/index.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (npm test does it first)`);
  const child = spawn(process.execPath, [...(entry === 'main' ? SERVER_NODE_FLAGS : []), file, ...args], {
    // METRICS_PORT 0: a free port, so that a server already running on this machine (its metrics on 9464) does not fail these.
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** Resolves with the server's /graphql URL once it prints its banner; rejects if it exits or takes too long. */
export async function serverUrl(s: Spawned, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let exited = false;
  void s.exited.then(() => (exited = true));
  for (;;) {
    const m = /running at (http:\/\/\S+\/graphql)/.exec(s.out());
    if (m) return m[1];
    if (exited || Date.now() > end) throw new Error(`server ${exited ? 'exited' : 'did not start'}: ${s.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls `check` until it holds or `ms` pass; returns whether it held. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

/** Pids of every postgres process whose command line serves `pgDir`, from the process table (not from files we might have left behind). */
export function postgresProcessesOf(pgDir: string): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && /\bpostgres\b/.test(m[2]) && m[2].includes(`-D ${pgDir} `))
    .map((m) => Number(m[1]));
}

/** The pid the postmaster.pid file of `pgDir` names, if any. */
export function postmasterPid(pgDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}
