/**
 * Bulk indicator ingest benchmark: `npm run bench:ingest` (docs/benchmarks.md).
 *
 * One PostgreSQL (embedded in a temp dir, or DATABASE_URL's server with a
 * scratch database), one process, and in every round the subject and its
 * baselines run back to back, in a rotating order, on the same database, so
 * that a shared and noisy machine slows them alike and their ratios hold.
 *
 *   subject     submitIndicators over real HTTP with a real ES256 token,
 *               5,000 new items per call, then a re-post of that batch
 *   baselines   COPY of the same 5,000 rows into a scratch table (the floor for
 *               moving the data); the service's own INSERT ... ON CONFLICT
 *               statements through raw pg, no GraphQL, auth or validation
 *   breakdown   IndicatorService.submit called directly (also with a batch that
 *               has no HIGH item, so raises no warnings); the same operation
 *               through graphql-js in process (no HTTP); an HTTP request with
 *               the same body that does no work; CPU-only pieces (JSON parse,
 *               variable coercion, normalisation, result serialisation); the
 *               TypeORM re-read of the 5,000 written indicators that submit does
 *
 * Nothing here asserts anything about time. The assertions only check that
 * every timed call did what it claims (5,000 created, or 5,000 updated).
 *
 * Knobs (environment): BENCH_ROUNDS (default 20), BENCH_WARMUP (3),
 * BENCH_BUDGET_S (seconds for the measured rounds, default 100; at least 5
 * rounds run), BENCH_LOG_LEVEL (server log level, default silent), DATABASE_URL.
 */
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  execute,
  getVariableValues,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { Client, type Connection } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, mintToken } from '../../src/auth/keys';
import { actorName, type Principal } from '../../src/auth/principal';
import { ObservableType, OrgKind, Role, Severity, ThreatType, Tlp } from '../../src/common/enums';
import { logger } from '../../src/common/logger';
import type { EmbeddedDatabase } from '../../src/db/embedded';
import { IndicatorEntity } from '../../src/intel/indicator.entity';
import type { IndicatorInput } from '../../src/intel/intel.types';
import { normalizeObservable } from '../../src/intel/normalize';
import { createSchema } from '../../src/api/schema';
import { createContext } from '../../src/api/context';
import { authenticate } from '../../src/api/pipeline';
import { startServer, type RunningServer } from '../../src/api/server';
import { LIMIT_RULES } from '../../src/api/validation';
import { createServices, type Services } from '../../src/api/services';
import { UPSERT_INDICATORS_SQL, upsertParams, type IndicatorRow } from '../../src/intel/indicator.service';
import { ENSURE_OBSERVABLE_ROWS_SQL, observableKey, observablesParams } from '../../src/intel/observable.writes';
import { closeBench } from './cleanup';
import { openBenchDatabase } from './database';
import { agent, median, msSince, now, p95, post, timed } from './timing';

logger.setLevel((process.env.BENCH_LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | 'silent') ?? 'silent');

const BATCH = 5000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 20));
const WARMUP = Math.max(0, Number(process.env.BENCH_WARMUP ?? 3));
const BUDGET_MS = Math.max(10, Number(process.env.BENCH_BUDGET_S ?? 100)) * 1000;
const MIN_ROUNDS = Math.min(5, ROUNDS);
const AUDIENCE = 'threatfed';
const BODY_LIMIT = 1024 * 1024; // src/server.ts: express.json({ limit: '1mb' })

/** What a vendor's feed client asks back: per item, its index, outcome and the indicator id. */
const SUBMIT = `mutation Submit($input: [IndicatorInput!]!) {
  submitIndicators(input: $input) {
    created updated rejected
    results { index created indicator { id } error { code field message } }
  }
}`;
/** Same body size and the same token, but no work: transport, body parsing, Apollo and token checks only. */
const NOOP = '{ __typename }';

// ---------------------------------------------------------------- data

interface Item {
  type: ObservableType;
  value: string;
  tlp: Tlp;
  confidence: number;
  severity: Severity;
  threatTypes: ThreatType[];
  tags: string[];
}

/** One row as IndicatorService.checkItem would produce it, without the item index. */
type SqlRow = Omit<IndicatorRow, 'index' | 'key'>;

const RUN = randomBytes(3).toString('hex');
let serial = 0;
const SEVERITIES = [Severity.LOW, Severity.MEDIUM, Severity.HIGH];

/** 5,000 never-seen observables: per 20 items, 8 IPV4, 5 DOMAIN, 4 SHA256, 3 URL. */
function freshBatch(): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < BATCH; i++) {
    const k = serial++;
    const slot = i % 20;
    const common = { tlp: Tlp.GREEN, confidence: 50 + (k % 40), severity: SEVERITIES[k % 3], tags: ['bench', 'feed-a'] };
    if (slot < 8) {
      out.push({ ...common, type: ObservableType.IPV4, value: `10.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`, threatTypes: [ThreatType.BOTNET, ThreatType.C2] });
    } else if (slot < 13) {
      out.push({ ...common, type: ObservableType.DOMAIN, value: `h${k}-${RUN}.bench-ingest.example`, threatTypes: [ThreatType.PHISHING] });
    } else if (slot < 17) {
      out.push({ ...common, type: ObservableType.SHA256, value: createHash('sha256').update(`${RUN}:${k}`).digest('hex'), threatTypes: [ThreatType.MALWARE] });
    } else {
      out.push({ ...common, type: ObservableType.URL, value: `http://u${k}-${RUN}.bench-ingest.example/dl/${k}.bin`, threatTypes: [ThreatType.MALWARE, ThreatType.PHISHING] });
    }
  }
  return out;
}

/** The same observables posted again with new confidence: the idempotent update path. */
const repostOf = (items: Item[]): Item[] => items.map((it) => ({ ...it, confidence: 100 - it.confidence }));

function toRows(items: Item[]): SqlRow[] {
  return items.map((it) => {
    const n = normalizeObservable(it.type, it.value);
    return {
      type: it.type,
      value: n.value,
      net: n.net,
      tlp: it.tlp,
      recipient_org_ids: [],
      recipient_group_ids: [],
      confidence: it.confidence,
      severity: it.severity,
      threat_types: it.threatTypes,
      tags: it.tags,
      valid_from: null,
      valid_until: null,
      description: null,
    };
  });
}

const bodyOf = (query: string, items: Item[]) => JSON.stringify({ query, variables: { input: items } });

// ---------------------------------------------------------------- raw SQL (the service's own statements)

/** The service's write statements in one transaction, nothing else. Returns the rows written. */
async function rawSqlIngest(
  c: Client,
  rows: SqlRow[],
  authorId: string,
  actor: string,
  part: (name: string, ms: number) => void = () => {},
): Promise<{ id: string; inserted: boolean }[]> {
  await c.query('BEGIN');
  try {
    let t = now();
    const obs = observablesParams(rows);
    // The service's one statement (it reads again only what a concurrent call inserted meanwhile: never here).
    const ids = await c.query<{ id: string; type: string; value: string }>(ENSURE_OBSERVABLE_ROWS_SQL, obs);
    part('observables', msSince(t));
    t = now();
    const obsId = new Map(ids.rows.map((r) => [observableKey(r.type, r.value), r.id]));
    const observableIds = rows.map((r) => obsId.get(observableKey(r.type, r.value))!);
    const written = await c.query<{ id: string; inserted: boolean }>(UPSERT_INDICATORS_SQL, upsertParams(rows, observableIds, authorId, actor));
    part('indicators', msSince(t));
    t = now();
    await c.query('COMMIT');
    part('commit', msSince(t));
    return written.rows;
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Total Time'?: number;
  Plans?: PlanNode[];
}
interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
  Triggers?: { 'Trigger Name': string; Relation: string; Time: number; Calls: number }[];
}

const shape = (n: PlanNode): string =>
  `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}` +
  (n.Plans?.length ? `(${n.Plans.map(shape).join(', ')})` : '');

/** Diagnostics, not timing: EXPLAIN ANALYZE of the three statements on one fresh batch, rolled back. */
async function explainIngest(c: Client, rows: SqlRow[], authorId: string, actor: string): Promise<string[]> {
  const out: string[] = [];
  const explain = async (label: string, sql: string, params: unknown[]) => {
    const r = await c.query<{ 'QUERY PLAN': Explained[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    const e = r.rows[0]['QUERY PLAN'][0];
    const triggers = (e.Triggers ?? []).map((t) => `${t['Trigger Name']} on ${t.Relation}: ${t.Time.toFixed(1)} ms / ${t.Calls} calls`);
    out.push(`  ${label}: planning ${e['Planning Time'].toFixed(1)} ms, execution ${e['Execution Time'].toFixed(1)} ms; plan ${shape(e.Plan)}`);
    for (const t of triggers) out.push(`      trigger ${t}`);
  };
  await c.query('BEGIN');
  try {
    const obs = observablesParams(rows);
    await explain('INSERT observables, returning their rows', ENSURE_OBSERVABLE_ROWS_SQL, obs);
    const ids = await c.query<{ id: string; type: string; value: string }>(ENSURE_OBSERVABLE_ROWS_SQL, obs);
    const obsId = new Map(ids.rows.map((r) => [observableKey(r.type, r.value), r.id]));
    const observableIds = rows.map((r) => obsId.get(observableKey(r.type, r.value))!);
    await explain('INSERT indicators ... ON CONFLICT', UPSERT_INDICATORS_SQL, upsertParams(rows, observableIds, authorId, actor));
  } finally {
    await c.query('ROLLBACK');
  }
  return out;
}

// ---------------------------------------------------------------- COPY FROM STDIN (pg has no helper; pg-copy-streams is not a dependency)

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** A minimal pg Submittable for `COPY ... FROM STDIN`: sends `data` in 64 KiB CopyData messages. */
class CopyIn {
  rowCount = 0;
  readonly done: Promise<number>;
  private settle!: (err: Error | null) => void;
  private error: Error | null = null;
  constructor(private readonly sql: string, private readonly data: Buffer) {
    this.done = new Promise<number>((resolve, reject) => {
      let settled = false;
      this.settle = (err) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve(this.rowCount);
      };
    });
  }
  submit(connection: Connection): void {
    (connection as unknown as CopyConnection).query(this.sql);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    for (let i = 0; i < this.data.length; i += 65536) connection.sendCopyFromChunk(this.data.subarray(i, i + 65536));
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text: string }): void {
    this.rowCount = Number(msg.text.split(' ').pop());
  }
  handleError(err: Error): void {
    this.error = err;
    this.settle(err);
  }
  handleReadyForQuery(): void {
    this.settle(this.error);
  }
}

const COPY_COLUMNS = `type, value, net, author_id, tlp, recipient_org_ids, recipient_group_ids, confidence, severity,
  threat_types, tags, valid_from, valid_until, description, created_by, updated_by`;

const copyText = (v: string) => v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
const copyArray = (a: string[]) => `{${a.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** The rows in COPY text format, with the same values the INSERT path writes (valid_from = now()). */
function encodeCopy(rows: SqlRow[], authorId: string, actor: string): Buffer {
  const ts = new Date().toISOString();
  const N = '\\N';
  const lines = rows.map((r) =>
    [
      r.type, copyText(r.value), r.net ?? N, authorId, r.tlp, copyArray(r.recipient_org_ids), copyArray(r.recipient_group_ids),
      String(r.confidence), r.severity, copyArray(r.threat_types), copyArray(r.tags.map(copyText)), r.valid_from ?? ts,
      r.valid_until ?? N, r.description === null ? N : copyText(r.description), copyText(actor), copyText(actor),
    ].join('\t'),
  );
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

async function copyIngest(c: Client, rows: SqlRow[], authorId: string, actor: string): Promise<number> {
  const data = encodeCopy(rows, authorId, actor);
  await c.query('BEGIN');
  const copy = c.query(new CopyIn(`COPY bench_copy_scratch (${COPY_COLUMNS}) FROM STDIN`, data));
  const n = await copy.done;
  await c.query('COMMIT');
  return n;
}

// ---------------------------------------------------------------- the run

interface Env {
  tmp?: string;
  embedded?: EmbeddedDatabase;
  admin?: Client;
  dbName: string;
  dbUrl: string;
  db?: DataSource;
  services?: Services;
  server?: RunningServer;
  raw?: Client;
  schema?: GraphQLSchema;
  token: string;
  principal?: Principal;
  authorId: string;
  actor: string;
  pgVersion: string;
  setupMs: number;
}

const env: Env = { dbName: `tf_bench_${RUN}`, dbUrl: '', token: '', authorId: '', actor: '', pgVersion: '', setupMs: 0 };

beforeAll(async () => {
  const t0 = now();
  const bench = await openBenchDatabase(
    () => path.join((env.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-bench-ingest-'))), 'pg'),
    env.dbName,
    5,
  );
  Object.assign(env, { embedded: bench.embedded, admin: bench.admin, dbUrl: bench.dbUrl, db: bench.db });
  env.services = createServices(bench.db, { tokenAudience: AUDIENCE, tokenMaxLifetime: 3600 });
  env.server = await startServer({ host: '127.0.0.1', port: 0, isDev: false }, env.services);

  // A vendor organisation with its own key, registered the way `init`/seed and the test fixtures do it.
  const { privateJwk, publicJwk } = await generateSigningKey('BKAV');
  const org = await env.services.organizations.bootstrap({ code: 'BKAV', name: 'BKAV (bench)', kind: OrgKind.SECURITY_VENDOR }, publicJwk);
  // The bench measures throughput, not refusals: a budget far above what it posts (the rate-limit check itself still runs).
  await env.services.db.query(`UPDATE organizations SET limits = '{"bulkItemsPerMinute": 100000000, "readsPerMinute": 1000000}' WHERE id = $1`, [org.id]);
  env.token = await mintToken(privateJwk, { org: 'BKAV', sub: 'bkav-feed', roles: [Role.CONTRIBUTOR], audience: AUDIENCE, ttl: 1800 });
  env.principal = await env.services.tokens.verify(env.token);
  env.authorId = org.id;
  env.actor = actorName(env.principal);

  env.raw = new Client({ connectionString: env.dbUrl, application_name: 'threatfed-bench-raw' });
  await env.raw.connect();
  await env.raw.query(`CREATE TABLE bench_copy_scratch (
    type varchar(16), value text, net inet, author_id uuid, tlp varchar(16), recipient_org_ids uuid[], recipient_group_ids uuid[],
    confidence smallint, severity varchar(16), threat_types text[], tags text[], valid_from timestamptz, valid_until timestamptz,
    description text, created_by varchar(200), updated_by varchar(200))`);
  env.pgVersion = (await env.raw.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  env.schema = await createSchema(env.services);
  env.setupMs = msSince(t0);
}, 180_000);

afterAll(() => closeBench(env, agent), 120_000);

type Samples = Record<string, number[]>;

/** One group of measurements; the groups of a round run in a rotating order. */
type Group = (s: Samples) => Promise<void>;

function record(s: Samples, key: string, ms: number) {
  (s[key] ??= []).push(ms);
}

describe('bulk indicator ingest', () => {
  it(`5,000-item batches: submitIndicators over HTTP vs COPY and raw SQL`, async () => {
    const services = env.services!;
    const raw = env.raw!;
    const schema = env.schema!;
    const document: DocumentNode = parse(SUBMIT);
    const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const rules = [...specifiedRules, ...LIMIT_RULES];
    let bodyBytes = 0;
    let responseBytes = 0;

    const httpGroup: Group = async (s) => {
      const items = freshBatch();
      const body = Buffer.from(bodyOf(SUBMIT, items));
      expect(body.length, 'request body must fit the server\'s 1 MiB limit').toBeLessThan(BODY_LIMIT);
      bodyBytes = body.length;
      const a = await timed(() => post(env.server!.url, env.token, body));
      record(s, 'http.new', a.ms);
      responseBytes = a.value.text.length;
      const ra = JSON.parse(a.value.text);
      expect(ra.errors, a.value.text.slice(0, 500)).toBeUndefined();
      expect(ra.data.submitIndicators).toMatchObject({ created: BATCH, updated: 0, rejected: 0 });

      const again = Buffer.from(bodyOf(SUBMIT, repostOf(items)));
      const b = await timed(() => post(env.server!.url, env.token, again));
      record(s, 'http.repost', b.ms);
      expect(JSON.parse(b.value.text).data.submitIndicators).toMatchObject({ created: 0, updated: BATCH, rejected: 0 });

      // COPY of the very rows the subject just wrote: the floor for moving this data into PostgreSQL.
      const rows = toRows(items);
      await raw.query('TRUNCATE bench_copy_scratch');
      const c = await timed(() => copyIngest(raw, rows, env.authorId, env.actor));
      record(s, 'copy', c.ms);
      expect(c.value).toBe(BATCH);
    };

    const noopGroup: Group = async (s) => {
      const body = Buffer.from(bodyOf(NOOP, freshBatch()));
      const r = await timed(() => post(env.server!.url, env.token, body));
      record(s, 'http.noop', r.ms);
      expect(JSON.parse(r.value.text)).toEqual({ data: { __typename: 'Query' } });
    };

    const serviceGroup: Group = async (s) => {
      const items = freshBatch() as IndicatorInput[];
      const a = await timed(() => services.indicators.submit(env.principal!, items));
      record(s, 'service.new', a.ms);
      expect(a.value).toMatchObject({ created: BATCH, updated: 0, rejected: 0 });
      const b = await timed(() => services.indicators.submit(env.principal!, repostOf(items as Item[]) as IndicatorInput[]));
      record(s, 'service.repost', b.ms);
      expect(b.value).toMatchObject({ created: 0, updated: BATCH, rejected: 0 });
      // The same shape of batch with no item at or above HIGH (the default warning threshold): no warnings to raise.
      const calm = freshBatch().map((it, i) => ({ ...it, severity: i % 2 ? Severity.MEDIUM : Severity.LOW })) as IndicatorInput[];
      const c = await timed(() => services.indicators.submit(env.principal!, calm));
      record(s, 'service.new-calm', c.ms);
      expect(c.value).toMatchObject({ created: BATCH, updated: 0, rejected: 0 });
    };

    const sqlGroup: Group = async (s) => {
      const items = freshBatch();
      const rows = toRows(items);
      const a = await timed(() => rawSqlIngest(raw, rows, env.authorId, env.actor, (n, ms) => record(s, `sql.new:${n}`, ms)));
      record(s, 'sql.new', a.ms);
      expect(a.value.filter((w) => w.inserted)).toHaveLength(BATCH);
      const b = await timed(() => rawSqlIngest(raw, toRows(repostOf(items)), env.authorId, env.actor, (n, ms) => record(s, `sql.repost:${n}`, ms)));
      record(s, 'sql.repost', b.ms);
      expect(b.value.filter((w) => !w.inserted)).toHaveLength(BATCH);
      // What submit does after writing: load the 5,000 indicators with their observables through TypeORM.
      const ids = a.value.map((w) => w.id);
      const reread = () => env.db!.getRepository(IndicatorEntity).createQueryBuilder('t').innerJoinAndSelect('t.observable', 'o').where('t.id = ANY(:ids)', { ids });
      const r = await timed(() => reread().getMany());
      record(s, 'typeorm.reread', r.ms);
      expect(r.value).toHaveLength(BATCH);
      // The very SQL TypeORM sends for it, through raw pg: the query without entity hydration.
      const [sql, params] = reread().getQueryAndParameters();
      const q = await timed(() => raw.query(sql, params));
      record(s, 'pg.reread', q.ms);
      expect(q.value.rowCount).toBe(BATCH);
    };

    /** The same operation through graphql-js in this process, no HTTP, piece by piece. */
    const inprocGroup: Group = async (s) => {
      const items = freshBatch();
      const text = bodyOf(SUBMIT, items);
      const j = await timed(() => JSON.parse(text) as { query: string; variables: Record<string, unknown> });
      record(s, 'cpu.json-parse-request', j.ms);
      const pv = await timed(() => validate(schema, parse(j.value.query), rules));
      record(s, 'cpu.parse-validate', pv.ms);
      expect(pv.value).toEqual([]);
      const cv = await timed(() => getVariableValues(schema, op.variableDefinitions ?? [], j.value.variables));
      record(s, 'cpu.coerce-variables', cv.ms);
      expect(cv.value.errors).toBeUndefined();
      const nz = await timed(() => {
        for (const it of items) normalizeObservable(it.type, it.value);
      });
      record(s, 'cpu.normalize', nz.ms);
      const ctx = await timed(async () => createContext(services, await authenticate(services, `Bearer ${env.token}`, 'http')));
      record(s, 'auth.context', ctx.ms);
      const ex = await timed(() => execute({ schema, document, variableValues: j.value.variables, contextValue: ctx.value }));
      record(s, 'graphql.execute', ex.ms);
      const result = await ex.value;
      expect(result.errors).toBeUndefined();
      expect(result.data?.submitIndicators).toMatchObject({ created: BATCH });
      const js = await timed(() => JSON.stringify(result));
      record(s, 'cpu.json-stringify-response', js.ms);
    };

    const groups: Group[] = [httpGroup, serviceGroup, sqlGroup, inprocGroup, noopGroup];
    const runRound = async (s: Samples, round: number) => {
      for (let g = 0; g < groups.length; g++) await groups[(round + g) % groups.length](s);
    };

    const load0 = os.loadavg();
    const tWarm = now();
    for (let w = 0; w < WARMUP; w++) await runRound({}, w);
    const warmMs = msSince(tWarm);
    // Fresh planner statistics once the tables hold data, so that autovacuum's first ANALYZE does not land mid-run.
    await raw.query('VACUUM ANALYZE observables, indicators');

    const samples: Samples = {};
    const perRound: Samples[] = [];
    const tRun = now();
    let rounds = 0;
    while (rounds < ROUNDS && (rounds < MIN_ROUNDS || msSince(tRun) < BUDGET_MS)) {
      const one: Samples = {};
      await runRound(one, rounds);
      perRound.push(one);
      for (const [k, v] of Object.entries(one)) for (const ms of v) record(samples, k, ms);
      rounds++;
    }
    const runMs = msSince(tRun);
    const load1 = os.loadavg();

    const explained = await explainIngest(raw, toRows(freshBatch()), env.authorId, env.actor);
    const rowsTotal = (await raw.query<{ n: string }>('SELECT count(*)::text AS n FROM indicators')).rows[0].n;
    const pairedRatio = (a: string, b: string) => median(perRound.map((r) => median(r[a]) / median(r[b])));

    const fmt = (n: number, d = 1) => n.toFixed(d).padStart(9);
    const line = (label: string, key: string, perBatch = true) => {
      const xs = samples[key];
      const med = median(xs);
      const rate = perBatch ? `${Math.round(BATCH / (med / 1000)).toLocaleString('en-US').padStart(10)}` : '         —';
      return `| ${label.padEnd(58)} | ${fmt(med)} | ${fmt(p95(xs))} | ${fmt(Math.min(...xs))} | ${rate} | ${String(xs.length).padStart(3)} |`;
    };
    const head = `| ${'what (one 5,000-item batch)'.padEnd(58)} | median ms | p95 ms    | min ms    | items/s    | n   |\n|${'-'.repeat(60)}|-----------|-----------|-----------|------------|-----|`;
    const out: string[] = [];
    out.push('', '=== bulk indicator ingest benchmark ===');
    out.push(
      `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; ` +
        `node ${process.version}; PostgreSQL ${env.pgVersion} (${env.embedded ? 'embedded, fsync=off' : 'DATABASE_URL'})`,
    );
    out.push(
      `batch ${BATCH} items (8:5:4:3 IPV4:DOMAIN:SHA256:URL; severity LOW, MEDIUM, HIGH in turn), request body ${(bodyBytes / 1024).toFixed(0)} KiB, response ${(responseBytes / 1024).toFixed(0)} KiB; ` +
        `${WARMUP} warm-up rounds (${(warmMs / 1000).toFixed(1)} s), ${rounds} measured rounds (${(runMs / 1000).toFixed(1)} s), setup ${(env.setupMs / 1000).toFixed(1)} s; ` +
        `indicators in table at end: ${rowsTotal}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} -> ${load1.map((x) => x.toFixed(2)).join(' ')}`,
    );
    out.push('', head);
    out.push(line('SUBJECT submitIndicators over HTTP, new items', 'http.new'));
    out.push(line('SUBJECT submitIndicators over HTTP, re-post (update path)', 'http.repost'));
    out.push(line('baseline COPY of the same rows into a scratch table', 'copy'));
    out.push(line('baseline raw pg, the service\'s SQL, new items', 'sql.new'));
    for (const n of ['observables', 'indicators', 'commit']) out.push(line(`  raw SQL new: ${n}`, `sql.new:${n}`, false));
    out.push(line('baseline raw pg, the service\'s SQL, re-post', 'sql.repost'));
    for (const n of ['observables', 'indicators', 'commit']) out.push(line(`  raw SQL re-post: ${n}`, `sql.repost:${n}`, false));
    out.push(line('IndicatorService.submit called directly, new items', 'service.new'));
    out.push(line('IndicatorService.submit called directly, re-post', 'service.repost'));
    out.push(line('IndicatorService.submit directly, new, no HIGH items', 'service.new-calm'));
    out.push(line('graphql-js execute in process (no HTTP), new items', 'graphql.execute'));
    out.push(line('HTTP POST of a same-size body that does no work', 'http.noop', false));
    out.push(line('  TypeORM re-read of 5,000 indicators (inside submit)', 'typeorm.reread', false));
    out.push(line('  the same re-read query through raw pg (no hydration)', 'pg.reread', false));
    out.push(line('  token check + context (inside every request)', 'auth.context', false));
    out.push(line('  JSON.parse of the request body', 'cpu.json-parse-request', false));
    out.push(line('  parse + validate the operation (incl. limit rules)', 'cpu.parse-validate', false));
    out.push(line('  coerce $input variables (5,000 IndicatorInput)', 'cpu.coerce-variables', false));
    out.push(line('  normalizeObservable x 5,000', 'cpu.normalize', false));
    out.push(line('  JSON.stringify of the response', 'cpu.json-stringify-response', false));
    const m = (k: string) => median(samples[k]);
    const ratio = (label: string, a: string, b: string) =>
      `| ${label.padEnd(52)} | ${(m(a) / m(b)).toFixed(2).padStart(8)} | ${pairedRatio(a, b).toFixed(2).padStart(8)} |`;
    out.push('', `| ${'ratio'.padEnd(52)} | medians  | paired   |\n|${'-'.repeat(54)}|----------|----------|`);
    out.push(ratio('HTTP new / COPY', 'http.new', 'copy'));
    out.push(ratio('HTTP new / raw SQL new', 'http.new', 'sql.new'));
    out.push(ratio('HTTP re-post / COPY', 'http.repost', 'copy'));
    out.push(ratio('HTTP re-post / raw SQL re-post', 'http.repost', 'sql.repost'));
    out.push(ratio('raw SQL new / COPY', 'sql.new', 'copy'));
    out.push(ratio('service new / raw SQL new', 'service.new', 'sql.new'));
    out.push(ratio('service re-post / raw SQL re-post', 'service.repost', 'sql.repost'));
    out.push(ratio('service new (1/3 HIGH) / service new, no HIGH', 'service.new', 'service.new-calm'));
    out.push(ratio('graphql in process / service (new)', 'graphql.execute', 'service.new'));
    out.push(ratio('HTTP new / graphql in process', 'http.new', 'graphql.execute'));
    out.push('', `"paired" = median over rounds of the per-round ratio (each round runs all variants back to back).`);
    out.push('', 'EXPLAIN ANALYZE of the service\'s statements on one more fresh batch (rolled back; diagnostics, not timing):', ...explained, '');
    console.log(out.join('\n'));
  });
});
