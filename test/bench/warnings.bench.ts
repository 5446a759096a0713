/**
 * Live-warnings fan-out benchmark: `npm run bench:warnings` (docs/benchmarks.md).
 *
 * One PostgreSQL (embedded in a temp dir, or DATABASE_URL's server with a
 * scratch database), migrated and populated here with 10 organisations of
 * different kinds (each with its own ES256 key, bootstrapped the way
 * `init`/seed and the test fixtures do it). For each subscriber count
 * (1,000 and 5,000) two systems run back to back, each as two separate Node
 * processes so that their memory (VmRSS) and CPU are their own:
 *
 *   subject  two ThreatFed instances (`node dist/src/main.js`, the compiled
 *            server, on the same database; delivery between them goes through
 *            LISTEN/NOTIFY as in production). Every subscriber holds its own
 *            VIEWER token of one of the 10 organisations (spread evenly), so
 *            visibility is computed per organisation. The publisher posts
 *            submitIndicators with one new GREEN HIGH indicator per call (each
 *            raises exactly one INDICATOR_HIGH_SEVERITY warning every
 *            organisation may read), alternately to the two instances.
 *   floor    two bare graphql-ws servers (test/bench/warnings-floor.ts) over an
 *            in-memory pub/sub: no auth, no database, no visibility. The
 *            floor has no broker, so each publish is posted to both instances
 *            (a broker that costs nothing).
 *
 * Subscribers: real graphql-ws clients over `ws` (in this process), one socket
 * and one `warnings` subscription each, half on each instance, opened in
 * bounded parallel batches. Five warm-up warnings must reach every subscriber
 * before measuring (a barrier: every subscription is registered, JITs are
 * warm); then WARNINGS are published at RATE per second on a fixed schedule,
 * by a worker thread (warnings-publisher.ts) so that the schedule holds even
 * when this thread is saturated by incoming messages.
 *
 * Latency is receive time at the subscriber minus the warning's `createdAt`
 * as delivered: PostgreSQL's `now()` (transaction start, so it also counts the
 * publishing transaction's own commit) for ThreatFed, the floor process's
 * clock when it takes the publish for the floor. Everything runs on one
 * machine, on one wall clock. Latencies from the moment the publishing request
 * was sent are reported too.
 *
 * Also measured in the window: CPU seconds of each server, of PostgreSQL and of
 * this process (/proc); each server's round trip for a request that does no
 * work (a 404 every 100 ms: how busy its event loop is); for ThreatFed, how
 * many of its PostgreSQL sessions wait for the warning log's advisory lock or
 * sit idle in an open transaction (pg_stat_activity every 50 ms). After the
 * scenarios, in this process: the hub's per-warning database reads; one
 * delivery's graphql execution on each schema; and fan-out to 2,500
 * subscribers without sockets or database (ThreatFed's hub and schema, its hub
 * behind the bare schema, the floor), with the share spent in GC.
 *
 * Nothing here asserts anything about time; the test fails only when the run
 * itself is broken (a server does not start). Lost, duplicated or reordered
 * deliveries are counted and reported, not hidden.
 *
 * Knobs (environment): BENCH_SUBSCRIBERS (default "1000,5000"), BENCH_WARNINGS
 * (200), BENCH_RATE (publishes per second, 20), BENCH_PROFILE=1 (run every
 * server under --cpu-prof and print where its CPU went during the publishing
 * window; this slows the servers, so its latencies are not the benchmark's),
 * BENCH_SYSTEMS (default "floor,threatfed"; one of them alone for diagnostics),
 * BENCH_LOG_LEVEL (servers' LOG_LEVEL, default warn), DATABASE_URL.
 */
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { execute, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, parse, subscribe, type ExecutionResult, type GraphQLOutputType } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import type { JWK } from 'jose';
import { Client } from 'pg';
import ts from 'typescript';
import { SERVER_NODE_FLAGS } from '../support/process';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateSigningKey, mintToken } from '../../src/auth/keys';
import type { Principal } from '../../src/auth/principal';
import { ObservableType, OrgKind, Role, Severity, Tlp } from '../../src/common/enums';
import { logger } from '../../src/common/logger';
import { encodeCursor } from '../../src/common/cursor';
import { createContext, type Context } from '../../src/api/context';
import type { EmbeddedDatabase } from '../../src/db/embedded';
import { createSchema } from '../../src/api/schema';
import { createServices, type Services } from '../../src/api/services';
import type { WarningBroker } from '../../src/warnings/broker';
import type { WarningEntity } from '../../src/warnings/warning.entity';
import { WarningHub } from '../../src/warnings/warning.hub';
import type { WarningService } from '../../src/warnings/warning.service';
import { floorSchema, publishLocally } from './warnings-floor-schema';
import type { PublisherJob, PublisherResult, PublishRecord } from './warnings-publisher';
import { cleanUp } from './cleanup';
import { openBenchDatabase } from './database';

logger.setLevel('silent');

const SIZES = (process.env.BENCH_SUBSCRIBERS ?? '1000,5000').split(',').map((s) => Math.max(2, Math.round(Number(s))));
const WARNINGS = Math.max(1, Number(process.env.BENCH_WARNINGS ?? 200));
const RATE = Math.max(1, Number(process.env.BENCH_RATE ?? 20));
const PROFILE = process.env.BENCH_PROFILE === '1';
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'floor,threatfed').split(',') as System[];
const SERVER_LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const WARMUP = 5;
const CONNECT_PARALLEL = 100;
const AUDIENCE = 'threatfed';
/** No new delivery for this long after the last publish: stop waiting and count what is missing. */
const STALL_MS = 15_000;
const DRAIN_CAP_MS = 90_000;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const REPO = process.cwd();
const MAIN_JS = path.join(REPO, 'dist', 'src', 'main.js');
/** Run outside vitest: transpiled to CommonJS into the temp dir at start. */
const PLAIN_TS = ['warnings-floor.ts', 'warnings-floor-schema.ts', 'warnings-publisher.ts'].map((f) => path.join(REPO, 'test', 'bench', f));
const RUN = randomBytes(3).toString('hex');

const SUBSCRIPTION = 'subscription { warnings { cursor warning { kind title severity subjectId createdAt } } }';

/** The 10 organisations: kinds and one parent, so lineage, descendants and coordinator rules all take part. */
const ORGS: { code: string; kind: OrgKind; parent?: string }[] = [
  { code: 'WB-CERT', kind: OrgKind.COORDINATOR },
  { code: 'WB-VENDOR1', kind: OrgKind.SECURITY_VENDOR },
  { code: 'WB-VENDOR2', kind: OrgKind.SECURITY_VENDOR },
  { code: 'WB-MIN', kind: OrgKind.MINISTRY },
  { code: 'WB-MIN-AG', kind: OrgKind.AGENCY, parent: 'WB-MIN' },
  { code: 'WB-PROV1', kind: OrgKind.PROVINCE },
  { code: 'WB-PROV2', kind: OrgKind.PROVINCE },
  { code: 'WB-ISP', kind: OrgKind.ISP },
  { code: 'WB-BANKCERT', kind: OrgKind.SECTOR_CERT },
  { code: 'WB-AGENCY', kind: OrgKind.AGENCY },
];
const PUBLISHER = 1; // WB-VENDOR1, CONTRIBUTOR

// ---------------------------------------------------------------- clocks and statistics

/** Wall clock with sub-millisecond resolution: performance.now() anchored to Date.now() at a millisecond edge. */
let wallOffset = 0;
function calibrateWall(): void {
  const start = Date.now();
  let d = start;
  while (d === start) d = Date.now();
  wallOffset = d - performance.now();
}
const wallNow = () => wallOffset + performance.now();
const monoUs = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Nearest-rank quantile of a sorted array. */
function q(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const sortedF64 = (xs: ArrayLike<number>) => Float64Array.from(xs).sort();
const median = (xs: number[]) => q(sortedF64(xs), 0.5);

// ---------------------------------------------------------------- processes

interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  tail: string[];
  exited: Promise<number | null>;
  profile?: string;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Starts `node script` and waits for the line that carries its URL. */
async function spawnServer(name: string, script: string, env: NodeJS.ProcessEnv, profDir?: string): Promise<Proc> {
  // ThreatFed runs with npm start's flags; the floor's server with none.
  const flags = script === MAIN_JS ? SERVER_NODE_FLAGS : [];
  const args = [...flags, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []), script];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const tail: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${tail.join('\n')}`)), 60_000);
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        const m = /(?:ThreatFed is running at|floor listening at) (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${tail.join('\n')}`));
    });
  });
  return { name, child, pid: child.pid!, url, tail, exited, profile: profDir ? path.join(profDir, `${name}.cpuprofile`) : undefined };
}

async function stopServer(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const done = await Promise.race([p.exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!done) {
    console.error(`bench: ${p.name} did not stop within 20 s of SIGTERM; killing it`);
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

/** VmRSS and VmHWM (peak) in MiB. */
function memOf(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** User + system CPU seconds of one process so far. */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds of the postmaster and all its children (backends, walwriter, ...). */
function pgCpu(pmPid: number | undefined): number {
  if (!pmPid) return NaN;
  let total = cpuOf(pmPid);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === pmPid) total += (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function openFileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

// ---------------------------------------------------------------- subscribers

/** Everything the subscribers of one scenario received; kept in flat arrays so that recording costs next to nothing. */
class Sink {
  phase: 'warmup' | 'measure' | 'closing' = 'warmup';
  readonly count: Int32Array;
  readonly lastSeq: Float64Array;
  readonly recv: Float64Array;
  readonly widx: Uint16Array;
  /** Per measured delivery: who received it, and the log position its cursor names (NaN when the cursor is sealed). */
  readonly sub: Uint32Array;
  readonly cseq: Float64Array;
  n = 0;
  extra = 0;
  outOfOrder = 0;
  lateWarmup = 0;
  closedEarly = 0;
  readonly errors: string[] = [];
  errorCount = 0;
  readonly keyOf = new Map<string, number>();
  readonly createdAt: number[] = [];
  readonly warmupSubjects = new Set<string>();

  constructor(readonly subscribers: number) {
    this.count = new Int32Array(subscribers);
    this.lastSeq = new Float64Array(subscribers);
    this.recv = new Float64Array(subscribers * WARNINGS);
    this.widx = new Uint16Array(subscribers * WARNINGS);
    this.sub = new Uint32Array(subscribers * WARNINGS);
    this.cseq = new Float64Array(subscribers * WARNINGS);
  }

  error(what: string): void {
    this.errorCount++;
    if (this.errors.length < 10) this.errors.push(what);
  }

  startMeasuring(): void {
    this.count.fill(0);
    this.phase = 'measure';
  }

  receive(i: number, ev: { cursor: string; warning: { subjectId: string; createdAt: string } }): void {
    const t = wallNow();
    if (this.phase !== 'measure') {
      this.count[i]++;
      return;
    }
    const subject = ev.warning.subjectId;
    let k = this.keyOf.get(subject);
    if (k === undefined) {
      if (this.warmupSubjects.has(subject)) {
        this.lateWarmup++;
        return;
      }
      k = this.keyOf.size;
      this.keyOf.set(subject, k);
      this.createdAt[k] = Date.parse(ev.warning.createdAt);
    }
    this.count[i]++;
    if (this.n >= this.recv.length) {
      this.extra++;
      return;
    }
    this.recv[this.n] = t;
    this.widx[this.n] = k;
    this.sub[this.n] = i;
    // The floor's cursor is `v1:<seq>`; ThreatFed's is sealed, so its order is checked against the log afterwards.
    const plain = /^v1:(\d+)$/.exec(Buffer.from(ev.cursor, 'base64url').toString('utf8'));
    this.cseq[this.n] = plain ? Number(plain[1]) : NaN;
    this.n++;
  }

  /**
   * Deliveries that a subscriber got out of log order, or twice, in the measured window. `seqOf` gives the log position
   * of a warning (by key) whose cursor is sealed.
   */
  orderProblems(seqOf: (k: number) => number | undefined): number {
    this.lastSeq.fill(-Infinity);
    let bad = 0;
    for (let m = 0; m < this.n; m++) {
      const seq = Number.isNaN(this.cseq[m]) ? seqOf(this.widx[m]) : this.cseq[m];
      const i = this.sub[m];
      if (seq === undefined || !(seq > this.lastSeq[i])) bad++;
      if (seq !== undefined) this.lastSeq[i] = seq;
    }
    return bad;
  }

  total(): number {
    let s = 0;
    for (let i = 0; i < this.subscribers; i++) s += this.count[i];
    return s;
  }

  ready(min: number): number {
    let r = 0;
    for (let i = 0; i < this.subscribers; i++) if (this.count[i] >= min) r++;
    return r;
  }
}

/** One graphql-ws client, connected (connection_ack) and subscribed. */
function openSubscriber(httpUrl: string, token: string, i: number, sink: Sink): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const timer = setTimeout(() => {
      reject(new Error(`subscriber ${i}: no connection_ack within 30 s`));
      void client.dispose();
    }, 30_000);
    const client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => {
          connected = true;
          clearTimeout(timer);
          client.subscribe<{ warnings: { cursor: string; warning: { subjectId: string; createdAt: string } } }>(
            { query: SUBSCRIPTION },
            {
              next: (v) => {
                if (v.data) sink.receive(i, v.data.warnings);
                if (v.errors) sink.error(`subscriber ${i}: ${JSON.stringify(v.errors).slice(0, 200)}`);
              },
              error: (e) => sink.error(`subscriber ${i}: ${describeClose(e)}`),
              complete: () => undefined,
            },
          );
          resolve(client);
        },
        closed: (e) => {
          if (!connected) {
            clearTimeout(timer);
            reject(new Error(`subscriber ${i}: closed before connection_ack: ${describeClose(e)}`));
          } else if (sink.phase !== 'closing') {
            sink.closedEarly++;
            sink.error(`subscriber ${i}: socket closed: ${describeClose(e)}`);
          }
        },
      },
    });
  });
}

function describeClose(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) return `close ${(e as { code: number; reason?: string }).code} ${(e as { reason?: string }).reason ?? ''}`;
  return e instanceof Error ? e.message : JSON.stringify(e)?.slice(0, 200);
}

/** Opens `tokens.length` subscribers, half on each URL, at most CONNECT_PARALLEL at a time. */
async function openAll(urls: string[], tokens: string[], sink: Sink): Promise<{ clients: WsClient[]; ms: number }> {
  const clients: WsClient[] = new Array(tokens.length);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= tokens.length) return;
      clients[i] = await openSubscriber(urls[i % urls.length], tokens[i], i, sink);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_PARALLEL }, worker));
  return { clients, ms: performance.now() - t0 };
}

async function closeAll(clients: WsClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i += 500) {
    await Promise.all(clients.slice(i, i + 500).map((c) => c?.dispose()));
  }
}

// ---------------------------------------------------------------- probes during the window

/**
 * Every 50 ms, the ThreatFed servers' sessions in PostgreSQL: how many wait for
 * the warning log's advisory lock, and how many sit idle inside an open
 * transaction (waiting for their Node process to send the next statement).
 */
function startPgSampler(admin: Client, dbName: string): () => Promise<{ samples: number; lockShare: number; lockMean: number; lockMax: number; idleInTxMean: number }> {
  let stop = false;
  const lock: number[] = [];
  const idle: number[] = [];
  const loop = (async () => {
    while (!stop) {
      const { rows } = await admin.query<{ lock: number; idle: number }>(
        `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory')::int AS lock,
                count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle
           FROM pg_stat_activity WHERE datname = $1 AND application_name = 'threatfed'`,
        [dbName],
      );
      lock.push(rows[0].lock);
      idle.push(rows[0].idle);
      await sleep(50);
    }
  })();
  return async () => {
    stop = true;
    await loop;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return { samples: lock.length, lockShare: lock.filter((x) => x > 0).length / Math.max(1, lock.length), lockMean: mean(lock), lockMax: Math.max(0, ...lock), idleInTxMean: mean(idle) };
  };
}

// ---------------------------------------------------------------- publishing

/** Runs one publishing job in a worker thread (warnings-publisher.ts), so that its schedule does not wait for this thread. */
function runPublisher(job: PublisherJob): Promise<PublisherResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(env.publisherJs, { workerData: job });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`publisher did not finish within ${DRAIN_CAP_MS / 1000 + 120} s`));
    }, DRAIN_CAP_MS + 120_000);
    worker.once('message', (m: PublisherResult | { fatal: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if ('fatal' in m) reject(new Error(`publisher failed: ${m.fatal}`));
      else resolve(m);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

// ---------------------------------------------------------------- CPU profiles (BENCH_PROFILE=1)

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function categoryOf(url: string, fn: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const own = /\/dist\/src\/(.+)$/.exec(url);
  if (own) return `threatfed ${own[1].replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return url;
  if (url.includes('warnings-floor')) return 'floor server';
  if (!url) return fn.startsWith('(') ? fn : `(native ${fn || '?'})`;
  return path.basename(url);
}

/** Self time per package (or own module) and per function, within [fromUs, toUs] of CLOCK_MONOTONIC. */
function summariseProfile(file: string, fromUs: number, toUs: number): string[] {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = prof.startTime;
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    const dt = prof.timeDeltas[i + 1] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const cat = categoryOf(n.callFrame.url, n.callFrame.functionName);
    cats.set(cat, (cats.get(cat) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${cat}:${n.callFrame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const busy = total - (cats.get('(idle)') ?? 0) - (cats.get('(program)') ?? 0);
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .filter(([name]) => !name.startsWith('(idle)') && !name.startsWith('(program)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => `      ${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  return [
    `    window ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / Math.max(1, total)).toFixed(0)}%, not counting idle and (program)); share of busy self time by package/module:`,
    ...top(cats, 14),
    '    top functions (self time):',
    ...top(fns, 14),
  ];
}

// ---------------------------------------------------------------- one scenario

type System = 'threatfed' | 'floor';

interface Result {
  system: System;
  subscribers: number;
  expected: number;
  delivered: number;
  short: number;
  extra: number;
  outOfOrder: number;
  lateWarmup: number;
  closedEarly: number;
  errors: string[];
  errorCount: number;
  publishErrors: string[];
  serverLog: string[];
  warmupReady: number;
  connectMs: number;
  lat: { p50: number; p90: number; p99: number; max: number };
  latSent: { p50: number; p99: number };
  latReturned: { p50: number; p99: number };
  firstP50: number;
  toResponseP50: number;
  lastP50: number;
  lastP99: number;
  publishP50: number;
  publishP99: number;
  sendLagMax: number;
  publishWindowS: number;
  mem: { idle: number; connected: number; after: number; peak: number }[];
  cpu: { servers: number[]; bench: number; pg: number; windowS: number };
  loopDelay: { p99: number; max: number };
  probe: { p50: number; p99: number; max: number };
  pgWait: { samples: number; lockShare: number; lockMean: number; lockMax: number; idleInTxMean: number } | undefined;
  profiles: string[];
}

interface Env {
  tmp?: string;
  embedded?: EmbeddedDatabase;
  pgDir?: string;
  admin?: Client;
  dbName: string;
  dbUrl: string;
  db?: DataSource;
  services?: Services;
  pgVersion: string;
  keys: JWK[];
  orgIds: string[];
  viewerTokens: string[];
  publisherToken: string;
  floorJs: string;
  publisherJs: string;
  setupMs: number;
}

const env: Env = { dbName: `tf_bench_w_${RUN}`, dbUrl: '', pgVersion: '', keys: [], orgIds: [], viewerTokens: [], publisherToken: '', floorJs: '', publisherJs: '', setupMs: 0 };

function serverEnv(system: System): NodeJS.ProcessEnv {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: SERVER_LOG_LEVEL };
  if (system === 'floor') return { ...base, NODE_PATH: path.join(REPO, 'node_modules'), NODE_ENV: 'production' };
  return {
    ...base,
    DATABASE_URL: env.dbUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    // Two instances run side by side: both would take the default metrics port 9464, and the second would not start.
    METRICS_PORT: 'off',
    NODE_ENV: 'production',
    TOKEN_AUDIENCE: AUDIENCE,
    DATA_DIR: path.join(env.tmp ?? os.tmpdir(), `data-${RUN}`),
  };
}

function pmPid(): number | undefined {
  if (!env.pgDir) return undefined;
  try {
    return Number(fs.readFileSync(path.join(env.pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

async function runScenario(system: System, subscribers: number): Promise<Result> {
  const sink = new Sink(subscribers);
  const servers: Proc[] = [];
  let clients: WsClient[] = [];
  const profDir = PROFILE ? fs.mkdtempSync(path.join(env.tmp ?? os.tmpdir(), `prof-${system}-`)) : undefined;
  const profiles: string[] = [];
  try {
    const script = system === 'floor' ? env.floorJs : MAIN_JS;
    servers.push(...(await Promise.all([0, 1].map((k) => spawnServer(`${system}-${subscribers}-${k + 1}`, script, serverEnv(system), profDir)))));
    const urls = servers.map((s) => s.url);
    await sleep(1000);
    const memIdle = servers.map((s) => memOf(s.pid));

    const opened = await openAll(urls, env.viewerTokens.slice(0, subscribers), sink);
    clients = opened.clients;

    const job = (tag: string, count: number, rate: number, probe: boolean): PublisherJob => ({ system, urls, token: env.publisherToken, count, rate, tag: `${RUN}${tag}`, probe });
    // Warm-up and barrier: every subscription registered, every path warm.
    const warm = await runPublisher(job('w', WARMUP, 10, false));
    const warmErrors = warm.records.filter((r) => r.error);
    if (warmErrors.length) throw new Error(`warm-up publishing failed: ${warmErrors[0].error}`);
    for (const r of warm.records) sink.warmupSubjects.add(r.subjectId!);
    const barrierUntil = Date.now() + 60_000;
    while (sink.ready(WARMUP) < subscribers && Date.now() < barrierUntil) await sleep(100);
    const warmupReady = sink.ready(WARMUP);
    await sleep(500);
    const memConnected = servers.map((s) => memOf(s.pid));

    // The measured window.
    calibrateWall();
    sink.startMeasuring();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const stopPg = system === 'threatfed' && env.admin ? startPgSampler(env.admin, env.dbName) : undefined;
    const cpu0 = { servers: servers.map((s) => cpuOf(s.pid)), bench: process.cpuUsage(), pg: pgCpu(pmPid()) };
    const mono0 = monoUs();
    const pub = await runPublisher(job('m', WARNINGS, RATE, true));
    const published: (PublishRecord | undefined)[] = pub.records.map((r) => (r.error ? undefined : r));
    const publishErrors = pub.records.filter((r) => r.error).map((r) => `publish ${r.n}: ${r.error}`);
    const sendLagMax = pub.sendLagMax;
    const publishWindowS = (Math.max(...pub.records.map((r) => r.returnedAt)) - Math.min(...pub.records.map((r) => r.sentAt))) / 1000;
    const expected = subscribers * WARNINGS;
    let lastTotal = -1;
    let lastChange = Date.now();
    const cap = Date.now() + DRAIN_CAP_MS;
    for (;;) {
      const total = sink.total();
      if (total >= expected) break;
      if (total !== lastTotal) {
        lastTotal = total;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange > STALL_MS || Date.now() > cap) break;
      await sleep(50);
    }
    const mono1 = monoUs();
    const benchCpu = process.cpuUsage(cpu0.bench);
    const windowS = (mono1 - mono0) / 1e6;
    const cpu = {
      servers: servers.map((s, k) => cpuOf(s.pid) - cpu0.servers[k]),
      bench: (benchCpu.user + benchCpu.system) / 1e6,
      pg: pgCpu(pmPid()) - cpu0.pg,
      windowS,
    };
    loop.disable();
    const probe = sortedF64(pub.probe);
    const pgWait = await stopPg?.();
    await sleep(500);
    const memAfter = servers.map((s) => memOf(s.pid));

    // Order: each subscriber's deliveries by ascending log position, none twice.
    const seqByKey: number[] = [];
    if (system === 'threatfed') {
      const c = new Client({ connectionString: env.dbUrl });
      await c.connect();
      try {
        const { rows } = await c.query<{ s: string; seq: string }>('SELECT subject_id::text AS s, seq FROM warnings WHERE subject_id = ANY($1::uuid[])', [[...sink.keyOf.keys()]]);
        for (const r of rows) {
          const k = sink.keyOf.get(r.s)!;
          if (seqByKey[k] !== undefined) sink.error(`subject ${r.s} has more than one warning in the log`);
          seqByKey[k] = Number(r.seq);
        }
      } finally {
        await c.end();
      }
    }
    sink.outOfOrder = sink.orderProblems((k) => seqByKey[k]);

    // Latencies.
    const bySubject = new Map(published.flatMap((p, n) => (p ? [[p.subjectId, n] as const] : [])));
    const lat = new Float64Array(sink.n);
    const latSent = new Float64Array(sink.n);
    const latRet = new Float64Array(sink.n);
    const first = new Array<number>(sink.keyOf.size).fill(Infinity);
    const last = new Array<number>(sink.keyOf.size).fill(-Infinity);
    const pubOfKey: (PublishRecord | undefined)[] = [];
    for (const [subject, k] of sink.keyOf) {
      const n = bySubject.get(subject);
      pubOfKey[k] = n === undefined ? undefined : published[n]!;
    }
    let unknown = 0;
    let known = 0;
    for (let m = 0; m < sink.n; m++) {
      const k = sink.widx[m];
      const t = sink.recv[m];
      lat[m] = t - sink.createdAt[k];
      const p = pubOfKey[k];
      if (p) {
        latSent[known] = t - p.sentAt;
        latRet[known] = t - p.returnedAt;
        known++;
      } else unknown++;
      if (lat[m] < first[k]) first[k] = lat[m];
      if (lat[m] > last[k]) last[k] = lat[m];
    }
    if (unknown) sink.error(`${unknown} deliveries of warnings whose publishing request did not return`);
    lat.sort();
    const latSentKnown = latSent.subarray(0, known).sort();
    const latRetKnown = latRet.subarray(0, known).sort();
    const firsts = first.filter(Number.isFinite);
    const toResponse = pubOfKey.flatMap((p, k) => (p ? [p.returnedAt - sink.createdAt[k]] : []));
    const lasts = sortedF64(last.filter(Number.isFinite));
    const pubMs = sortedF64(published.flatMap((p) => (p ? [p.returnedAt - p.sentAt] : [])));
    let short = 0;
    for (let i = 0; i < subscribers; i++) if (sink.count[i] < WARNINGS) short++;

    sink.phase = 'closing';
    await closeAll(clients);
    clients = [];
    for (const s of servers) await stopServer(s);
    if (profDir) {
      for (const s of servers) {
        if (s.profile && fs.existsSync(s.profile)) profiles.push(`  ${s.name}:`, ...summariseProfile(s.profile, mono0, mono1));
        else profiles.push(`  ${s.name}: no profile written`);
      }
    }

    return {
      system,
      subscribers,
      expected,
      delivered: sink.n,
      short,
      extra: sink.extra,
      outOfOrder: sink.outOfOrder,
      lateWarmup: sink.lateWarmup,
      closedEarly: sink.closedEarly,
      errors: sink.errors,
      errorCount: sink.errorCount,
      publishErrors,
      serverLog: servers.flatMap((s) => s.tail.filter((l) => !/ThreatFed is running|floor listening|^Try it|^curl|^  -|^Mint another|^Web console|^\s+sign in/.test(l)).slice(-5).map((l) => `${s.name}: ${l}`)),
      warmupReady,
      connectMs: opened.ms,
      lat: { p50: q(lat, 0.5), p90: q(lat, 0.9), p99: q(lat, 0.99), max: q(lat, 1) },
      latSent: { p50: q(latSentKnown, 0.5), p99: q(latSentKnown, 0.99) },
      latReturned: { p50: q(latRetKnown, 0.5), p99: q(latRetKnown, 0.99) },
      firstP50: median(firsts),
      toResponseP50: median(toResponse),
      lastP50: q(lasts, 0.5),
      lastP99: q(lasts, 0.99),
      publishP50: q(pubMs, 0.5),
      publishP99: q(pubMs, 0.99),
      sendLagMax,
      publishWindowS,
      mem: servers.map((_, k) => ({ idle: memIdle[k].rss, connected: memConnected[k].rss, after: memAfter[k].rss, peak: memAfter[k].hwm })),
      cpu,
      loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      probe: { p50: q(probe, 0.5), p99: q(probe, 0.99), max: q(probe, 1) },
      pgWait,
      profiles,
    };
  } catch (err) {
    const tails = servers.map((s) => `--- ${s.name} (exit ${s.child.exitCode ?? s.child.signalCode ?? 'running'}):\n${s.tail.join('\n')}`).join('\n');
    throw new Error(`${system} ${subscribers}: ${(err as Error).message}\n${tails}`);
  } finally {
    sink.phase = 'closing';
    if (clients.length) await closeAll(clients).catch(() => undefined);
    for (const s of servers) await stopServer(s).catch(() => undefined);
    if (profDir) fs.rmSync(profDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- hub database path, in isolation

/** What one hub does per broker signal for a single new warning: read it, then one visibility query per organisation. */
async function timeHubQueries(services: Services, principals: Principal[]): Promise<{ after: number; visible: number; both: number }> {
  const maxSeq = BigInt(await services.warnings.maxSeq());
  const samples = { after: [] as number[], visible: [] as number[], both: [] as number[] };
  for (let r = 0; r < 60; r++) {
    const seq = (maxSeq - BigInt(r % 50)).toString();
    const t0 = performance.now();
    const rows = await services.warnings.after((BigInt(seq) - 1n).toString(), 1000);
    const t1 = performance.now();
    await Promise.all(principals.map((p) => services.warnings.visibleAmong(p, rows.map((w) => w.seq))));
    const t2 = performance.now();
    if (r < 10) continue;
    samples.after.push(t1 - t0);
    samples.visible.push(t2 - t1);
    samples.both.push(t2 - t0);
  }
  return { after: median(samples.after), visible: median(samples.visible), both: median(samples.both) };
}

/**
 * What each delivery costs a server in graphql alone, in this process: for
 * ThreatFed, the event object the hub builds per subscriber (cursor encoded
 * per delivery) and `execute` of the subscription's selection on the real
 * schema (type-graphql resolver, @Requires auth middleware, args conversion,
 * enum and DateTimeISO serialisation); for the floor, `execute` on the bare
 * schema with one shared event. Both then stringified into a graphql-ws `next`
 * message, as graphql-ws does. Rounds alternate; the median per round is kept.
 */
async function timeExecution(services: Services, principal: Principal, row: WarningEntity): Promise<{ threatfed: number; floor: number }> {
  const document = parse(SUBSCRIPTION);
  const tfSchema: GraphQLSchema = await createSchema(services);
  const contextValue: Context = createContext(services, principal);
  const floorEvent = {
    cursor: encodeCursor('warnings', row.seq),
    warning: { kind: row.kind, title: row.title, severity: row.severity, subjectId: row.subjectId, createdAt: row.createdAt.toISOString() },
  };
  const once = {
    threatfed: async () => {
      const result = await execute({ schema: tfSchema, document, rootValue: { cursor: encodeCursor('warnings', row.seq), warning: row }, contextValue });
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return JSON.stringify({ id: 'x', type: 'next', payload: result }).length;
    },
    floor: async () => {
      const result = await execute({ schema: floorSchema, document, rootValue: floorEvent });
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return JSON.stringify({ id: 'x', type: 'next', payload: result }).length;
    },
  };
  const N = 5000;
  const rounds = { threatfed: [] as number[], floor: [] as number[] };
  for (let r = 0; r < 12; r++) {
    for (const k of r % 2 ? (['floor', 'threatfed'] as const) : (['threatfed', 'floor'] as const)) {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await once[k]();
      if (r >= 2) rounds[k].push(((performance.now() - t0) * 1000) / N);
    }
  }
  return { threatfed: median(rounds.threatfed), floor: median(rounds.floor) };
}

/**
 * The server side of fan-out without sockets or a database, in this process:
 * ThreatFed's real WarningHub (fed by a stub log that returns the new row and
 * lets every organisation read it) behind graphql-js `subscribe` on the real
 * schema with per-subscription contexts as src/ws.ts builds them, against the
 * floor's pub/sub and schema. Each event goes out to `n` subscribers and is
 * stringified as graphql-ws would; the next one leaves when all have it.
 * Reports wall time per delivery (one thread, so CPU) and the share of it
 * spent in garbage collection.
 */
async function timeFanOut(services: Services, principals: Principal[], row: WarningEntity, n: number, events: number) {
  const document = parse(SUBSCRIPTION);
  const tfSchema = await createSchema(services);
  // The hub's streams behind the bare schema: separates the hub's cost from the schema's.
  const hubBareSchema = new GraphQLSchema({
    query: floorSchema.getQueryType(),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        warnings: {
          type: new GraphQLNonNull(floorSchema.getType('WarningEvent') as GraphQLOutputType),
          subscribe: (_src: unknown, _args: unknown, ctx: Context) => ctx.warningHub.stream(ctx.principal, {}, undefined),
          resolve: (e: unknown) => e,
        },
      },
    }),
  });
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });

  type Variant = 'threatfed' | 'hub+bare' | 'floor';
  const run = async (system: Variant): Promise<{ us: number; gcShare: number }> => {
    let received = 0;
    let wake: (() => void) | undefined;
    const iterators: AsyncIterator<ExecutionResult>[] = [];
    let publish: (k: number) => void;
    let hub: WarningHub | undefined;
    if (system !== 'floor') {
      const rows: WarningEntity[] = [];
      let signal: ((seq: string | null) => void) | undefined;
      const broker: WarningBroker = { announce: async () => undefined, listen: async (cb) => void (signal = cb), close: async () => undefined, connected: true };
      const log = {
        maxSeq: async () => '0',
        after: async (seq: string, limit: number) => rows.filter((r) => BigInt(r.seq) > BigInt(seq)).slice(0, limit),
        visibleAmong: async (_p: Principal, seqs: string[]) => new Set(seqs),
      } as unknown as WarningService;
      hub = new WarningHub(log, broker, services.metrics);
      await hub.start();
      const svc = { ...services, warningHub: hub } as Services;
      for (let i = 0; i < n; i++) {
        const principal = principals[i % principals.length];
        const contextValue: Context = createContext(svc, principal, { close: () => undefined });
        const it = await subscribe({ schema: system === 'threatfed' ? tfSchema : hubBareSchema, document, contextValue });
        if (!(Symbol.asyncIterator in it)) throw new Error(JSON.stringify(it));
        iterators.push(it as AsyncIterator<ExecutionResult>);
      }
      publish = (k) => {
        rows.push(Object.assign(Object.create(Object.getPrototypeOf(row) as object), row, { seq: String(k + 1) }) as WarningEntity);
        signal!(String(k + 1));
      };
    } else {
      for (let i = 0; i < n; i++) {
        const it = await subscribe({ schema: floorSchema, document });
        if (!(Symbol.asyncIterator in it)) throw new Error(JSON.stringify(it));
        iterators.push(it as AsyncIterator<ExecutionResult>);
      }
      publish = (k) =>
        void publishLocally({
          cursor: encodeCursor('warnings', k + 1),
          warning: { kind: row.kind, title: row.title, severity: row.severity, subjectId: row.subjectId, createdAt: new Date().toISOString() },
        });
    }
    const consumers = iterators.map(async (it, i) => {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        JSON.stringify({ id: String(i), type: 'next', payload: r.value });
        received++;
        if (received % n === 0) wake?.();
      }
    });
    await sleep(50); // every subscription registered
    const gc0 = gcMs;
    const t0 = performance.now();
    for (let k = 0; k < events; k++) {
      const target = (k + 1) * n;
      const all = new Promise<void>((resolve) => (wake = resolve));
      publish(k);
      if (received < target) await all;
    }
    const ms = performance.now() - t0;
    await sleep(0);
    const gc = gcMs - gc0;
    // The hub first: its streams end only when woken (see the report), the floor's iterators at once.
    await hub?.stop();
    await Promise.race([Promise.all(iterators.map((it) => it.return?.())), sleep(5000)]);
    await Promise.race([Promise.all(consumers), sleep(5000)]);
    return { us: (ms * 1000) / (n * events), gcShare: gc / ms };
  };

  const variants: Variant[] = ['threatfed', 'hub+bare', 'floor'];
  const us: Record<Variant, number[]> = { threatfed: [], 'hub+bare': [], floor: [] };
  const gc: Record<Variant, number[]> = { threatfed: [], 'hub+bare': [], floor: [] };
  for (let r = 0; r < 4; r++) {
    for (let v = 0; v < variants.length; v++) {
      const variant = variants[(r + v) % variants.length];
      const x = await run(variant);
      if (r === 0) continue;
      us[variant].push(x.us);
      gc[variant].push(x.gcShare);
    }
  }
  obs.disconnect();
  const pick = (v: Variant) => ({ us: median(us[v]), gc: median(gc[v]) });
  return { threatfed: pick('threatfed'), hubBare: pick('hub+bare'), floor: pick('floor') };
}

// ---------------------------------------------------------------- the run

beforeAll(async () => {
  const t0 = performance.now();
  if (!fs.existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first (npm run bench:warnings does)`);
  const need = Math.max(...SIZES) + 2048;
  if (openFileLimit() < need) {
    throw new Error(`open-file limit ${openFileLimit()} is below the ${need} this run needs: raise it (ulimit -n ${need * 2}) and run again`);
  }

  env.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-bench-warnings-'));
  // The floor server is TypeScript like the rest; transpile it with the project's compiler and run it as its own process.
  for (const file of PLAIN_TS) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    fs.writeFileSync(path.join(env.tmp, path.basename(file, '.ts') + '.js'), js.outputText);
  }
  env.floorJs = path.join(env.tmp, 'warnings-floor.js');
  env.publisherJs = path.join(env.tmp, 'warnings-publisher.js');

  const bench = await openBenchDatabase(() => path.join(env.tmp!, 'pg'), env.dbName, 10);
  Object.assign(env, { embedded: bench.embedded, pgDir: bench.pgDir, admin: bench.admin, dbUrl: bench.dbUrl, db: bench.db });
  env.services = createServices(bench.db, { tokenAudience: AUDIENCE, tokenMaxLifetime: 3600 });
  env.pgVersion = (await bench.admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;

  for (const o of ORGS) {
    const { privateJwk, publicJwk } = await generateSigningKey(o.code);
    const org = await env.services.organizations.bootstrap(
      { code: o.code, name: `${o.code} (bench)`, kind: o.kind, parent: o.parent, allowedRoles: [Role.VIEWER, Role.REPORTER, Role.CONTRIBUTOR, Role.ANALYST] },
      publicJwk,
    );
    env.keys.push(privateJwk);
    env.orgIds.push(org.id);
  }
  // Thousands of portals per organisation: quotas far above the largest run (the checks themselves still run).
  await env.services.db.query(
    `UPDATE organizations SET limits = '{"connections": 1000000, "subscriptions": 1000000, "readsPerMinute": 1000000, "bulkItemsPerMinute": 100000000}'`,
  );
  // One token per subscriber (subscriber i belongs to organisation i mod 10), as each portal user would hold.
  const max = Math.max(...SIZES);
  for (let i = 0; i < max; i++) {
    const o = i % ORGS.length;
    env.viewerTokens.push(await mintToken(env.keys[o], { org: ORGS[o].code, sub: `viewer-${i}`, roles: [Role.VIEWER], audience: AUDIENCE, ttl: 1800 }));
  }
  env.publisherToken = await mintToken(env.keys[PUBLISHER], { org: ORGS[PUBLISHER].code, sub: 'feed', roles: [Role.CONTRIBUTOR], audience: AUDIENCE, ttl: 1800 });
  // One warning in the log before any server starts, for the in-process diagnostics (servers only deliver what comes later).
  const publisher = await env.services.tokens.verify(env.publisherToken);
  const seeded = await env.services.indicators.submit(publisher, [
    { type: ObservableType.DOMAIN, value: `seed-${RUN}.bench-warnings.example`, tlp: Tlp.GREEN, severity: Severity.HIGH },
  ]);
  if (seeded.created !== 1) throw new Error(`could not seed a warning: ${JSON.stringify(seeded)}`);
  env.setupMs = performance.now() - t0;
}, 180_000);

afterAll(async () => {
  await cleanUp([
    ['server processes', () => Promise.all([...children].map((c) => (c.kill('SIGKILL'), undefined)))],
    ['data source', () => env.db?.isInitialized && env.db.destroy()],
    ['drop database', () => env.admin?.query(`DROP DATABASE IF EXISTS "${env.dbName}" WITH (FORCE)`)],
    ['admin client', () => env.admin?.end()],
    ['embedded postgres', () => env.embedded?.stop()],
    ['temp dir', () => env.tmp && fs.rmSync(env.tmp, { recursive: true, force: true })],
  ]);
}, 120_000);

describe('live warnings fan-out', () => {
  it(`${SIZES.join(' and ')} subscribers over two instances, ${WARNINGS} warnings at ${RATE}/s: ThreatFed vs a bare graphql-ws floor`, async () => {
    const load0 = os.loadavg();
    const tRun = performance.now();
    const results: Result[] = [];
    const failures: string[] = [];
    for (let s = 0; s < SIZES.length; s++) {
      // Alternate which system goes first, so neither always runs on a warmer machine.
      const order = (s % 2 === 0 ? ['floor', 'threatfed'] : ['threatfed', 'floor']).filter((x) => SYSTEMS.includes(x as System)) as System[];
      for (const system of order) {
        let r: Result;
        try {
          r = await runScenario(system, SIZES[s]);
        } catch (err) {
          failures.push((err as Error).message);
          console.error(`bench: ${(err as Error).message}`);
          continue;
        }
        results.push(r);
        console.log(
          `bench: ${system} ${SIZES[s]}: delivered ${r.delivered}/${r.expected}, p50 ${r.lat.p50.toFixed(1)} ms, p99 ${r.lat.p99.toFixed(1)} ms, ` +
            `max ${r.lat.max.toFixed(1)} ms (connect ${(r.connectMs / 1000).toFixed(1)} s)`,
        );
      }
    }
    const runS = (performance.now() - tRun) / 1000;
    const load1 = os.loadavg();

    const principals = await Promise.all(ORGS.map((_, o) => env.services!.tokens.verify(env.viewerTokens[o])));
    const hub = await timeHubQueries(env.services!, principals);
    const [lastRow] = await env.services!.warnings.after((BigInt(await env.services!.warnings.maxSeq()) - 1n).toString(), 1);
    const exec = await timeExecution(env.services!, principals[0], lastRow);
    const fanN = Math.ceil(Math.max(...SIZES) / 2);
    const fan = await timeFanOut(env.services!, principals, lastRow, fanN, 20);

    const get = (system: System, n: number) => results.find((r) => r.system === system && r.subscribers === n);
    const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
    const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '—');
    const out: string[] = [];
    out.push('', '=== live warnings fan-out benchmark ===');
    out.push(
      `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; ` +
        `node ${process.version}; PostgreSQL ${env.pgVersion} (${env.embedded ? 'embedded, fsync=off' : 'DATABASE_URL'}); open-file limit ${openFileLimit()}`,
    );
    out.push(
      `${WARNINGS} warnings at ${RATE}/s per scenario after ${WARMUP} warm-up warnings; ${ORGS.length} organisations, subscribers spread evenly, half on each of two instances; ` +
        `setup ${(env.setupMs / 1000).toFixed(1)} s, scenarios ${runS.toFixed(1)} s; load average ${load0.map((x) => x.toFixed(2)).join(' ')} -> ${load1.map((x) => x.toFixed(2)).join(' ')}`,
    );
    out.push(
      '',
      'Latency = receive time at the subscriber - the warning\'s createdAt (ms).',
      '',
      '| system | subscribers | delivered / expected | p50 ms | p90 ms | p99 ms | max ms | server RSS MiB, instance 1 / 2: idle -> subscribed -> after (peak) |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const r of results) {
      const mem = r.mem.map((m) => `${f0(m.idle)} -> ${f0(m.connected)} -> ${f0(m.after)} (${f0(m.peak)})`).join(' / ');
      out.push(
        `| ${r.system === 'floor' ? 'floor (bare graphql-ws)' : 'ThreatFed'} | ${r.subscribers.toLocaleString('en-US')} | ${r.delivered.toLocaleString('en-US')} / ${r.expected.toLocaleString('en-US')} | ` +
          `${f1(r.lat.p50)} | ${f1(r.lat.p90)} | ${f1(r.lat.p99)} | ${f1(r.lat.max)} | ${mem} |`,
      );
    }
    out.push('', '| subscribers | p50 ThreatFed / floor | p99 ThreatFed / floor | p99 <= 250 ms | p99 within 2x floor |', '|---:|---:|---:|---|---|');
    for (const n of SIZES) {
      const t = get('threatfed', n);
      const f = get('floor', n);
      if (!t || !f) continue;
      const ratio = t.lat.p99 / f.lat.p99;
      out.push(
        `| ${n.toLocaleString('en-US')} | ${(t.lat.p50 / f.lat.p50).toFixed(2)} | ${ratio.toFixed(2)} | ${t.lat.p99 <= 250 ? 'yes' : 'NO'} (${f1(t.lat.p99)}) | ${ratio <= 2 ? 'yes' : 'NO'} |`,
      );
    }
    out.push(
      '',
      'Per warning, from its createdAt: when the publishing request returned, when its first and its last subscriber got it (p50 over warnings; last also p99).',
      'Per delivery: latency counted from the moment the publishing request was sent, and from the moment it returned.',
      '',
      '| system | subscribers | publish request p50 / p99 | createdAt -> response p50 | first delivery p50 | last delivery p50 / p99 | from request sent p50 / p99 | from response p50 / p99 | CPU s in window: server 1 / 2, PostgreSQL, load generator (window s) | server CPU per delivery | server 404 round trip p50 / p99 | generator loop delay p99 / max | connect s |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    );
    for (const r of results) {
      out.push(
        `| ${r.system} | ${r.subscribers} | ${f1(r.publishP50)} / ${f1(r.publishP99)} | ${f1(r.toResponseP50)} | ${f1(r.firstP50)} | ${f1(r.lastP50)} / ${f1(r.lastP99)} | ` +
          `${f1(r.latSent.p50)} / ${f1(r.latSent.p99)} | ${f1(r.latReturned.p50)} / ${f1(r.latReturned.p99)} | ${r.cpu.servers.map(f1).join(' / ')}, ${f1(r.cpu.pg)}, ${f1(r.cpu.bench)} (${f1(r.cpu.windowS)}) | ` +
          `${f0((1e6 * (r.cpu.servers[0] + r.cpu.servers[1])) / Math.max(1, r.delivered))} us | ${f1(r.probe.p50)} / ${f1(r.probe.p99)} | ` +
          `${f1(r.loopDelay.p99)} / ${f1(r.loopDelay.max)} | ${(r.connectMs / 1000).toFixed(1)} |`,
      );
    }
    out.push('');
    for (const r of results) {
      const problems: string[] = [];
      if (r.delivered !== r.expected) problems.push(`${r.expected - r.delivered} deliveries missing (${r.short} subscribers short)`);
      if (r.extra) problems.push(`${r.extra} extra deliveries`);
      if (r.outOfOrder) problems.push(`${r.outOfOrder} out of order or duplicated`);
      if (r.lateWarmup) problems.push(`${r.lateWarmup} warm-up events arrived late`);
      if (r.closedEarly) problems.push(`${r.closedEarly} sockets closed early`);
      if (r.warmupReady !== r.subscribers) problems.push(`${r.subscribers - r.warmupReady} subscribers not ready after warm-up`);
      if (r.errorCount) problems.push(`${r.errorCount} errors, e.g. ${r.errors.slice(0, 3).join('; ')}`);
      if (r.publishErrors.length) problems.push(`${r.publishErrors.length} publishing requests failed, e.g. ${r.publishErrors.slice(0, 2).join('; ')}`);
      if (r.serverLog.length) problems.push(`server log: ${r.serverLog.join(' | ')}`);
      if (r.pgWait) {
        problems.push(
          `servers' sessions in PostgreSQL (${r.pgWait.samples} samples): waiting for the warning-log advisory lock in ${(100 * r.pgWait.lockShare).toFixed(0)}% of samples ` +
            `(mean ${r.pgWait.lockMean.toFixed(2)}, max ${r.pgWait.lockMax}), idle in transaction mean ${r.pgWait.idleInTxMean.toFixed(2)}`,
        );
      }
      if (r.sendLagMax > 20) problems.push(`publisher fell behind its schedule by up to ${r.sendLagMax.toFixed(0)} ms`);
      const clean = r.delivered === r.expected && !r.extra && !r.outOfOrder && !r.closedEarly && !r.errorCount && !r.publishErrors.length;
      if (clean) problems.unshift('every subscriber got every warning once, in order');
      out.push(`${r.system} ${r.subscribers}: ${problems.join('; ')} (publishing took ${r.publishWindowS.toFixed(1)} s)`);
    }
    out.push(
      '',
      `Hub database path in isolation (servers stopped; one new warning, ${ORGS.length} organisations; median of 50): ` +
        `read the new rows ${hub.after.toFixed(2)} ms, ${ORGS.length} visibility queries in parallel ${hub.visible.toFixed(2)} ms, together ${hub.both.toFixed(2)} ms.`,
      `GraphQL per delivery in isolation (this process, execute + stringify of one event; median of 10 rounds x 5,000): ` +
        `ThreatFed schema ${exec.threatfed.toFixed(1)} us, bare floor schema ${exec.floor.toFixed(1)} us (${(exec.threatfed / exec.floor).toFixed(2)}x).`,
      `Fan-out without sockets or database (this process, ${fanN.toLocaleString('en-US')} subscribers as on one instance, 20 events one at a time, graphql-js subscribe + stringify; median of 3 rounds): ` +
        `ThreatFed hub + ThreatFed schema ${fan.threatfed.us.toFixed(1)} us per delivery (${(100 * fan.threatfed.gc).toFixed(0)}% of it in GC); ` +
        `ThreatFed hub + bare schema ${fan.hubBare.us.toFixed(1)} us (${(100 * fan.hubBare.gc).toFixed(0)}% GC); ` +
        `floor pub/sub + bare schema ${fan.floor.us.toFixed(1)} us (${(100 * fan.floor.gc).toFixed(0)}% GC); ThreatFed / floor ${(fan.threatfed.us / fan.floor.us).toFixed(2)}x.`,
    );
    if (PROFILE) {
      out.push('', 'CPU profiles (BENCH_PROFILE=1: the latencies above are slowed by the profiler), publishing window only:');
      for (const r of results) out.push(`${r.system} ${r.subscribers}:`, ...r.profiles);
    }
    if (failures.length) out.push('', 'FAILED scenarios:', ...failures);
    out.push('');
    console.log(out.join('\n'));

    // The run itself must have worked: servers up, subscribers connected, something delivered.
    expect(failures).toEqual([]);
    for (const r of results) expect(r.delivered, `${r.system} ${r.subscribers} delivered nothing`).toBeGreaterThan(0);
  });
});
