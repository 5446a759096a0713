import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app';
import { cli } from './support/cli';

let app: TestApp;
let dir: string;
beforeAll(async () => {
  app = await startTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-cli-'));
  // The CLI reads its database from the environment, like an operator's shell.
  process.env.DATABASE_URL = app.dbUrl;
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.close();
});

describe('cli', () => {
  it('keys generate writes the private JWK with mode 0600 and prints only the public one', async () => {
    const file = path.join(dir, 'bkav.jwk');
    const res = await cli('keys', 'generate', '--org', 'BKAV', '--out', file);
    expect(res.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const priv = JSON.parse(fs.readFileSync(file, 'utf8'));
    const pub = JSON.parse(res.out);
    expect(priv).toHaveProperty('d');
    expect(pub).not.toHaveProperty('d');
    expect(pub).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: priv.kid });
    const again = await cli('keys', 'generate', '--org', 'BKAV', '--out', file);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/exists; refusing to overwrite a key/);
  });

  it('init bootstraps the first coordinator, whose minted token the server accepts', async () => {
    const key = path.join(dir, 'vncert.jwk');
    const init = await cli('init', '--coordinator', 'VNCERT', '--key-out', key, '--name', 'National centre');
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/coordinator VNCERT registered/);
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);

    const mint = await cli('token', 'mint', '--org', 'VNCERT', '--key', key, '--sub', 'ops', '--roles', 'ADMIN,ANALYST', '--ttl', '10m');
    expect(mint.code).toBe(0);
    const res = await app.gql(mint.out.trim(), '{ me { subject roles organization { code name kind } } }');
    expect(res.body.data?.me).toEqual({ subject: 'ops', roles: ['ADMIN', 'ANALYST'], organization: { code: 'VNCERT', name: 'National centre', kind: 'COORDINATOR' } });

    const twice = await cli('init', '--coordinator', 'OTHER', '--key-out', path.join(dir, 'other.jwk'));
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/already has organisations/);
  });

  it('token mint explains bad arguments', async () => {
    const key = path.join(dir, 'vncert.jwk');
    const role = await cli('token', 'mint', '--org', 'VNCERT', '--key', key, '--sub', 'x', '--roles', 'ROOT');
    expect(role).toMatchObject({ code: 2 });
    expect(role.err).toMatch(/--roles: unknown role\(s\) ROOT/);
    const missing = await cli('token', 'mint', '--org', 'VNCERT', '--key', key, '--roles', 'VIEWER');
    expect(missing.err).toMatch(/--sub is required/);
    const nokey = await cli('token', 'mint', '--org', 'VNCERT', '--key', path.join(dir, 'absent.jwk'), '--sub', 'x', '--roles', 'VIEWER');
    expect(nokey.err).toMatch(/cannot read key file/);
    const unknown = await cli('token', 'mint', '--bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown option '--bogus'/);
  });

  it.each([['keys', 'generate'], ['token', 'mint'], ['init'], ['seed', '--demo'], ['migrate'], ['schema'], ['ranges', 'import']])('%s %s --help prints its usage', async (...words) => {
    const res = await cli(...words.filter(Boolean), '--help');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^Usage: npm run cli -- /);
  });

  it('lists the commands on an unknown one', async () => {
    const res = await cli('frobnicate');
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/unknown command: frobnicate/);
    expect(res.err).toMatch(/token mint --org CODE/);
  });
});

describe('seed --demo', () => {
  it('seeds the demo community on an empty database, each organisation with its own key file', async () => {
    const fresh = await startTestApp();
    const dataDir = path.join(dir, 'data');
    process.env.DATABASE_URL = fresh.dbUrl;
    process.env.DATA_DIR = dataDir;
    try {
      const res = await cli('seed', '--demo');
      expect(res.code).toBe(0);
      const codes = fs.readdirSync(path.join(dataDir, 'demo-keys')).sort();
      expect(codes).toEqual([
        'BKAV.jwk', 'CMC.jwk', 'DANANG-DOH.jwk', 'DANANG.jwk', 'FPT.jwk', 'HANOI.jwk', 'MOF-TAX.jwk', 'MOF-TREASURY.jwk', 'MOF.jwk', 'MOH-HIS.jwk', 'MOH.jwk', 'NETISP.jwk', 'VIETTEL.jwk', 'VNCERT.jwk', 'VNPT.jwk', 'VSS-HCM.jwk', 'VSS-HN.jwk', 'VSS.jwk',
      ]);
      for (const f of codes) expect(fs.statSync(path.join(dataDir, 'demo-keys', f)).mode & 0o777).toBe(0o600);

      const mint = await cli('token', 'mint', '--org', 'DANANG', '--key', path.join(dataDir, 'demo-keys', 'DANANG.jwk'), '--sub', 'p', '--roles', 'VIEWER');
      const seen = await fresh.gql(mint.out.trim(), '{ indicators { totalCount } organization(code: "MOF-TAX") { parent { code } } }');
      // DANANG sees the GREEN and CLEAR demo indicators only.
      expect(seen.body.data).toEqual({ indicators: { totalCount: 3 }, organization: { parent: { code: 'MOF' } } });
      // MOF's range is approved by the seed, so the quick start's exposure and its warning are there.
      const mof = await cli('token', 'mint', '--org', 'MOF', '--key', path.join(dataDir, 'demo-keys', 'MOF.jwk'), '--sub', 'p', '--roles', 'VIEWER');
      const exposed = await fresh.gql(mof.out.trim(), '{ assetRanges { cidr status } exposure { totalCount } warnings(filter: { kinds: [EXPOSURE] }) { totalCount } }');
      expect(exposed.body.data).toEqual({ assetRanges: [{ cidr: '203.113.128.0/24', status: 'APPROVED' }], exposure: { totalCount: 1 }, warnings: { totalCount: 1 } });

      // The ministry's platform: systems in every state, about 63 % approved, and figures for every family.
      const coordinator = await cli('token', 'mint', '--org', 'VNCERT', '--key', path.join(dataDir, 'demo-keys', 'VNCERT.jwk'), '--sub', 'p', '--roles', 'VIEWER');
      const stats = await fresh.gql(
        coordinator.out.trim(),
        `{ statistics(groupBy: KIND) { total { systems { total approved approvedShare byStatus { status count } } requirements { unmet }
             dossiers { waiting } incidents { open closed } exposures { total open remediated } inspectionsOverdue } groups { key } }
           ranking(kinds: [MINISTRY, PROVINCE, SECTOR_CERT]) { totalCount } }`,
      );
      expect(stats.body.errors).toBeUndefined();
      const total = stats.body.data!.statistics.total;
      expect(total.systems).toMatchObject({ total: 38, approved: 24, approvedShare: 0.6316 });
      expect(total.systems.byStatus.every((s: { count: number }) => s.count > 0)).toBe(true);
      expect(total).toMatchObject({ dossiers: { waiting: 5 }, incidents: { open: 3, closed: 2 }, exposures: { total: 4, open: 3, remediated: 1 }, inspectionsOverdue: 1 });
      expect(total.requirements.unmet).toBeGreaterThan(0);
      expect(stats.body.data!.statistics.groups.map((g: { key: string }) => g.key)).toEqual(['AGENCY', 'MINISTRY', 'PROVINCE', 'SECTOR_CERT']);
      expect(stats.body.data!.ranking.totalCount).toBe(5);

      const again = await cli('seed', '--demo');
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/only runs on an empty one/);
    } finally {
      process.env.DATABASE_URL = app.dbUrl;
      delete process.env.DATA_DIR;
      await fresh.close();
    }
  });
});
