import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { cli } from './support/cli';
import { community, createOrg, type Community } from './support/fixtures';
import { ok, rangeCalls, refused } from './support/ranges';

/** Loading approved address space in bulk (a registry export), over the API and from a file; and the width rule for CIDR indicators. */

let app: TestApp;
let c: Community;
let dir: string;
let calls: ReturnType<typeof rangeCalls>;
let vncertAdmin: string;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  await createOrg(app, { code: 'ISPA', kind: OrgKind.ISP });
  await createOrg(app, { code: 'ISPA-HN', kind: OrgKind.ISP, parent: 'ISPA' });
  calls = rangeCalls(app);
  vncertAdmin = await c.vncert.token([Role.ADMIN], 'vncert-admin');
  const mof = await c.mof.token([Role.ADMIN]);
  ok(await calls.declare(mof, ['203.113.128.0/24']));
  ok(await calls.review(vncertAdmin, 'MOF', ['203.113.128.0/24'], true));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-ranges-'));
  process.env.DATABASE_URL = app.dbUrl;
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.close();
});

const rangesOf = (code: string): Promise<{ cidr: string; status: string; reviewed_by: string | null; reason: string | null }[]> =>
  app.db.query(
    `SELECT a.cidr::text AS cidr, a.status, a.reviewed_by, a.reason FROM asset_ranges a JOIN organizations o ON o.id = a.organization_id
      WHERE o.code = $1 ORDER BY a.cidr`,
    [code],
  );

describe('importAssetRanges', () => {
  it('is for a coordinator organisation\'s ADMIN only', async () => {
    const one = [{ organization: 'VIETTEL', cidr: '45.77.0.0/16' }];
    expect(refused(await calls.importRanges(await c.mof.token([Role.ADMIN]), one), 'FORBIDDEN').message).toBe(
      'only a coordinator organisation\'s ADMIN may import approved asset ranges',
    );
    expect(refused(await calls.importRanges(await c.vncert.token([Role.ANALYST]), one), 'FORBIDDEN').message).toBe('requires role ADMIN');
    expect(await rangesOf('VIETTEL')).toEqual([]);
  });

  it('checks every item and stores nothing when any is refused, listing each refusal', async () => {
    const res = await calls.importRanges(vncertAdmin, [
      { organization: 'VIETTEL', cidr: '45.77.0.0/16' },
      { organization: 'NOPE', cidr: '10.1.0.0/16' },
      { organization: 'BKAV', cidr: '10.0.0.0/7' },
      { organization: 'BKAV', cidr: 'not-a-range' },
      { organization: 'DANANG', cidr: '203.113.128.0/28' },
      { organization: 'VIETTEL', cidr: '172.16.0.0/16' },
      { organization: 'BKAV', cidr: '172.16.1.0/24' },
    ]);
    const err = refused(res, 'BAD_USER_INPUT');
    expect(err.message).toBe('ranges: 6 of 7 ranges rejected, nothing was imported; first: ranges[1].organization: unknown organisation "NOPE"');
    const items = err.extensions!.items as { index: number; code: string; field: string; message: string }[];
    expect(items.map((i) => [i.index, i.code, i.field])).toEqual([
      [1, 'BAD_USER_INPUT', 'ranges[1].organization'],
      [2, 'BAD_USER_INPUT', 'ranges[2].cidr'],
      [3, 'BAD_USER_INPUT', 'ranges[3].cidr'],
      [4, 'CONFLICT', 'ranges[4].cidr'],
      [5, 'CONFLICT', 'ranges[5].cidr'],
      [6, 'CONFLICT', 'ranges[6].cidr'],
    ]);
    expect(items[1].message).toBe('ranges[2].cidr: CIDR must not be wider than /8 for IPv4 (got /7)');
    expect(items[3].message).toMatch(/^ranges\[4\]\.cidr: overlaps MOF's approved range 203\.113\.128\.0\/24;/);
    expect(items[4].message).toMatch(/^ranges\[5\]\.cidr: overlaps ranges\[6\] \(BKAV 172\.16\.1\.0\/24\);/);
    expect(items[5].message).toMatch(/^ranges\[6\]\.cidr: overlaps ranges\[5\] \(VIETTEL 172\.16\.0\.0\/16\);/);
    expect(await rangesOf('VIETTEL')).toEqual([]);
  });

  it('approves every item of a clean load, a delegation listed child first, and takes over a pending declaration', async () => {
    ok(await calls.declare(await c.bkav.token([Role.REPORTER]), ['45.76.0.0/16']));
    const [{ id: declared }] = await app.db.query(`SELECT a.id FROM asset_ranges a JOIN organizations o ON o.id = a.organization_id WHERE o.code = 'BKAV'`);
    const rows = ok(
      await calls.importRanges(
        vncertAdmin,
        [
          { organization: 'ispa-hn', cidr: '10.70.1.0/24' },
          { organization: 'ISPA', cidr: '10.70.0.0/16' },
          { organization: 'BKAV', cidr: '45.76.0.0/16' },
          { organization: 'VIETTEL', cidr: '45.77.10.9' },
        ],
        'APNIC export, November',
      ),
    ).importAssetRanges;
    expect(rows.map((r) => [r.organization.code, r.cidr, r.status, r.reviewedBy, r.reason])).toEqual([
      ['BKAV', '45.76.0.0/16', 'APPROVED', 'VNCERT/vncert-admin', 'APNIC export, November'],
      ['ISPA', '10.70.0.0/16', 'APPROVED', 'VNCERT/vncert-admin', 'APNIC export, November'],
      ['ISPA-HN', '10.70.1.0/24', 'APPROVED', 'VNCERT/vncert-admin', 'APNIC export, November'],
      ['VIETTEL', '45.77.10.9/32', 'APPROVED', 'VNCERT/vncert-admin', 'APNIC export, November'],
    ]);
    const [{ id: after }] = await app.db.query(`SELECT a.id FROM asset_ranges a JOIN organizations o ON o.id = a.organization_id WHERE o.code = 'BKAV'`);
    expect(after).toBe(declared);
    const [audit] = await app.db.query(`SELECT organization_code AS org, outcome, detail FROM audit_events WHERE action = 'assetRange.import' AND outcome = 'OK'`);
    expect(audit).toMatchObject({ org: 'VNCERT', outcome: 'OK', detail: { approved: 4, reason: 'APNIC export, November' } });
    expect(audit.detail.ranges).toContainEqual({ organization: 'ISPA-HN', cidr: '10.70.1.0/24' });
  });
});

describe('npm run cli -- ranges import', () => {
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('refuses a malformed file, naming each bad line, and imports nothing', async () => {
    const res = await cli('ranges', 'import', '--file', file('malformed.txt', '# registry export\nCMC 203.162.0.0/16\n\nFPT\nCMC 203.163.0.0/16 extra words\n'));
    expect(res.code).toBe(1);
    expect(res.err).toContain('line 4: expected "ORG_CODE CIDR", found 1 field(s)');
    expect(res.err).toContain('line 5: expected "ORG_CODE CIDR", found 4 field(s)');
    expect(res.err).toContain('nothing was imported');
    expect(await rangesOf('BKAV')).toHaveLength(1);
  });

  it('checks every line like an approval; one refused line stops the file', async () => {
    const res = await cli('ranges', 'import', '--file', file('bad.txt', 'BKAV 203.162.0.0/16\nNOSUCH 10.9.0.0/16  # gone\nVIETTEL 0.0.0.0/0\nDANANG 203.113.128.64/26\n'));
    expect(res.code).toBe(1);
    expect(res.err).toContain('line 2 (organization): unknown organisation "NOSUCH"');
    expect(res.err).toContain('line 3 (cidr): CIDR must not be wider than /8 for IPv4 (got /0)');
    expect(res.err).toMatch(/line 4 \(cidr\): overlaps MOF's approved range 203\.113\.128\.0\/24/);
    expect(res.err).toContain('3 of 4 lines refused; nothing was imported');
    expect((await rangesOf('BKAV')).map((r) => r.cidr)).toEqual(['45.76.0.0/16']);
  });

  it('imports a clean file as approved ranges, recorded as the operator\'s', async () => {
    const f = file('good.txt', '# APNIC export\nBKAV 203.162.0.0/16\nVIETTEL\t2001:db8:1::/48\n');
    const res = await cli('ranges', 'import', '--file', f, '--reason', 'APNIC export');
    expect(res).toMatchObject({ code: 0, out: `2 asset range(s) approved from ${f}\n` });
    const bkav = await rangesOf('BKAV');
    expect(bkav.find((r) => r.cidr === '203.162.0.0/16')).toMatchObject({ status: 'APPROVED', reason: 'APNIC export', reviewed_by: expect.stringMatching(/^cli\//) });
    const audit = await app.db.query(`SELECT organization_code AS org, detail FROM audit_events WHERE action = 'assetRange.import' AND organization_code IS NULL`);
    expect(audit).toEqual([{ org: null, detail: expect.objectContaining({ approved: 2, reason: 'APNIC export' }) }]);
  });
});

describe('CIDR indicators', () => {
  it('refuses /0 and any block wider than /8 (IPv4) or /32 (IPv6), item by item, with the rule', async () => {
    const res = ok(
      await app.gql(
        await c.bkav.token([Role.CONTRIBUTOR]),
        'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created rejected results { error { field message } } } }',
        {
          i: ['0.0.0.0/0', '::/0', '10.0.0.0/7', '2001:db8::/31', '10.0.0.0/8', '2001:db8::/32'].map((value) => ({ type: 'CIDR', value, tlp: 'GREEN' })),
        },
      ),
    ).submitIndicators;
    expect(res).toMatchObject({ created: 2, rejected: 4 });
    expect(res.results.map((r: { error: { message: string } | null }) => r.error?.message ?? null)).toEqual([
      'input[0].value: CIDR must not be wider than /8 for IPv4 (got /0)',
      'input[1].value: CIDR must not be wider than /32 for IPv6 (got /0)',
      'input[2].value: CIDR must not be wider than /8 for IPv4 (got /7)',
      'input[3].value: CIDR must not be wider than /32 for IPv6 (got /31)',
      null,
      null,
    ]);
  });
});
