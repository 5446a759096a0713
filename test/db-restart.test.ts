import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { createDataSource } from '../src/api/data-source';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded';
import { startAppOn, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { raiseWarnings, subscribe } from './support/ws';

/**
 * Restarting PostgreSQL under a running server: this file has a cluster of
 * its own, so that stopping it disturbs no other test file.
 */
let dir: string;
let port: number;
let pg: EmbeddedDatabase;
let app: TestApp;
let c: Community;
let bkav: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-restart-'));
  port = await freePort();
  pg = await startEmbeddedPostgres(path.join(dir, 'pg'), port);
  const migrate = createDataSource(pg.url, { poolSize: 1 });
  await migrate.initialize();
  await migrate.runMigrations();
  await migrate.destroy();
  app = await startAppOn(pg.url);
  c = await community(app);
  bkav = await c.bkav.token([Role.CONTRIBUTOR]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The first request after a restart may land on a dead pooled connection: retry briefly, as a client would.
const raise = (count: number) => raiseWarnings(app.url, bkav, count, { retries: 20 });

describe('the embedded PostgreSQL', () => {
  it('runs with the settings the national data set needs (docs/operations.md)', async () => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const show = async (name: string) => (await client.query(`SELECT current_setting($1) AS v`, [name])).rows[0].v as string;
      // Without these an ingest call re-reads evicted pages, checkpoints mid-load, or scans organizations per row.
      expect(await show('shared_buffers')).toMatch(/^(\d+MB|1GB)$/);
      expect(await show('max_wal_size')).toBe('4GB');
      expect(await show('random_page_cost')).toBe('1.1');
    } finally {
      await client.end();
    }
  });
});

describe('a database restart', () => {
  it('loses no warning: the listener reconnects and catches up from the last one it delivered', async () => {
    const sub = subscribe(app.url, await c.danang.token());
    try {
      await new Promise((r) => setTimeout(r, 300));
      const before = await raise(2);
      await sub.waitFor(2);

      await pg.stop();
      await new Promise((r) => setTimeout(r, 500));
      pg = await startEmbeddedPostgres(path.join(dir, 'pg'), port);

      // Raised as soon as the database is back, before the listener has necessarily reconnected.
      const after = await raise(3);
      const events = await sub.waitFor(5, 20_000);
      expect(events.map((e) => e.warning.title.replace(/^HIGH DOMAIN indicator: /, ''))).toEqual([...before, ...after]);
    } finally {
      await sub.dispose();
    }
  }, 60_000);
});
