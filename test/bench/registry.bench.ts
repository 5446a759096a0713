/**
 * Registry statistics benchmark: `npm run bench:registry` (docs/benchmarks.md).
 *
 * A scratch database (embedded PostgreSQL in a temp dir, or DATABASE_URL's
 * server) filled by SQL with 5,000 information systems (50 of them retired) over 120 agencies
 * (24 ministries, provinces and sector CERTs, each with 4 departments), their
 * checklists (about 63,000 lines), dossiers, 3,000 incidents, 2,000 EXPOSURE
 * warnings among 30,000 other warnings, and 1,000 inspections. Then, in every
 * round, in a rotating order:
 *
 *   subject    `statistics` over real HTTP with a real ES256 token: a
 *              coordinator (all 5,000 systems, grouped by organisation, every
 *              figure), the same ungrouped, and a ministry (its subtree)
 *   baselines  the bare SQL: the very statement the service runs
 *              (statisticsQuery, under the same policy), through raw pg; and
 *              a floor, systems counted by owner and approval with no policy
 *   breakdown  StatisticsService.statistics called directly; `ranking` over HTTP
 *
 * Nothing here asserts anything about time: assertions only check that each
 * timed call answered what it should (5,000 systems for the coordinator).
 * Knobs: BENCH_ROUNDS (default 40), BENCH_WARMUP (5), BENCH_BUDGET_S (60),
 * BENCH_SYSTEMS (5000), DATABASE_URL.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/server';
import { createServices, type Services } from '../../src/api/services';
import { generateSigningKey, mintToken } from '../../src/auth/keys';
import type { Principal } from '../../src/auth/principal';
import { OrgKind, Role, StatisticsGrouping } from '../../src/common/enums';
import { logger } from '../../src/common/logger';
import type { EmbeddedDatabase } from '../../src/db/embedded';
import { statisticsQuery } from '../../src/registry/statistics.store';
import { closeBench } from './cleanup';
import { openBenchDatabase } from './database';
import { fillRegistry } from './registry-data';
import { agent, median, msSince, now, p95, post, timed } from './timing';

logger.setLevel('silent');

const SYSTEMS = Math.max(100, Number(process.env.BENCH_SYSTEMS ?? 5000));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 40));
const WARMUP = Math.max(0, Number(process.env.BENCH_WARMUP ?? 5));
const BUDGET_MS = Math.max(5, Number(process.env.BENCH_BUDGET_S ?? 60)) * 1000;
const MIN_ROUNDS = Math.min(10, ROUNDS);
/** registry-data.ts retires every system numbered 99 mod 100. */
const IN_OPERATION = SYSTEMS - Math.floor((SYSTEMS + 1) / 100);
const AUDIENCE = 'threatfed';
const RUN = randomBytes(3).toString('hex');

const FIGURES = `key systems { total approved approvedShare byStatus { status count } byLevel { level systems approved } }
  requirements { applicable unmet metShare byRequirement { unmet requirement { code } } }
  dossiers { waiting meanWaitingHours oldestWaitingHours }
  incidents { total byStatus { status count } open meanOpenAgeHours oldestOpenAgeHours closed meanTimeToCloseHours }
  exposures { total open remediated meanTimeToRemediationHours } inspectionsOverdue`;
const BY_ORG = JSON.stringify({ query: `{ statistics(groupBy: ORGANIZATION) { total { ${FIGURES} } groups { organization { code } ${FIGURES} } } }` });
const TOTAL = JSON.stringify({ query: `{ statistics { total { ${FIGURES} } } }` });
const RANKING = JSON.stringify({ query: '{ ranking(first: 50) { totalCount edges { node { rank code score } } } }' });
const FLOOR_SQL = `SELECT owner_id, count(*) AS systems, count(*) FILTER (WHERE approved_until > now()) AS approved
  FROM information_systems WHERE lifecycle = 'IN_OPERATION' GROUP BY owner_id`;

interface Env {
  tmp?: string;
  embedded?: EmbeddedDatabase;
  admin?: Client;
  dbName: string;
  db?: DataSource;
  services?: Services;
  server?: RunningServer;
  raw?: Client;
  tokens: Record<'coordinator' | 'ministry', string>;
  principals: Partial<Record<'coordinator' | 'ministry', Principal>>;
  ministryScope: string[];
  pgVersion: string;
  setupMs: number;
  counts: Record<string, string>;
}

const env: Env = { dbName: `tf_bench_reg_${RUN}`, tokens: { coordinator: '', ministry: '' }, principals: {}, ministryScope: [], pgVersion: '', setupMs: 0, counts: {} };

beforeAll(async () => {
  const t0 = now();
  const bench = await openBenchDatabase(() => path.join((env.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-bench-registry-'))), 'pg'), env.dbName, 5);
  Object.assign(env, { embedded: bench.embedded, admin: bench.admin, db: bench.db });
  env.services = createServices(bench.db, { tokenAudience: AUDIENCE, tokenMaxLifetime: 3600 });
  // The organisations that need tokens are registered as `init` and the seed do it; the rest by SQL.
  const keyed = async (code: string, kind: OrgKind, roles: Role[], parent?: string) => {
    const { privateJwk, publicJwk } = await generateSigningKey(code);
    await env.services!.organizations.bootstrap({ code, name: `${code} (bench)`, kind, parent }, publicJwk);
    return mintToken(privateJwk, { org: code, sub: 'bench', roles, audience: AUDIENCE, ttl: 3600 });
  };
  env.tokens.coordinator = await keyed('VNCERT', OrgKind.COORDINATOR, [Role.ANALYST]);
  env.tokens.ministry = await keyed('ORG-00', OrgKind.MINISTRY, [Role.VIEWER]);
  env.counts = await fillRegistry(bench.db, SYSTEMS);
  // Principals after the tree exists: descendants are read when a token is verified.
  env.principals.coordinator = await env.services.tokens.verify(env.tokens.coordinator);
  env.principals.ministry = await env.services.tokens.verify(env.tokens.ministry);
  env.ministryScope = [env.principals.ministry.orgId, ...env.principals.ministry.descendants];
  env.server = await startServer({ host: '127.0.0.1', port: 0, isDev: false }, env.services);
  env.raw = new Client({ connectionString: bench.dbUrl, application_name: 'threatfed-bench-raw' });
  await env.raw.connect();
  env.pgVersion = (await env.raw.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  env.setupMs = msSince(t0);
}, 600_000);

afterAll(() => closeBench(env, agent), 120_000);

type Samples = Record<string, number[]>;
const record = (s: Samples, key: string, ms: number) => (s[key] ??= []).push(ms);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

/** The plan as one line per node that reads a table or index, with its time and rows. */
function planLines(n: PlanNode, depth = 0, out: string[] = []): string[] {
  const what = n['Index Name'] ? ` using ${n['Index Name']}` : n['Relation Name'] ? ` on ${n['Relation Name']}` : '';
  out.push(`${'  '.repeat(depth + 2)}${n['Node Type']}${what}: ${n['Actual Total Time']?.toFixed(2)} ms, ${n['Actual Rows']} rows`);
  for (const c of n.Plans ?? []) planLines(c, depth + 1, out);
  return out;
}

describe('registry statistics', () => {
  it(`statistics over ${SYSTEMS} systems: GraphQL over HTTP vs the bare SQL`, async () => {
    const services = env.services!;
    const raw = env.raw!;
    const url = env.server!.url;
    const coord = env.principals.coordinator!;
    const ministry = env.principals.ministry!;
    const [coordSql, coordParams] = statisticsQuery(env.db!, coord, 'all');
    const [minSql, minParams] = statisticsQuery(env.db!, ministry, { orgIds: env.ministryScope });

    const steps: [string, () => Promise<void>][] = [
      ['http.coord.org', async () => {
        const r = JSON.parse((await post(url, env.tokens.coordinator, Buffer.from(BY_ORG))).text);
        expect(r.errors).toBeUndefined();
        expect(r.data.statistics.total.systems.total).toBe(IN_OPERATION);
        expect(r.data.statistics.groups).toHaveLength(120);
      }],
      ['http.coord.total', async () => {
        const r = JSON.parse((await post(url, env.tokens.coordinator, Buffer.from(TOTAL))).text);
        expect(r.data.statistics.total.systems.total).toBe(IN_OPERATION);
      }],
      ['http.ministry.org', async () => {
        const r = JSON.parse((await post(url, env.tokens.ministry, Buffer.from(BY_ORG))).text);
        expect(r.data.statistics.groups).toHaveLength(5);
      }],
      ['service.coord.org', async () => {
        const r = await services.statistics.statistics(coord, { groupBy: StatisticsGrouping.ORGANIZATION });
        expect(r.groups).toHaveLength(120);
      }],
      ['sql.coord', async () => {
        expect((await raw.query(coordSql, coordParams)).rowCount).toBeGreaterThan(1000);
      }],
      ['sql.ministry', async () => {
        expect((await raw.query(minSql, minParams)).rowCount).toBeGreaterThan(10);
      }],
      ['sql.floor', async () => {
        expect((await raw.query(FLOOR_SQL)).rowCount).toBe(120);
      }],
      ['http.ranking', async () => {
        const r = JSON.parse((await post(url, env.tokens.coordinator, Buffer.from(RANKING))).text);
        expect(r.data.ranking.totalCount).toBe(120);
      }],
    ];
    const round = async (s: Samples, n: number) => {
      for (let i = 0; i < steps.length; i++) {
        const [key, fn] = steps[(n + i) % steps.length];
        record(s, key, (await timed(fn)).ms);
      }
    };

    const load0 = os.loadavg();
    for (let w = 0; w < WARMUP; w++) await round({}, w);
    const samples: Samples = {};
    const perRound: Samples[] = [];
    const tRun = now();
    let rounds = 0;
    while (rounds < ROUNDS && (rounds < MIN_ROUNDS || msSince(tRun) < BUDGET_MS)) {
      const one: Samples = {};
      await round(one, rounds);
      perRound.push(one);
      for (const [k, v] of Object.entries(one)) for (const ms of v) record(samples, k, ms);
      rounds++;
    }
    const runMs = msSince(tRun);
    const load1 = os.loadavg();

    const explain = async (sql: string, params: unknown[]) => {
      const r = await raw.query<{ 'QUERY PLAN': { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const e = r.rows[0]['QUERY PLAN'][0];
      return [`  planning ${e['Planning Time'].toFixed(1)} ms, execution ${e['Execution Time'].toFixed(1)} ms`, ...planLines(e.Plan)];
    };
    const plan = await explain(coordSql, coordParams);

    const m = (k: string) => median(samples[k]);
    const paired = (a: string, b: string) => median(perRound.map((r) => r[a][0] / r[b][0]));
    const fmt = (x: number) => x.toFixed(1).padStart(9);
    const line = (label: string, key: string) =>
      `| ${label.padEnd(66)} | ${fmt(m(key))} | ${fmt(p95(samples[key]))} | ${fmt(Math.min(...samples[key]))} | ${String(samples[key].length).padStart(3)} |`;
    const ratio = (label: string, a: string, b: string) => `| ${label.padEnd(46)} | ${(m(a) / m(b)).toFixed(2).padStart(8)} | ${paired(a, b).toFixed(2).padStart(8)} |`;
    const out = [
      '',
      '=== registry statistics benchmark ===',
      `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; node ${process.version}; ` +
        `PostgreSQL ${env.pgVersion} (${env.embedded ? 'embedded, fsync=off' : 'DATABASE_URL'})`,
      `data: ${Object.entries(env.counts).map(([k, v]) => `${k} ${v}`).join(', ')}; setup ${(env.setupMs / 1000).toFixed(1)} s`,
      `${WARMUP} warm-up rounds, ${rounds} measured rounds (${(runMs / 1000).toFixed(1)} s); load average ${load0.map((x) => x.toFixed(2)).join(' ')} -> ${load1.map((x) => x.toFixed(2)).join(' ')}`,
      '',
      `| ${'what'.padEnd(66)} | median ms | p95 ms    | min ms    | n   |`,
      `|${'-'.repeat(68)}|-----------|-----------|-----------|-----|`,
      line('SUBJECT statistics(groupBy: ORGANIZATION), coordinator, over HTTP', 'http.coord.org'),
      line('SUBJECT statistics (total only), coordinator, over HTTP', 'http.coord.total'),
      line('SUBJECT statistics(groupBy: ORGANIZATION), a ministry, over HTTP', 'http.ministry.org'),
      line('baseline the bare SQL (statisticsQuery), coordinator, raw pg', 'sql.coord'),
      line('baseline the bare SQL (statisticsQuery), a ministry, raw pg', 'sql.ministry'),
      line('floor: systems by owner and approval, no policy, raw pg', 'sql.floor'),
      line('StatisticsService.statistics directly, coordinator, by organisation', 'service.coord.org'),
      line('ranking(first: 50), coordinator, over HTTP', 'http.ranking'),
      '',
      `| ${'ratio'.padEnd(46)} | medians  | paired   |`,
      `|${'-'.repeat(48)}|----------|----------|`,
      ratio('HTTP coordinator by org / bare SQL', 'http.coord.org', 'sql.coord'),
      ratio('HTTP coordinator total / bare SQL', 'http.coord.total', 'sql.coord'),
      ratio('service / bare SQL', 'service.coord.org', 'sql.coord'),
      ratio('HTTP ministry / bare SQL ministry', 'http.ministry.org', 'sql.ministry'),
      ratio('bare SQL / floor', 'sql.coord', 'sql.floor'),
      '',
      'EXPLAIN ANALYZE of the coordinator\'s statement (diagnostics, not timing):',
      ...plan,
      '',
    ];
    console.log(out.join('\n'));
  });
});
