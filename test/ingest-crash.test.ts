import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { createOrg } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';

// A server killed with SIGKILL in the middle of a 5,000-item submitIndicators: the batch is one transaction, so
// PostgreSQL rolls it back when the connection dies. Nothing of it may remain (indicators, observables, warnings,
// range exposures, audit), and the same batch posted again is stored whole.

let app: TestApp;
let server: ServerProcess | undefined;
let watcher: Client;
let token: string;

beforeAll(async () => {
  app = await startTestApp();
  const vendor = await createOrg(app, { code: 'BKAV', kind: OrgKind.SECURITY_VENDOR });
  const isp = await createOrg(app, { code: 'VNPT', kind: OrgKind.ISP });
  token = await vendor.token([Role.CONTRIBUTOR]);
  // An approved range, so that the batch also writes EXPOSURE warnings and range exposures.
  await app.db.query(
    `INSERT INTO asset_ranges (organization_id, cidr, created_by, status, reviewed_by, reviewed_at)
     SELECT id, '100.96.0.0/16', 'test', 'APPROVED', 'test', now() FROM organizations WHERE code = 'VNPT'`,
  );
  expect(isp).toBeDefined();
  watcher = new Client({ connectionString: app.dbUrl });
  await watcher.connect();
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await watcher?.end();
  await app?.close();
});

const batch = (round: number) =>
  Array.from({ length: 5000 }, (_, i) => ({ type: 'IPV4', value: `100.${96 + round}.${Math.floor(i / 250)}.${i % 250}`, tlp: 'GREEN', severity: 'HIGH' }));

async function counts(round: number) {
  const { rows: [r] } = await watcher.query(
    `SELECT (SELECT count(*)::int FROM observables WHERE value LIKE $1) AS observables,
            (SELECT count(*)::int FROM indicators i JOIN observables o ON o.id = i.observable_id WHERE o.value LIKE $1) AS indicators,
            (SELECT count(*)::int FROM warnings WHERE title LIKE '%' || $2 || '%') AS warnings,
            (SELECT count(*)::int FROM range_exposures e JOIN observables o ON o.id = e.observable_id WHERE o.value LIKE $1) AS exposures,
            (SELECT count(*)::int FROM audit_events WHERE action = 'indicator.submit') AS audits`,
    [`100.${96 + round}.%`, `100.${96 + round}.`],
  );
  return r as { observables: number; indicators: number; warnings: number; exposures: number; audits: number };
}

/** Waits until the batch's transaction has written observables and is writing indicators or warnings, then kills the server. */
async function killMidBatch(s: ServerProcess, round: number): Promise<void> {
  const body = JSON.stringify({ query: 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', variables: { i: batch(round) } });
  const request = fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }).catch((e: Error) => e);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await watcher.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
          AND (query LIKE '%INSERT INTO indicators%' OR query LIKE '%INSERT INTO warnings%')`,
    );
    if (rows.length) break;
    if (Date.now() > deadline) throw new Error('the batch never started writing');
    await new Promise((r) => setTimeout(r, 2));
  }
  s.child.kill('SIGKILL');
  expect(await request).toBeInstanceOf(Error); // the client sees the connection drop, not an answer
  await s.stop();
  // PostgreSQL notices the dead connection and rolls back; wait until no transaction of it is left.
  while ((await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`)).rows.length) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kill -9 in the middle of a bulk submission', () => {
  it('leaves nothing of the batch, and the same batch posted again is stored whole', async () => {
    const auditsBefore = (await counts(0)).audits;
    for (const round of [0, 1]) {
      server = await startServerProcess(app.dbUrl);
      await killMidBatch(server, round);
      expect(await counts(round)).toEqual({ observables: 0, indicators: 0, warnings: 0, exposures: 0, audits: auditsBefore });
    }

    server = await startServerProcess(app.dbUrl);
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', variables: { i: batch(0) } }),
    });
    expect(((await res.json()) as { data: { submitIndicators: { created: number } } }).data.submitIndicators.created).toBe(5000);
    // 5,000 HIGH warnings and 5,000 EXPOSURE warnings (all inside VNPT's 100.96.0.0/16).
    expect(await counts(0)).toEqual({ observables: 5000, indicators: 5000, warnings: 10_000, exposures: 5000, audits: auditsBefore + 1 });
  }, 180_000);
});
