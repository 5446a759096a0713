import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findPgTools } from '../src/cli/backup';
import { main } from '../src/cli/index';
import { Role } from '../src/common/enums';
import { createDataSource } from '../src/api/data-source';
import { embeddedBinDir, startEmbeddedPostgres } from '../src/db/embedded';
import { startAppOn } from './support/app';
import { community, type Community } from './support/fixtures';
import { withDatabase } from './support/global-setup';

/**
 * docs/operations.md's backup and restore, once, with the real pg_dump and
 * pg_restore through `cli backup` / `cli restore`. pg_dump refuses a server
 * newer than itself, so the round trip runs on whichever reachable server the
 * installed pg_dump supports: the harness' one, or the system PostgreSQL on
 * 127.0.0.1:5432.
 */
const TABLES = [
  'organizations', 'signing_keys', 'sharing_groups', 'sharing_group_members', 'observables', 'indicators', 'sightings', 'asset_ranges',
  'incidents', 'incident_events', 'incident_observables', 'advisories', 'advisory_observables', 'warnings', 'audit_events', 'migrations',
];
const SYSTEM_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let dir: string;
const dropLater: { adminUrl: string; db: string }[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-backup-'));
});
afterAll(async () => {
  for (const { adminUrl, db } of dropLater) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process with `env` over the environment, capturing what it prints. */
async function cli(env: Record<string, string | undefined>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += chunk.toString()), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  }
}

async function serverMajor(url: string): Promise<number | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDb(adminUrl: string, db: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  dropLater.push({ adminUrl, db });
  return withDatabase(adminUrl, db);
}

async function counts(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const result: Record<string, number> = {};
  for (const t of TABLES) result[t] = (await client.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n;
  await client.end();
  return result;
}

describe('backup and restore', () => {
  it('a pg_dump custom-format backup restores into a new database with every row, and the restored database serves', async (ctx) => {
    const dumpMajor = (await findPgTools('pg_dump'))[0]?.major;
    if (dumpMajor === undefined) return ctx.skip('no pg_dump installed (neither in the embedded package, on PATH, nor in /usr/lib/postgresql/*/bin)');
    let adminUrl: string | undefined;
    const tried: string[] = [];
    for (const candidate of [inject('adminUrl'), SYSTEM_URL]) {
      const major = await serverMajor(candidate);
      tried.push(`${new URL(candidate).port || 5432}: ${major ? `PostgreSQL ${major}` : 'unreachable'}`);
      if (major !== undefined && major <= dumpMajor) {
        adminUrl = candidate;
        break;
      }
    }
    if (!adminUrl) return ctx.skip(`pg_dump ${dumpMajor} supports none of the reachable servers (${tried.join(', ')})`);

    const id = `${inject('runId')}_${Math.random().toString(36).slice(2, 6)}`;
    const sourceUrl = await createDb(adminUrl, `tf_t_${id}_bksrc`);
    const migrate = createDataSource(sourceUrl, { poolSize: 1 });
    await migrate.initialize();
    await migrate.runMigrations({ transaction: 'each' });
    await migrate.destroy();
    const app = await startAppOn(sourceUrl);
    let c: Community;
    try {
      c = await community(app);
      const bkav = await c.bkav.token([Role.CONTRIBUTOR]);
      const ind = await app.gql(bkav, `mutation { submitIndicators(input: [
        { type: DOMAIN, value: "backup-a.example", tlp: GREEN, severity: HIGH },
        { type: IPV4, value: "198.51.100.7", tlp: AMBER, recipients: ["MOF"], severity: CRITICAL }]) { created } }`);
      expect(ind.body.data?.submitIndicators.created).toBe(2);
      const sight = await app.gql(bkav, 'mutation { reportSightings(input: [{ type: DOMAIN, value: "backup-a.example", count: 3 }]) { __typename } }');
      expect(sight.body.errors).toBeUndefined();
      const inc = await app.gql(await c.mof.token([Role.REPORTER]), 'mutation { reportIncident(input: { title: "backup test", category: MALWARE }) { id } }');
      expect(inc.body.errors).toBeUndefined();
    } finally {
      await app.close();
    }
    const before = await counts(sourceUrl);
    expect(before.warnings).toBeGreaterThan(0);

    const file = path.join(dir, 'threatfed.dump');
    const backup = await cli({ DATABASE_URL: sourceUrl }, 'backup', '--out', file);
    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(/backup of 127\.0\.0\.1:\d+\/tf_t_\S+_bksrc written to .*threatfed\.dump \(\d+ bytes, custom format, pg_dump /);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');
    expect((await cli({ DATABASE_URL: sourceUrl }, 'backup', '--out', file)).err).toMatch(/exists; refusing to overwrite a backup/);

    const targetUrl = await createDb(adminUrl, `tf_t_${id}_bkdst`);
    const restore = await cli({ DATABASE_URL: targetUrl }, 'restore', '--file', file);
    expect(restore.err).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.out).toMatch(/^restored .* into 127\.0\.0\.1:\d+\/tf_t_\S+_bkdst \(pg_restore .*\)\nmigrations are up to date\n$/);
    expect(await counts(targetUrl)).toEqual(before);

    const again = await cli({ DATABASE_URL: targetUrl }, 'restore', '--file', file);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already has \d+ tables; restore into a fresh DATA_DIR or a new, empty database/);

    // The same keys verify, the sharing rules hold, and the warning sequence goes on after the restored rows.
    const restored = await startAppOn(targetUrl);
    try {
      const danang = await restored.gql(await c!.danang.token(), '{ indicators { totalCount } }');
      expect(danang.body.data?.indicators.totalCount).toBe(1);
      const more = await restored.gql(await c!.bkav.token([Role.CONTRIBUTOR]), 'mutation { submitIndicators(input: [{ type: DOMAIN, value: "after-restore.example", tlp: GREEN, severity: HIGH }]) { created } }');
      expect(more.body.data?.submitIndicators.created).toBe(1);
    } finally {
      await restored.close();
    }
    expect((await counts(targetUrl)).warnings).toBe(before.warnings + 1);

    // Into a fresh DATA_DIR: the CLI creates the embedded cluster, restores, and stops it again.
    const dataDir = path.join(dir, 'restored');
    const fresh = await cli({ DATABASE_URL: undefined, DATA_DIR: dataDir }, 'restore', '--file', file);
    expect(fresh.err).toBe('');
    expect(fresh.code).toBe(0);
    const port = Number(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8'));
    const pg = await startEmbeddedPostgres(path.join(dataDir, 'pg'), port, { fsync: false });
    try {
      expect(await counts(pg.url)).toEqual(before);
    } finally {
      await pg.stop();
    }
  }, 90_000);

  it('backup of the embedded database says which pg_dump it needs when the installed one is too old', async () => {
    const serverMajorOfEmbedded = Number(/\(PostgreSQL\) (\d+)/.exec(execFileSync(path.join(embeddedBinDir(), 'postgres'), ['--version'], { encoding: 'utf8' }))![1]);
    const dumpMajor = (await findPgTools('pg_dump'))[0]?.major ?? 0;
    const dataDir = path.join(dir, 'embedded');
    const file = path.join(dir, 'embedded.dump');
    const res = await cli({ DATABASE_URL: undefined, DATA_DIR: dataDir }, 'backup', '--out', file);
    if (dumpMajor >= serverMajorOfEmbedded) {
      expect(res.code).toBe(0);
      expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');
    } else {
      expect(res.code).toBe(1);
      expect(res.err).toContain(`pg_dump from PostgreSQL ${serverMajorOfEmbedded} or later is needed for this PostgreSQL ${serverMajorOfEmbedded} server`);
      expect(res.err).toMatch(/install the PostgreSQL \d+ client tools .* PG_BIN/);
      expect(fs.existsSync(file)).toBe(false);
    }
    // The CLI stopped the cluster it started for the backup.
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 60_000);
});
