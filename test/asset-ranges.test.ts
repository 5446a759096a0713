import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, type Community } from './support/fixtures';
import { ok, rangeCalls, refused, type RangeRow } from './support/ranges';

/**
 * Verified address space. The story runs in order: MOF's 203.113.128.0/24 is
 * approved by VNCERT; NETISP (and NETISP-HCM below it) claim it; MOF hands
 * parts down to MOF-TAX; siblings, strangers and parents are refused where
 * their claims would cross someone else's approved space.
 */

let app: TestApp;
let c: Community;
let calls: ReturnType<typeof rangeCalls>;
const tok = {} as Record<
  'vncertAdmin' | 'vncertAnalyst' | 'mofAdmin' | 'mofReporter' | 'mofViewer' | 'mofTax' | 'customs' | 'netisp' | 'netispViewer' | 'netispHcm' | 'netispHcmViewer' | 'bkavC' | 'bkavAdmin' | 'danang',
  string
>;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  calls = rangeCalls(app);
  const netisp = await createOrg(app, { code: 'NETISP', kind: OrgKind.ISP });
  const netispHcm = await createOrg(app, { code: 'NETISP-HCM', kind: OrgKind.ISP, parent: 'NETISP' });
  const customs = await createOrg(app, { code: 'MOF-CUSTOMS', kind: OrgKind.AGENCY, parent: 'MOF' });
  Object.assign(tok, {
    vncertAdmin: await c.vncert.token([Role.ADMIN], 'vncert-admin'),
    vncertAnalyst: await c.vncert.token([Role.ANALYST]),
    mofAdmin: await c.mof.token([Role.ADMIN], 'mof-admin'),
    mofReporter: await c.mof.token([Role.REPORTER]),
    mofViewer: await c.mof.token([Role.VIEWER]),
    mofTax: await c.mofTax.token([Role.REPORTER]),
    customs: await customs.token([Role.REPORTER]),
    netisp: await netisp.token([Role.ADMIN], 'netisp-admin'),
    netispViewer: await netisp.token([Role.VIEWER]),
    netispHcm: await netispHcm.token([Role.REPORTER]),
    netispHcmViewer: await netispHcm.token([Role.VIEWER]),
    bkavC: await c.bkav.token([Role.CONTRIBUTOR]),
    bkavAdmin: await c.bkav.token([Role.ADMIN]),
    danang: await c.danang.token([Role.ADMIN]),
  });
  ok(await app.gql(tok.vncertAdmin, 'mutation { createSharingGroup(name: "finance-sector", members: ["MOF"]) { name } }'));
  ok(await calls.declare(tok.mofAdmin, ['203.113.128.0/24', '100.64.0.0/16']));
  ok(await calls.review(tok.vncertAdmin, 'MOF', ['203.113.128.0/24'], true));
});
afterAll(() => app?.close());

/** Posts one new indicator as BKAV; returns its id. */
async function post(item: Record<string, unknown>): Promise<string> {
  const res = ok(await app.gql(tok.bkavC, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created results { indicator { id } } } }', { i: [item] }));
  expect(res.submitIndicators.created).toBe(1);
  return res.submitIndicators.results[0].indicator.id;
}

/** Subject ids of the caller's EXPOSURE warnings, and the values its `exposure` lists. */
async function exposureOf(token: string): Promise<{ warned: string[]; exposed: string[] }> {
  const res = ok(
    await app.gql(token, '{ warnings(filter: { kinds: [EXPOSURE] }, first: 500) { edges { node { subjectId } } } exposure(first: 500) { edges { node { observable { value } } } } }'),
  );
  return {
    warned: res.warnings.edges.map((e: { node: { subjectId: string } }) => e.node.subjectId),
    exposed: res.exposure.edges.map((e: { node: { observable: { value: string } } }) => e.node.observable.value),
  };
}

describe('declaring', () => {
  it('refuses 0.0.0.0/0, ::/0 and any block wider than /8 (IPv4) or /32 (IPv6), and stores nothing', async () => {
    const cases: [string[], string][] = [
      [['0.0.0.0/0', '::/0'], 'ranges[0]: CIDR must not be wider than /8 for IPv4 (got /0)'],
      [['198.51.100.0/24', '::/0'], 'ranges[1]: CIDR must not be wider than /32 for IPv6 (got /0)'],
      [['10.0.0.0/7'], 'ranges[0]: CIDR must not be wider than /8 for IPv4 (got /7)'],
      [['2001:db8::/31'], 'ranges[0]: CIDR must not be wider than /32 for IPv6 (got /31)'],
    ];
    for (const [ranges, message] of cases) {
      expect(refused(await calls.declare(tok.netisp, ranges), 'BAD_USER_INPUT').message).toBe(message);
    }
    expect(await calls.statuses(tok.netisp)).toEqual({});
    const widest = ok(await calls.declare(tok.netisp, ['10.0.0.0/8', '2001:db8::/32'])).setAssetRanges;
    expect(widest.map((r) => [r.cidr, r.status])).toEqual([['10.0.0.0/8', 'PENDING'], ['2001:db8::/32', 'PENDING']]);
    ok(await calls.declare(tok.netisp, []));
  });

  it('leaves a declared range PENDING, with no reviewer, until someone vouches for it', async () => {
    const res = ok(await app.gql(tok.mofViewer, '{ assetRanges { cidr status createdBy reviewedBy reviewedAt reason } }'));
    expect(res.assetRanges).toEqual([
      { cidr: '100.64.0.0/16', status: 'PENDING', createdBy: 'MOF/mof-admin', reviewedBy: null, reviewedAt: null, reason: null },
      expect.objectContaining({ cidr: '203.113.128.0/24', status: 'APPROVED', reviewedBy: 'VNCERT/vncert-admin' }),
    ]);
  });
});

describe('a claim on another member\'s address space', () => {
  beforeAll(async () => {
    ok(await calls.declare(tok.netisp, ['203.113.128.0/24']));
    ok(await calls.declare(tok.netispHcm, ['203.113.128.0/25']));
  });

  it('is accepted as a declaration, and stays PENDING', async () => {
    expect(await calls.statuses(tok.netispViewer)).toEqual({ '203.113.128.0/24': 'PENDING' });
    expect(await calls.statuses(tok.netispHcmViewer)).toEqual({ '203.113.128.0/25': 'PENDING' });
  });

  it('tells the claimant (and the organisation above it) nothing about an AMBER IP shared with finance-sector; the approved owner is warned', async () => {
    const id = await post({ type: 'IPV4', value: '203.113.128.45', tlp: 'AMBER', recipients: ['finance-sector'], severity: 'MEDIUM' });
    for (const token of [tok.netispViewer, tok.netispHcmViewer]) {
      const lookup = ok(await app.gql(token, '{ observable(type: IPV4, value: "203.113.128.45") { value } }'));
      expect(lookup.observable).toBeNull();
      expect(await exposureOf(token)).toEqual({ warned: [], exposed: [] });
    }
    const mof = await exposureOf(tok.mofViewer);
    expect(mof.warned).toContain(id);
    expect(mof.exposed).toContain('203.113.128.45');
  });

  it('cannot be approved by the claimant, nor by a coordinator: it overlaps MOF\'s approved range', async () => {
    const self = refused(await calls.review(tok.netisp, 'NETISP', ['203.113.128.0/24'], true), 'FORBIDDEN');
    expect(self.message).toMatch(/only a coordinator organisation's ADMIN, or the ADMIN of an organisation above NETISP/);
    const coordinator = refused(await calls.review(tok.vncertAdmin, 'NETISP', ['203.113.128.0/24'], true), 'CONFLICT');
    expect(coordinator.message).toMatch(/^cidrs\[0\]: 203\.113\.128\.0\/24 overlaps MOF's approved range 203\.113\.128\.0\/24; a range may overlap another organisation's only when one was delegated from the other/);
    refused(await calls.review(tok.vncertAdmin, 'NETISP-HCM', ['203.113.128.0/25'], true), 'CONFLICT');
    expect(await calls.statuses(tok.netispViewer)).toEqual({ '203.113.128.0/24': 'PENDING' });
    expect(await calls.statuses(tok.netispHcmViewer)).toEqual({ '203.113.128.0/25': 'PENDING' });
  });
});

describe('approval by a coordinator', () => {
  it('needs a coordinator organisation\'s ADMIN: not its ANALYST, not another ADMIN, not the owner', async () => {
    expect(refused(await calls.review(tok.vncertAnalyst, 'MOF', ['100.64.0.0/16'], true), 'FORBIDDEN').message).toBe('requires role ADMIN');
    refused(await calls.review(tok.bkavAdmin, 'MOF', ['100.64.0.0/16'], true), 'FORBIDDEN');
    refused(await calls.review(tok.mofAdmin, 'MOF', ['100.64.0.0/16'], true), 'FORBIDDEN');
    expect((await calls.statuses(tok.mofViewer))['100.64.0.0/16']).toBe('PENDING');
  });

  it('approves, recording who and when; the range then raises EXPOSURE warnings and feeds exposure', async () => {
    ok(await calls.declare(tok.danang, ['198.18.0.0/24']));
    const before = Date.now();
    const [row] = ok(await calls.review(tok.vncertAdmin, 'danang', ['198.18.0.0/24'], true, 'Checked against the APNIC allocation')).reviewAssetRanges;
    expect(row).toMatchObject({ cidr: '198.18.0.0/24', status: 'APPROVED', reviewedBy: 'VNCERT/vncert-admin', reason: 'Checked against the APNIC allocation', organization: { code: 'DANANG' } });
    expect(Date.parse(row.reviewedAt!)).toBeGreaterThanOrEqual(before - 5000);
    const id = await post({ type: 'IPV4', value: '198.18.0.9', tlp: 'GREEN', severity: 'MEDIUM' });
    expect(await exposureOf(tok.danang)).toEqual({ warned: [id], exposed: ['198.18.0.9'] });
  });

  it('answers NOT_FOUND for an unknown organisation or a range it did not declare', async () => {
    expect(refused(await calls.review(tok.vncertAdmin, 'NO-SUCH-ORG', ['198.18.0.0/24'], true), 'NOT_FOUND').message).toBe('Organization NO-SUCH-ORG not found');
    expect(refused(await calls.review(tok.vncertAdmin, 'DANANG', ['198.18.1.0/24'], true), 'NOT_FOUND').message).toBe('AssetRange DANANG 198.18.1.0/24 not found');
  });
});

describe('approval by the parent organisation', () => {
  beforeAll(async () => {
    ok(await calls.declare(tok.mofTax, ['203.113.128.0/26', '198.51.100.0/24', '100.64.1.0/24']));
    // DANANG keeps its approved /24 (declared again unchanged) and claims a block inside MOF's space.
    const danang = ok(await calls.declare(tok.danang, ['198.18.0.0/24', '203.113.128.192/26'])).setAssetRanges;
    expect(danang.map((r) => r.status)).toEqual(['APPROVED', 'PENDING']);
  });

  it('MOF\'s ADMIN approves MOF-TAX\'s range inside MOF\'s approved space', async () => {
    const [row] = ok(await calls.review(tok.mofAdmin, 'MOF-TAX', ['203.113.128.0/26'], true)).reviewAssetRanges;
    expect(row).toMatchObject({ cidr: '203.113.128.0/26', status: 'APPROVED', reviewedBy: 'MOF/mof-admin' });
  });

  it('but not one outside it, nor one inside MOF\'s own PENDING range, nor another organisation\'s, nor below ADMIN', async () => {
    const outside = refused(await calls.review(tok.mofAdmin, 'MOF-TAX', ['198.51.100.0/24'], true), 'FORBIDDEN');
    expect(outside.message).toMatch(/or the ADMIN of an organisation above MOF-TAX for a range inside its own approved ranges/);
    refused(await calls.review(tok.mofAdmin, 'MOF-TAX', ['100.64.1.0/24'], true), 'FORBIDDEN');
    refused(await calls.review(tok.mofAdmin, 'DANANG', ['203.113.128.192/26'], true), 'FORBIDDEN');
    refused(await calls.review(tok.mofReporter, 'MOF-TAX', ['100.64.1.0/24'], true), 'FORBIDDEN');
    // All or nothing: one range outside refuses the call.
    refused(await calls.review(tok.mofAdmin, 'MOF-TAX', ['203.113.128.0/26', '198.51.100.0/24'], false, 'no'), 'FORBIDDEN');
    const mofTax = await calls.statuses(tok.mofTax);
    expect(mofTax).toEqual({ '100.64.1.0/24': 'PENDING', '198.51.100.0/24': 'PENDING', '203.113.128.0/26': 'APPROVED' });
  });
});

describe('overlapping approved space', () => {
  it('refuses another member\'s block inside an approved range, naming it', async () => {
    const res = refused(await calls.review(tok.vncertAdmin, 'DANANG', ['203.113.128.192/26'], true), 'CONFLICT');
    expect(res.message).toMatch(/^cidrs\[0\]: 203\.113\.128\.192\/26 overlaps MOF's approved range 203\.113\.128\.0\/24/);
  });

  it('approves a delegation in either order: the child\'s block first, then the parent\'s around it', async () => {
    ok(await calls.review(tok.vncertAdmin, 'MOF-TAX', ['100.64.1.0/24'], true));
    const [mof] = ok(await calls.review(tok.vncertAdmin, 'MOF', ['100.64.0.0/16'], true)).reviewAssetRanges;
    expect(mof.status).toBe('APPROVED');
  });

  it('refuses a sibling part of a delegated block, though it lies inside the common parent\'s', async () => {
    ok(await calls.declare(tok.customs, ['100.64.1.128/25']));
    const res = refused(await calls.review(tok.vncertAdmin, 'MOF-CUSTOMS', ['100.64.1.128/25'], true), 'CONFLICT');
    expect(res.message).toMatch(/overlaps MOF-TAX's approved range 100\.64\.1\.0\/24/);
  });

  it('refuses a parent\'s block that cuts across a child\'s instead of containing it', async () => {
    ok(await calls.review(tok.vncertAdmin, 'MOF-TAX', ['198.51.100.0/24'], true));
    ok(await calls.declare(tok.mofAdmin, ['203.113.128.0/24', '100.64.0.0/16', '198.51.100.128/25']));
    const res = refused(await calls.review(tok.vncertAdmin, 'MOF', ['198.51.100.128/25'], true), 'CONFLICT');
    expect(res.message).toMatch(/overlaps MOF-TAX's approved range 198\.51\.100\.0\/24/);
    ok(await calls.declare(tok.mofAdmin, ['203.113.128.0/24', '100.64.0.0/16']));
  });
});

describe('rejection', () => {
  it('needs a reason, which the owner reads', async () => {
    const missing = refused(await calls.review(tok.vncertAdmin, 'NETISP', ['203.113.128.0/24'], false), 'BAD_USER_INPUT');
    expect(missing).toMatchObject({ message: 'reason: is required to reject a range (the owner reads it)', extensions: { field: 'reason' } });
    ok(await calls.review(tok.vncertAdmin, 'NETISP', ['203.113.128.0/24'], false, 'Not in NETISP\'s allocation'));
    const mine = ok(await app.gql(tok.netispViewer, '{ assetRanges { cidr status reviewedBy reason } }')).assetRanges;
    expect(mine).toEqual([{ cidr: '203.113.128.0/24', status: 'REJECTED', reviewedBy: 'VNCERT/vncert-admin', reason: 'Not in NETISP\'s allocation' }]);
  });

  it('stays REJECTED when declared again unchanged; dropped and declared again, it is PENDING', async () => {
    expect(ok(await calls.declare(tok.netisp, ['203.113.128.0/24'])).setAssetRanges[0].status).toBe('REJECTED');
    ok(await calls.declare(tok.netisp, []));
    const again = ok(await calls.declare(tok.netisp, ['203.113.128.0/24'])).setAssetRanges[0];
    expect(again).toMatchObject({ status: 'PENDING', reviewedBy: null, reason: null });
  });

  it('withdraws an approval: the range stops counting at once', async () => {
    ok(await calls.review(tok.vncertAdmin, 'DANANG', ['198.18.0.0/24'], false, 'Allocation returned to the registry'));
    await post({ type: 'IPV4', value: '198.18.0.10', tlp: 'GREEN', severity: 'MEDIUM' });
    const after = await exposureOf(tok.danang);
    expect(after.exposed).toEqual([]);
    expect(after.warned).toHaveLength(1); // the warning raised while it was approved stays in the log
  });
});

describe('the pending list', () => {
  beforeAll(async () => {
    // MOF-TAX keeps its approved blocks and adds one inside MOF's space and one outside it.
    ok(await calls.declare(tok.mofTax, ['203.113.128.0/26', '198.51.100.0/24', '100.64.1.0/24', '203.113.128.64/26', '192.0.2.0/24']));
  });
  const PENDING = '{ pendingAssetRanges(first: 500) { totalCount edges { cursor node { cidr status organization { code } } } } }';
  const listOf = async (token: string) => {
    const conn = ok(await app.gql(token, PENDING)).pendingAssetRanges;
    expect(conn.totalCount).toBe(conn.edges.length);
    return conn.edges.map((e: { node: RangeRow }) => `${e.node.organization.code} ${e.node.cidr}`);
  };

  it('shows a coordinator\'s ADMIN every pending range, newest first', async () => {
    const rows: { code: string; cidr: string }[] = await app.db.query(
      `SELECT o.code, a.cidr::text AS cidr FROM asset_ranges a JOIN organizations o ON o.id = a.organization_id WHERE a.status = 'PENDING' ORDER BY a.seq DESC`,
    );
    expect(await listOf(tok.vncertAdmin)).toEqual(rows.map((r) => `${r.code} ${r.cidr}`));
    expect(rows.length).toBeGreaterThanOrEqual(5);
  });

  it('shows a parent\'s ADMIN only its descendants\' pending ranges inside its approved space', async () => {
    expect(await listOf(tok.mofAdmin)).toEqual(['MOF-TAX 203.113.128.64/26', 'MOF-CUSTOMS 100.64.1.128/25']);
  });

  it('shows an ADMIN with nobody below it nothing, and refuses anyone below ADMIN', async () => {
    expect(await listOf(tok.bkavAdmin)).toEqual([]);
    refused(await app.gql(tok.mofViewer, PENDING), 'FORBIDDEN');
  });

  it('pages with cursors', async () => {
    const all = await listOf(tok.vncertAdmin);
    const first = ok(await app.gql(tok.vncertAdmin, '{ pendingAssetRanges(first: 1) { pageInfo { hasNextPage endCursor } edges { node { cidr organization { code } } } } }'));
    const page = first.pendingAssetRanges;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = ok(await app.gql(tok.vncertAdmin, 'query($a: String) { pendingAssetRanges(first: 1, after: $a) { edges { node { cidr organization { code } } } } }', { a: page.pageInfo.endCursor }));
    const name = (conn: { edges: { node: RangeRow }[] }) => conn.edges.map((e) => `${e.node.organization.code} ${e.node.cidr}`);
    expect([...name(page), ...name(next.pendingAssetRanges)]).toEqual(all.slice(0, 2));
  });
});

describe('declaring again', () => {
  it('keeps the approval of a range declared unchanged, and gives none to a changed one', async () => {
    const before = ok(await app.gql(tok.mofViewer, '{ assetRanges { cidr status reviewedBy reviewedAt } }')).assetRanges;
    const kept = before.find((r: RangeRow) => r.cidr === '203.113.128.0/24');
    const after = ok(await calls.declare(tok.mofAdmin, ['203.113.128.0/24', '100.64.0.0/15'])).setAssetRanges;
    expect(after.map((r) => [r.cidr, r.status])).toEqual([['100.64.0.0/15', 'PENDING'], ['203.113.128.0/24', 'APPROVED']]);
    expect(after[1]).toMatchObject({ reviewedBy: kept.reviewedBy, reviewedAt: kept.reviewedAt });
  });
});

describe('the audit log', () => {
  const rows = (action: string, outcome: string) =>
    app.db.query(
      `SELECT organization_code AS org, subject, target_type AS "targetType", target_id AS "targetId", detail FROM audit_events
        WHERE action = $1 AND outcome = $2 ORDER BY at`,
      [action, outcome],
    );

  it('records every decision: who, on whose ranges, from which status to which, and why', async () => {
    const decisions = await rows('assetRange.review', 'OK');
    expect(decisions).toContainEqual({
      org: 'VNCERT', subject: 'vncert-admin', targetType: 'Organization', targetId: 'DANANG',
      detail: { decision: 'APPROVED', reason: 'Checked against the APNIC allocation', ranges: [{ cidr: '198.18.0.0/24', from: 'PENDING' }] },
    });
    expect(decisions).toContainEqual({
      org: 'MOF', subject: 'mof-admin', targetType: 'Organization', targetId: 'MOF-TAX',
      detail: { decision: 'APPROVED', reason: null, ranges: [{ cidr: '203.113.128.0/26', from: 'PENDING' }] },
    });
    expect(decisions).toContainEqual(
      expect.objectContaining({ targetId: 'DANANG', detail: { decision: 'REJECTED', reason: 'Allocation returned to the registry', ranges: [{ cidr: '198.18.0.0/24', from: 'APPROVED' }] } }),
    );
  });

  it('records every refused attempt with its reason, and every declaration', async () => {
    const denied = await rows('assetRange.review', 'DENIED');
    expect(denied).toContainEqual(expect.objectContaining({ org: 'MOF', targetType: 'AssetRange', targetId: 'MOF-TAX 198.51.100.0/24' }));
    expect(denied).toContainEqual(expect.objectContaining({ org: 'NETISP', targetId: 'NETISP 203.113.128.0/24' }));
    expect(denied.every((r: { detail: { reason: string } }) => typeof r.detail.reason === 'string')).toBe(true);
    const declared = await rows('assetRange.set', 'OK');
    expect(declared).toContainEqual(
      expect.objectContaining({ org: 'NETISP-HCM', targetId: 'NETISP-HCM', detail: { ranges: ['203.113.128.0/25'], added: ['203.113.128.0/25'], removed: [] } }),
    );
  });
});
