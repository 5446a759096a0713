import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestApp, type TestApp } from './support/app';

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await startTestApp();
  base = app.url.replace(/\/graphql$/, '');
});
afterAll(() => app?.close());

const probe = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as { status: string; checks?: Record<string, string> } };
};
const until = async (path: string, status: number, ms = 15_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await probe(path);
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
};

describe('probes', () => {
  it('/healthz answers while the process runs; /readyz checks database, migrations and the warning listener', async () => {
    expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe('/readyz')).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', warningListener: 'ok' } },
    });
  });

  it('/readyz is 503 while a migration this build knows is not applied', async () => {
    const [last] = await app.db.query('SELECT id, timestamp, name FROM migrations ORDER BY id DESC LIMIT 1');
    await app.db.query('DELETE FROM migrations WHERE id = $1', [last.id]);
    try {
      const r = await probe('/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ status: 'not ready', checks: { database: 'ok', migrations: `pending: ${last.name}`, warningListener: 'ok' } });
    } finally {
      await app.db.query('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [last.id, last.timestamp, last.name]);
    }
    expect((await probe('/readyz')).status).toBe(200);
  });

  it('/readyz is 503 without the database or the listener, /healthz stays 200, and both recover', async () => {
    const dbName = new URL(app.dbUrl).pathname.slice(1);
    const admin = new Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
      const down = await until('/readyz', 503);
      expect(down.status).toBe(503);
      expect(down.body.checks).toMatchObject({ database: 'unavailable', warningListener: 'disconnected' });
      expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const up = await until('/readyz', 200);
    expect(up.body.checks).toEqual({ database: 'ok', migrations: 'ok', warningListener: 'ok' });
  }, 30_000);
});
