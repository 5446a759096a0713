import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { loadConfig } from '../src/config';
import { startAppOn, startTestApp, type TestApp } from './support/app';
import { cli } from './support/cli';
import { community, type Community } from './support/fixtures';

let app: TestApp;
let c: Community;
let dir: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-audit-'));
  // Some history: writes by three organisations and one refused attempt.
  const submit = 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }';
  await app.gql(await c.bkav.token([Role.CONTRIBUTOR], 'feed'), submit, { i: [{ type: 'DOMAIN', value: 'a.audit.example' }] });
  await app.gql(await c.mofTax.token([Role.REPORTER], 'clerk'), 'mutation { setAssetRanges(ranges: ["198.51.100.0/24"]) { cidr } }');
  await app.gql(await c.mof.token([Role.REPORTER], 'mof-staff'), 'mutation { setAssetRanges(ranges: ["203.0.113.0/24"]) { cidr } }');
  await app.gql(await c.danang.token([Role.VIEWER], 'nosy'), submit, { i: [{ type: 'DOMAIN', value: 'b.audit.example' }] });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.close();
});

const EVENTS = `query($f: AuditFilter, $first: Int, $after: String) {
  auditEvents(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { at organization subject tokenId keyId action targetType targetId outcome detail } }
  }
}`;
type Node = { at: string; organization: string | null; subject: string | null; action: string; outcome: string; detail: Record<string, unknown> | null };
async function events(token: string, f: Record<string, unknown> = {}, first = 100) {
  const res = await app.gql(token, EVENTS, { f, first });
  expect(res.body.errors).toBeUndefined();
  const conn = res.body.data!.auditEvents;
  return { total: conn.totalCount as number, nodes: (conn.edges as { node: Node }[]).map((e) => e.node), conn };
}
const orgsOf = (nodes: Node[]) => [...new Set(nodes.map((n) => n.organization))].sort();

describe('auditEvents', () => {
  it('shows a coordinator ADMIN everything, newest first, bootstrap events included', async () => {
    const { nodes, total } = await events(await c.vncert.token([Role.ADMIN]));
    expect(total).toBe(nodes.length);
    expect(orgsOf(nodes)).toEqual(expect.arrayContaining(['BKAV', 'DANANG', 'MOF', 'MOF-TAX', null]));
    expect(nodes[0].at >= nodes[nodes.length - 1].at).toBe(true);
    const denied = nodes.find((n) => n.outcome === 'DENIED' && n.subject === 'nosy');
    expect(denied).toMatchObject({ organization: 'DANANG', action: 'indicator.submit', detail: { reason: 'requires role CONTRIBUTOR' } });
  });

  it('shows an organisation\'s ADMIN its own events and its descendants\', nothing else', async () => {
    const mof = await events(await c.mof.token([Role.ADMIN]));
    expect(orgsOf(mof.nodes)).toEqual(['MOF', 'MOF-TAX']);
    const tax = await events(await c.mofTax.token([Role.ADMIN]));
    expect(orgsOf(tax.nodes)).toEqual(['MOF-TAX']);
    // Naming another organisation narrows to nothing rather than widening the scope.
    expect((await events(await c.mof.token([Role.ADMIN]), { organization: 'BKAV' })).total).toBe(0);
  });

  it('is for ADMINs only; a refusal is itself audited', async () => {
    const res = await app.gql(await c.bkav.token([Role.CONTRIBUTOR], 'peeker'), EVENTS, {});
    expect(res.body.errors?.[0]).toMatchObject({ message: 'requires role ADMIN', extensions: { code: 'FORBIDDEN' } });
    const { nodes } = await events(await c.bkav.token([Role.ADMIN]), { action: 'audit.read', outcome: 'DENIED' });
    expect(nodes.map((n) => n.subject)).toEqual(['peeker']);
  });

  it('filters by organisation, action (exact or prefix*), actor, outcome and time', async () => {
    const admin = await c.vncert.token([Role.ADMIN]);
    expect(orgsOf((await events(admin, { organization: 'mof-tax' })).nodes)).toEqual(['MOF-TAX']);
    expect((await events(admin, { action: 'assetRange.set' })).nodes.map((n) => n.organization).sort()).toEqual(['MOF', 'MOF-TAX']);
    expect((await events(admin, { action: 'assetRange.*' })).total).toBe(2);
    expect((await events(admin, { action: 'asset%' })).total).toBe(0);
    expect((await events(admin, { actor: 'clerk' })).nodes.map((n) => n.action)).toEqual(['assetRange.set']);
    expect((await events(admin, { actor: 'BKAV/feed' })).nodes.map((n) => n.action)).toEqual(['indicator.submit']);
    expect((await events(admin, { actor: 'MOF/feed' })).total).toBe(0);
    expect((await events(admin, { outcome: 'DENIED' })).nodes.every((n) => n.outcome === 'DENIED')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await events(admin, { since: future })).total).toBe(0);
    expect((await events(admin, { until: '2000-01-01T00:00:00Z' })).total).toBe(0);
    const all = await events(admin);
    expect((await events(admin, { since: '2000-01-01T00:00:00Z', until: future })).total).toBe(all.total);
  });

  it('pages with cursors, with the count under the same scope', async () => {
    const admin = await c.vncert.token([Role.ADMIN]);
    const all = await events(admin);
    const seen: Node[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await app.gql(admin, EVENTS, { first: 2, after });
      const conn = res.body.data!.auditEvents;
      seen.push(...conn.edges.map((e: { node: Node }) => e.node));
      expect(conn.totalCount).toBe(all.total);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.nodes);
  });
});

describe('audit export', () => {
  it('writes JSON lines, oldest first, with the API\'s field names', async () => {
    process.env.DATABASE_URL = app.dbUrl;
    try {
      const out = path.join(dir, 'all.jsonl');
      const res = await cli('audit', 'export', '--since', '1h', '--out', out);
      expect(res.err).toBe('');
      expect(res.code).toBe(0);
      const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(res.out).toBe(`${lines.length} audit events written to ${out}\n`);
      expect(lines.length).toBeGreaterThan(5);
      expect(Object.keys(lines[0])).toEqual(['id', 'at', 'organization', 'subject', 'tokenId', 'keyId', 'action', 'targetType', 'targetId', 'outcome', 'detail']);
      expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort());
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);

      const bkav = path.join(dir, 'bkav.jsonl');
      expect((await cli('audit', 'export', '--since', '2000-01-01T00:00:00Z', '--org', 'BKAV', '--out', bkav)).code).toBe(0);
      const mine = fs.readFileSync(bkav, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(new Set(mine.map((l) => l.organization))).toEqual(new Set(['BKAV']));

      const again = await cli('audit', 'export', '--since', '1h', '--out', out);
      expect(again.code).toBe(2);
      expect(again.err).toMatch(/exists; refusing to overwrite it/);
      const bad = await cli('audit', 'export', '--since', 'yesterday', '--out', path.join(dir, 'x.jsonl'));
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/--since must be an ISO date-time/);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});

describe('retention', () => {
  const old = (days: number, action: string) =>
    app.db.query(`INSERT INTO audit_events (at, action, outcome, organization_code) VALUES (now() - make_interval(days => $1), $2, 'OK', 'BKAV')`, [days, action]);

  it('AUDIT_RETENTION defaults to 400 days, takes a duration, or off', () => {
    expect(loadConfig({}).auditRetentionS).toBe(400 * 86400);
    expect(loadConfig({ AUDIT_RETENTION: '90d' }).auditRetentionS).toBe(90 * 86400);
    expect(loadConfig({ AUDIT_RETENTION: 'off' }).auditRetentionS).toBeNull();
    expect(() => loadConfig({ AUDIT_RETENTION: '2h' })).toThrow(/AUDIT_RETENTION must be a duration of at least 1d/);
  });

  it('a server prunes events older than the retention at start-up', async () => {
    await old(500, 'test.ancient');
    await old(399, 'test.kept');
    const other = await startAppOn(app.dbUrl, { auditRetentionS: 400 * 86400 });
    try {
      const deadline = Date.now() + 10_000;
      let left: string[] = [];
      do {
        await new Promise((r) => setTimeout(r, 100));
        left = (await app.db.query(`SELECT action FROM audit_events WHERE action LIKE 'test.%' ORDER BY action`)).map((r: { action: string }) => r.action);
      } while (left.includes('test.ancient') && Date.now() < deadline);
      expect(left).toEqual(['test.kept']);
    } finally {
      await other.close();
    }
  });

  it('audit prune does the same on demand', async () => {
    await old(40, 'test.month-old');
    process.env.DATABASE_URL = app.dbUrl;
    try {
      const res = await cli('audit', 'prune', '--older-than', '30d');
      expect(res.code).toBe(0);
      expect(res.out).toMatch(/^\d+ audit events older than 30 days deleted\n$/);
      expect(await app.db.query(`SELECT 1 FROM audit_events WHERE action IN ('test.month-old', 'test.kept')`)).toEqual([]);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});
