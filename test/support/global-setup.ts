import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { createDataSource } from '../../src/api/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    runId: string;
  }
}

/** URL of `db` on the same server as `adminUrl`. */
export function withDatabase(adminUrl: string, db: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * One PostgreSQL for the run: DATABASE_URL when set, else an embedded one in a
 * temporary directory. A template database is migrated once; every test file
 * clones its own database from it (test/support/app.ts).
 */
export default async function setup(project: TestProject) {
  // One cursor key for the run: every test process and every server process it starts share it,
  // as the instances of one deployment do (test/support/setup.ts installs it in each test process).
  process.env.CURSOR_KEY ??= randomBytes(32).toString('hex');
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-test-'));
    // A throwaway cluster: fsync off for speed, the one place that asks for it.
    embedded = await startEmbeddedPostgres(path.join(tmp, 'pg'), undefined, { fsync: false });
    adminUrl = embedded.url;
  }
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const templateDb = `tf_tpl_${runId}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${templateDb}"`);
  const ds = createDataSource(withDatabase(adminUrl, templateDb), { poolSize: 2 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);
  project.provide('runId', runId);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`tf_t_${runId}_%`, templateDb],
    );
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
}
