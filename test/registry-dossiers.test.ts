import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, type Community, type OrgFixture } from './support/fixtures';
import { approvedRanges, failure, ok, registerSystem, REVIEW, REVISE, reviewDossier, SUBMIT, submitDossier, SYSTEM, UPDATE_SYSTEM } from './support/registry';

/**
 * The dossier workflow end to end over HTTP: systems and their ranges, the
 * competent reviewer, submit / return / revise / approve, history, audit,
 * DOSSIER_UPDATED warnings to exactly the owner and the reviewer,
 * attachments within their limits, and an approval that lapses.
 */
let app: TestApp;
let c: Community;
let customs: OrgFixture;
const t: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  customs = await createOrg(app, { code: 'MOF-CUSTOMS', kind: OrgKind.AGENCY, parent: 'MOF' });
  t.taxReporter = await c.mofTax.token([Role.REPORTER], 'tax.it');
  t.taxViewer = await c.mofTax.token([Role.VIEWER]);
  t.taxAdmin = await c.mofTax.token([Role.ADMIN], 'tax.admin');
  t.mofReporter = await c.mof.token([Role.REPORTER]);
  t.mofAnalyst = await c.mof.token([Role.ANALYST], 'mof.reviewer');
  t.vncertAnalyst = await c.vncert.token([Role.ANALYST], 'vncert.reviewer');
  t.customsAdmin = await customs.token([Role.ADMIN]);
  t.danangReporter = await c.danang.token([Role.REPORTER], 'danang.it');
  for (const [code, f] of Object.entries({ VNCERT: c.vncert, MOF: c.mof, 'MOF-TAX': c.mofTax, 'MOF-CUSTOMS': customs, DANANG: c.danang, BKAV: c.bkav })) {
    t[`view:${code}`] = await f.token([Role.VIEWER]);
  }
  t.vncertAdmin = await c.vncert.token([Role.ADMIN]);
  await approvedRanges(app, t.taxReporter, t.vncertAdmin, 'MOF-TAX', ['10.20.0.0/16', '2001:db8:20::/48']);
});
afterAll(() => app?.close());

describe('information systems', () => {
  it('are registered by the owner\'s REPORTER, with ranges inside its asset ranges, and start not submitted', async () => {
    const sys = await registerSystem(app, t.taxReporter, { name: 'e-Tax portal', purpose: 'Online tax filing', proposedLevel: 3, ranges: ['10.20.1.0/24', '10.20.9.9'] });
    expect(sys).toMatchObject({
      name: 'e-Tax portal',
      proposedLevel: 3,
      approvedLevel: null,
      status: 'NOT_SUBMITTED',
      requiredLevel: 3,
      lifecycle: 'IN_OPERATION',
      owner: { code: 'MOF-TAX' },
      competentReviewer: { code: 'MOF' },
      ranges: [
        { cidr: '10.20.1.0/24', covered: true },
        { cidr: '10.20.9.9/32', covered: true },
      ],
    });
  });

  it('refuse a range outside the owner\'s asset ranges, a bad level, a duplicate name and a VIEWER', async () => {
    const outside = failure(await app.gql(t.taxReporter, `mutation { registerInformationSystem(input: { name: "x", proposedLevel: 2, ranges: ["10.20.0.1", "10.99.0.0/24"] }) { id } }`), 'registerInformationSystem');
    expect(outside).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(outside.message).toMatch(/^input\.ranges\[1\]: must lie within one of the owner organisation's asset ranges/);
    const level = failure(await app.gql(t.taxReporter, `mutation { registerInformationSystem(input: { name: "x", proposedLevel: 6 }) { id } }`), 'registerInformationSystem');
    expect(level.message).toBe('input.proposedLevel: must be an integer from 1 to 5');
    const dup = failure(await app.gql(t.taxReporter, `mutation { registerInformationSystem(input: { name: "e-Tax portal", proposedLevel: 2 }) { id } }`), 'registerInformationSystem');
    expect(dup.extensions?.code).toBe('CONFLICT');
    const viewer = failure(await app.gql(t.taxViewer, `mutation { registerInformationSystem(input: { name: "y", proposedLevel: 2 }) { id } }`), 'registerInformationSystem');
    expect(viewer.extensions?.code).toBe('FORBIDDEN');
  });

  it('may use only approved asset ranges: a range still PENDING is a claim, not the owner\'s space', async () => {
    ok(await app.gql(t.danangReporter, 'mutation { setAssetRanges(ranges: ["100.64.7.0/24"]) { cidr } }'), 'setAssetRanges');
    const pending = failure(
      await app.gql(t.danangReporter, `mutation { registerInformationSystem(input: { name: "Pending-range portal", proposedLevel: 2, ranges: ["100.64.7.10"] }) { id } }`),
      'registerInformationSystem',
    );
    expect(pending.message).toMatch(/^input\.ranges\[0\]: must lie within one of the owner organisation's asset ranges/);
    await approvedRanges(app, t.danangReporter, t.vncertAdmin, 'DANANG', ['100.64.7.0/24']);
    const sys = await registerSystem(app, t.danangReporter, { name: 'Pending-range portal', proposedLevel: 2, ranges: ['100.64.7.10'] });
    expect(sys.ranges).toEqual([{ cidr: '100.64.7.10/32', covered: true }]);
  });

  it('are changed by their owner only: the parent is refused, a sibling finds nothing', async () => {
    const sys = await registerSystem(app, t.taxReporter, { name: 'Payroll', proposedLevel: 1 });
    const changed = ok(await app.gql(t.taxReporter, UPDATE_SYSTEM, { id: sys.id, input: { purpose: 'Salaries', proposedLevel: 2 } }), 'updateInformationSystem');
    expect(changed).toMatchObject({ purpose: 'Salaries', proposedLevel: 2, requiredLevel: 2 });
    expect(failure(await app.gql(t.mofReporter, UPDATE_SYSTEM, { id: sys.id, input: { purpose: 'x' } }), 'updateInformationSystem').extensions?.code).toBe('FORBIDDEN');
    const sibling = failure(await app.gql(t.customsAdmin, UPDATE_SYSTEM, { id: sys.id, input: { purpose: 'x' } }), 'updateInformationSystem');
    const random = failure(await app.gql(t.customsAdmin, UPDATE_SYSTEM, { id: randomUUID(), input: { purpose: 'x' } }), 'updateInformationSystem');
    expect(sibling.extensions?.code).toBe('NOT_FOUND');
    expect(sibling.message.replace(sys.id, 'ID')).toBe(random.message.replace(/[0-9a-f-]{36}/, 'ID'));
  });

  it('show when a range is no longer covered by the owner\'s asset ranges', async () => {
    const sys = await registerSystem(app, t.taxReporter, { name: 'Archive', ranges: ['2001:db8:20:5::/64'] });
    expect(sys.ranges).toEqual([{ cidr: '2001:db8:20:5::/64', covered: true }]);
    ok(await app.gql(t.taxReporter, 'mutation { setAssetRanges(ranges: ["10.20.0.0/16"]) { cidr } }'), 'setAssetRanges');
    expect(ok(await app.gql(t.taxViewer, SYSTEM, { id: sys.id }), 'informationSystem').ranges).toEqual([{ cidr: '2001:db8:20:5::/64', covered: false }]);
    await approvedRanges(app, t.taxReporter, t.vncertAdmin, 'MOF-TAX', ['10.20.0.0/16', '2001:db8:20::/48']);
  });
});

describe('a department\'s dossier: submitted, returned, revised, approved by the parent', () => {
  let sysId: string;
  let dossierId: string;

  beforeAll(async () => {
    sysId = (await registerSystem(app, t.taxReporter, { name: 'Customs link', proposedLevel: 2 })).id;
  });

  it('is submitted by the owner with its measures and attachments; the system waits for review at the proposed level', async () => {
    const d = await submitDossier(app, t.taxReporter, sysId, {
      proposedLevel: 3,
      description: 'Level 3: interconnects with customs',
      measures: ['firewall', 'IDS', 'central logging'],
      attachments: [
        { name: 'plan.txt', text: 'Security plan\nv1' },
        { name: 'diagram.png', mediaType: 'image/png', contentBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') },
      ],
    });
    dossierId = d.id;
    expect(d).toMatchObject({ version: 1, proposedLevel: 3, status: 'SUBMITTED', owner: { code: 'MOF-TAX' }, reviewer: null, submittedBy: 'MOF-TAX/tax.it' });
    expect(d.history).toEqual([
      expect.objectContaining({ kind: 'SUBMITTED', version: 1, proposedLevel: 3, measures: ['firewall', 'IDS', 'central logging'], actorOrganization: { code: 'MOF-TAX' } }),
    ]);
    expect(d.attachments.map((a: any) => [a.name, a.mediaType, a.size])).toEqual([
      ['plan.txt', 'text/plain; charset=utf-8', 16],
      ['diagram.png', 'image/png', 4],
    ]);
    const sys = ok(await app.gql(t.taxViewer, SYSTEM, { id: sysId }), 'informationSystem');
    expect(sys).toMatchObject({ status: 'PENDING', proposedLevel: 3, requiredLevel: 3 });
    const content = ok(await app.gql(t.mofAnalyst, `query($id: ID!) { dossier(id: $id) { attachments { text contentBase64 } } }`, { id: dossierId }), 'dossier');
    expect(content.attachments).toEqual([
      { text: 'Security plan\nv1', contentBase64: Buffer.from('Security plan\nv1').toString('base64') },
      { text: null, contentBase64: 'iVBORw==' },
    ]);
  });

  it('cannot be submitted twice, nor its level changed while it is open', async () => {
    expect(failure(await app.gql(t.taxReporter, SUBMIT, { input: { systemId: sysId, proposedLevel: 3, description: 'again' } }), 'submitDossier').extensions?.code).toBe('CONFLICT');
    expect(failure(await app.gql(t.taxReporter, UPDATE_SYSTEM, { id: sysId, input: { proposedLevel: 4 } }), 'updateInformationSystem').extensions?.code).toBe('CONFLICT');
  });

  it('is reviewed by the parent\'s ANALYST only: not the owner, not a REPORTER, not a coordinator, not a sibling', async () => {
    const own = failure(await app.gql(t.taxAdmin, REVIEW, { id: dossierId, approve: true }), 'reviewDossier');
    expect(own).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: 'an organisation may not review or inspect its own information systems' });
    expect(failure(await app.gql(t.mofReporter, REVIEW, { id: dossierId, approve: true }), 'reviewDossier').message).toBe('requires role ANALYST');
    const coordinator = failure(await app.gql(t.vncertAnalyst, REVIEW, { id: dossierId, approve: true }), 'reviewDossier');
    expect(coordinator.message).toBe("only the owner's parent organisation's ANALYST may review or inspect this system");
    expect(failure(await app.gql(t.customsAdmin, REVIEW, { id: dossierId, approve: true }), 'reviewDossier').extensions?.code).toBe('NOT_FOUND');
    const denied = await app.db.query(`SELECT organization_code, action FROM audit_events WHERE target_id = $1 AND outcome = 'DENIED' ORDER BY at`, [dossierId]);
    expect(denied).toEqual([
      { organization_code: 'MOF-TAX', action: 'dossier.review' },
      { organization_code: 'VNCERT', action: 'dossier.review' },
    ]);
  });

  it('is returned with comments (comments required), then revised by the owner as version 2', async () => {
    const bare = failure(await app.gql(t.mofAnalyst, REVIEW, { id: dossierId, approve: false }), 'reviewDossier');
    expect(bare.message).toBe('comments: must say what to change when a dossier is returned');
    const returned = await reviewDossier(app, t.mofAnalyst, dossierId, false, { comments: 'Add the backup procedure' });
    expect(returned).toMatchObject({ status: 'RETURNED', reviewComments: 'Add the backup procedure', reviewer: { code: 'MOF' } });
    expect(ok(await app.gql(t.taxViewer, SYSTEM, { id: sysId }), 'informationSystem').status).toBe('RETURNED');
    expect(failure(await app.gql(t.mofAnalyst, REVIEW, { id: dossierId, approve: true }), 'reviewDossier').extensions?.code).toBe('CONFLICT');

    const revised = ok(
      await app.gql(t.taxReporter, REVISE, { id: dossierId, input: { measures: ['firewall', 'IDS', 'central logging', 'daily backups'], attachments: [{ name: 'backup.txt', text: 'nightly' }] } }),
      'reviseDossier',
    );
    expect(revised).toMatchObject({ version: 2, status: 'SUBMITTED', proposedLevel: 3, reviewComments: null });
    expect(revised.history.map((h: any) => [h.kind, h.version, h.actorOrganization.code])).toEqual([
      ['SUBMITTED', 1, 'MOF-TAX'],
      ['RETURNED', 1, 'MOF'],
      ['REVISED', 2, 'MOF-TAX'],
    ]);
    expect(revised.history[1].comments).toBe('Add the backup procedure');
    expect(revised.history[2].measures).toContain('daily backups');
    expect(revised.attachments.map((a: any) => [a.name, a.version])).toEqual([
      ['plan.txt', 1],
      ['diagram.png', 1],
      ['backup.txt', 2],
    ]);
    expect(failure(await app.gql(t.taxReporter, REVISE, { id: dossierId, input: { description: 'x' } }), 'reviseDossier').extensions?.code).toBe('CONFLICT');
  });

  it('is approved for a year by default: the system is approved at the proposed level', async () => {
    const before = Date.now();
    const approved = await reviewDossier(app, t.mofAnalyst, dossierId, true);
    expect(approved.status).toBe('APPROVED');
    const until = new Date(approved.validUntil).getTime();
    expect(until - before).toBeGreaterThanOrEqual(365 * 86_400_000 - 5_000);
    expect(until - before).toBeLessThan(366 * 86_400_000);
    const sys = ok(await app.gql(t.taxViewer, SYSTEM, { id: sysId }), 'informationSystem');
    expect(sys).toMatchObject({ status: 'APPROVED', approvedLevel: 3, proposedLevel: 3, requiredLevel: 3 });
    expect(approved.history.map((h: any) => h.kind)).toEqual(['SUBMITTED', 'RETURNED', 'REVISED', 'APPROVED']);
  });

  it('audits every step', async () => {
    const rows = await app.db.query(`SELECT organization_code, action FROM audit_events WHERE target_id = $1 AND outcome = 'OK' ORDER BY at`, [dossierId]);
    expect(rows.map((r: any) => `${r.organization_code} ${r.action}`)).toEqual([
      'MOF-TAX dossier.submit',
      'MOF dossier.review',
      'MOF-TAX dossier.revise',
      'MOF dossier.review',
    ]);
  });

  it('warns the owner and the parent reviewer of each step, and no one else', async () => {
    const kinds = async (token: string) => {
      const res = ok(await app.gql(token, `{ warnings(filter: { kinds: [DOSSIER_UPDATED] }, first: 100) { edges { node { subjectId title subjectType } } } }`), 'warnings');
      return res.edges.map((e: any) => e.node).filter((n: any) => n.subjectId === dossierId).map((n: any) => n.title.split(':')[0]);
    };
    const steps = ['Dossier approved', 'Dossier resubmitted', 'Dossier returned', 'Dossier submitted'];
    expect(await kinds(t['view:MOF-TAX'])).toEqual(steps);
    expect(await kinds(t['view:MOF'])).toEqual(steps);
    for (const other of ['VNCERT', 'MOF-CUSTOMS', 'DANANG', 'BKAV']) expect(await kinds(t[`view:${other}`]), other).toEqual([]);
  });
});

describe('an organisation without a parent', () => {
  it('is reviewed by a coordinator\'s ANALYST, who alone (with the owner) is warned', async () => {
    const sys = await registerSystem(app, t.danangReporter, { name: 'Da Nang e-Government', proposedLevel: 3 });
    expect(sys.competentReviewer).toBeNull();
    const d = await submitDossier(app, t.danangReporter, sys.id, { proposedLevel: 3 });
    expect(failure(await app.gql(t.mofAnalyst, REVIEW, { id: d.id, approve: true }), 'reviewDossier').extensions?.code).toBe('NOT_FOUND');
    const approved = await reviewDossier(app, t.vncertAnalyst, d.id, true, { validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    expect(approved).toMatchObject({ status: 'APPROVED', reviewer: { code: 'VNCERT' } });
    const seen = async (token: string) =>
      ok(await app.gql(token, `{ warnings(filter: { subjectTypes: ["SafetyDossier"] }, first: 100) { edges { node { subjectId } } } }`), 'warnings').edges.filter(
        (e: any) => e.node.subjectId === d.id,
      ).length;
    expect(await seen(t['view:DANANG'])).toBe(2);
    expect(await seen(t['view:VNCERT'])).toBe(2);
    expect(await seen(t['view:MOF'])).toBe(0);
  });

  it('refuses a validity in the past or more than five years ahead', async () => {
    const sys = await registerSystem(app, t.danangReporter, { name: 'Da Nang portal', proposedLevel: 2 });
    const d = await submitDossier(app, t.danangReporter, sys.id);
    const past = failure(await app.gql(t.vncertAnalyst, REVIEW, { id: d.id, approve: true, validUntil: new Date(Date.now() - 1000).toISOString() }), 'reviewDossier');
    expect(past.message).toBe('validUntil: must be in the future');
    const far = failure(await app.gql(t.vncertAnalyst, REVIEW, { id: d.id, approve: true, validUntil: new Date(Date.now() + 6 * 366 * 86_400_000).toISOString() }), 'reviewDossier');
    expect(far.message).toBe('validUntil: must be at most five years ahead');
  });
});

describe('an approval that lapses', () => {
  it('returns the system to not approved at read time, in the system, its dossier, lists and statistics', async () => {
    const sys = await registerSystem(app, t.taxReporter, { name: 'Old registry', proposedLevel: 2 });
    const d = await submitDossier(app, t.taxReporter, sys.id);
    await reviewDossier(app, t.mofAnalyst, d.id, true);
    const statsOf = async () =>
      ok(await app.gql(t['view:MOF-TAX'], '{ statistics { total { systems { total approved byStatus { status count } } } } }'), 'statistics').total.systems;
    const before = await statsOf();
    // Time passes: the validity is moved into the past (nothing else changes).
    await app.db.query(`UPDATE information_systems SET approved_until = now() - interval '1 day' WHERE id = $1`, [sys.id]);
    await app.db.query(`UPDATE safety_dossiers SET valid_until = now() - interval '1 day' WHERE id = $1`, [d.id]);
    const after = ok(await app.gql(t.taxViewer, SYSTEM, { id: sys.id }), 'informationSystem');
    expect(after).toMatchObject({ status: 'EXPIRED', approvedLevel: null });
    const dossier = ok(await app.gql(t.taxViewer, `query($id: ID!) { dossier(id: $id) { status } }`, { id: d.id }), 'dossier');
    expect(dossier.status).toBe('EXPIRED');
    const expired = ok(await app.gql(t.taxViewer, `{ informationSystems(filter: { statuses: [EXPIRED] }) { edges { node { id } } } }`), 'informationSystems');
    expect(expired.edges.map((e: any) => e.node.id)).toEqual([sys.id]);
    const now = await statsOf();
    expect(now.approved).toBe(before.approved - 1);
    expect(now.byStatus.find((s: any) => s.status === 'EXPIRED').count).toBe(1);
  });

  it('of a higher level than the one now proposed leaves only the proposed level\'s requirements, in lists and statistics alike', async () => {
    const sys = await registerSystem(app, t.taxReporter, { name: 'Downgraded', proposedLevel: 3 });
    const d = await submitDossier(app, t.taxReporter, sys.id, { proposedLevel: 3 });
    await reviewDossier(app, t.mofAnalyst, d.id, true);
    // The owner proposes level 1 from now on; the level-3 approval still binds it while valid.
    ok(await app.gql(t.taxReporter, UPDATE_SYSTEM, { id: sys.id, input: { proposedLevel: 1 } }), 'updateInformationSystem');
    const counted = async () => {
      const r = ok(
        await app.gql(t.taxViewer, `query($id: ID!) { informationSystem(id: $id) { requiredLevel unmetRequirements { requirement { code } } }
          statistics { total { requirements { unmet } } } unmetRequirements(first: 500) { totalCount } }`, { id: sys.id }),
        'informationSystem',
      );
      const all = (await app.gql(t.taxViewer, '{ statistics { total { requirements { unmet } } } unmetRequirements(first: 500) { totalCount } }')).body.data!;
      expect(all.statistics.total.requirements.unmet).toBe(all.unmetRequirements.totalCount);
      return { required: r.requiredLevel, unmet: r.unmetRequirements.length };
    };
    expect(await counted()).toEqual({ required: 3, unmet: 13 });
    await app.db.query(`UPDATE information_systems SET approved_until = now() - interval '1 day' WHERE id = $1`, [sys.id]);
    expect(await counted()).toEqual({ required: 1, unmet: 5 });
  });
});

describe('attachments', () => {
  let dossierId: string;
  beforeAll(async () => {
    const sys = await registerSystem(app, t.taxReporter, { name: 'Documents', proposedLevel: 1 });
    dossierId = (await submitDossier(app, t.taxReporter, sys.id, { proposedLevel: 1 })).id;
  });

  it('refuse bad base64, both text and content, a path as a name and a bad media type', async () => {
    const attach = (a: Record<string, unknown>) =>
      app.gql(t.taxReporter, `mutation($id: ID!, $a: [AttachmentInput!]!) { attachToDossier(id: $id, attachments: $a) { id } }`, { id: dossierId, a: [a] });
    expect(failure(await attach({ name: 'a.bin', contentBase64: 'not base64!' }), 'attachToDossier').message).toBe('attachments[0].contentBase64: must be standard base64 with padding');
    expect(failure(await attach({ name: 'a.txt', text: 'x', contentBase64: 'eA==' }), 'attachToDossier').message).toBe('attachments[0]: must give exactly one of text and contentBase64');
    expect(failure(await attach({ name: '../etc/passwd', text: 'x' }), 'attachToDossier').message).toMatch(/^attachments\[0\]\.name: must be a file name/);
    expect(failure(await attach({ name: 'a', text: 'x', mediaType: 'not a type' }), 'attachToDossier').message).toMatch(/^attachments\[0\]\.mediaType: /);
  });

  it('grow in parts up to 4 MiB a file and 8 MiB a dossier, with the checksum of the whole', async () => {
    const part = Buffer.alloc(700 * 1024, 7);
    const added = ok(
      await app.gql(t.taxReporter, `mutation($id: ID!, $a: [AttachmentInput!]!) { attachToDossier(id: $id, attachments: $a) { attachments { id name size } } }`, {
        id: dossierId,
        a: [{ name: 'big.bin', contentBase64: part.toString('base64') }],
      }),
      'attachToDossier',
    );
    const big = added.attachments.find((a: any) => a.name === 'big.bin');
    const APPEND = `mutation($id: ID!, $c: String!) { appendDossierAttachment(attachmentId: $id, contentBase64: $c) { size sha256 } }`;
    let last: any;
    for (let i = 1; i < 5; i++) last = ok(await app.gql(t.taxReporter, APPEND, { id: big.id, c: part.toString('base64') }), 'appendDossierAttachment');
    const whole = Buffer.concat(Array.from({ length: 5 }, () => part));
    expect(last).toEqual({ size: whole.length, sha256: (await import('node:crypto')).createHash('sha256').update(whole).digest('hex') });
    const tooBig = failure(await app.gql(t.taxReporter, APPEND, { id: big.id, c: part.toString('base64') }), 'appendDossierAttachment');
    expect(tooBig.message).toBe(`contentBase64: a file may be at most ${4 * 1024 * 1024} bytes (it has ${whole.length})`);
    // Another reader may read but not append; a sibling does not see the attachment at all.
    expect(failure(await app.gql(t.mofAnalyst, APPEND, { id: big.id, c: 'eA==' }), 'appendDossierAttachment').extensions?.code).toBe('FORBIDDEN');
    expect(failure(await app.gql(t.customsAdmin, APPEND, { id: big.id, c: 'eA==' }), 'appendDossierAttachment').extensions?.code).toBe('NOT_FOUND');
  });

  it('are limited per dossier', async () => {
    const part = Buffer.alloc(700 * 1024, 1).toString('base64');
    let err: any;
    for (let i = 0; i < 12 && !err; i++) {
      const res = await app.gql(t.taxReporter, `mutation($id: ID!, $a: [AttachmentInput!]!) { attachToDossier(id: $id, attachments: $a) { id } }`, {
        id: dossierId,
        a: [{ name: `f${i}.bin`, contentBase64: part }],
      });
      if (res.body.errors) err = res.body.errors[0];
    }
    expect(err?.message).toMatch(/^attachments: a dossier holds at most 8388608 bytes of attachments/);
  });
});
