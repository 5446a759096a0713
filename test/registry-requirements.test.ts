import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, type Community, type OrgFixture } from './support/fixtures';
import { failure, ok, RECORD, registerSystem, requirementIds, reviewDossier, submitDossier, UPDATE_SYSTEM } from './support/registry';

/**
 * The requirement catalogue (cumulative levels), each system's checklist
 * (the owner fills it, the competent reviewer checks it), unmet requirements
 * per system, organisation and subtree, and inspections whose findings
 * change the checklist.
 */
let app: TestApp;
let c: Community;
let customs: OrgFixture;
const t: Record<string, string> = {};
let req: Record<string, string>;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  customs = await createOrg(app, { code: 'MOF-CUSTOMS', kind: OrgKind.AGENCY, parent: 'MOF' });
  t.tax = await c.mofTax.token([Role.REPORTER], 'tax.it');
  t.mofReporter = await c.mof.token([Role.REPORTER]);
  t.mofAnalyst = await c.mof.token([Role.ANALYST], 'mof.reviewer');
  t.mof = await c.mof.token([Role.REPORTER], 'mof.it');
  t.vncert = await c.vncert.token([Role.ANALYST], 'vncert.analyst');
  t.customs = await customs.token([Role.ADMIN]);
  req = await requirementIds(app, t.tax);
});
afterAll(() => app?.close());

const CHECKLIST = `query($id: ID!) { informationSystem(id: $id) { requiredLevel checklist { met evidence source assessedBy assessedByOrganization { code } requirement { code level } } unmetRequirements { requirement { code } } } }`;
const checklist = async (token: string, id: string) => ok(await app.gql(token, CHECKLIST, { id }), 'informationSystem');
const UNMET = `query($o: String, $d: Boolean, $first: Int, $after: String) {
  unmetRequirements(organization: $o, includeDescendants: $d, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { met system { id owner { code } } requirement { code } } }
  }
}`;

describe('the catalogue', () => {
  it('is seeded with 20 requirements over levels 1 to 5, and levels are cumulative', async () => {
    const all = ok<any[]>(await app.gql(t.tax, '{ requirements { code level category legalBasis active } }'), 'requirements');
    expect(all).toHaveLength(20);
    expect(all.every((r) => r.active && ['MANAGEMENT', 'TECHNICAL'].includes(r.category) && r.legalBasis)).toBe(true);
    const counts = [];
    for (const level of [1, 2, 3, 4, 5]) {
      const at = ok<any[]>(await app.gql(t.tax, 'query($l: Int) { requirements(level: $l) { level } }', { l: level }), 'requirements');
      expect(at.every((r) => r.level <= level)).toBe(true);
      counts.push(at.length);
    }
    expect(counts).toEqual([5, 8, 13, 17, 20]);
  });

  it('is managed by coordinator analysts: a new requirement joins the checklists of its level and above, a retired one leaves them', async () => {
    const low = await registerSystem(app, t.tax, { name: 'Low', proposedLevel: 1 });
    const high = await registerSystem(app, t.tax, { name: 'High', proposedLevel: 2 });
    const CREATE = `mutation($i: RequirementInput!) { createRequirement(input: $i) { id code level } }`;
    const input = { code: 'x-21', title: 'Supplier security clauses', level: 2, category: 'management' };
    expect(failure(await app.gql(t.mofAnalyst, CREATE, { i: input }), 'createRequirement').message).toBe(
      "only a coordinator organisation's ANALYST may manage the requirement catalogue",
    );
    const created = ok(await app.gql(t.vncert, CREATE, { i: input }), 'createRequirement');
    expect(created).toMatchObject({ code: 'X-21', level: 2 });
    const codes = async (id: string) => (await checklist(t.tax, id)).checklist.map((l: any) => l.requirement.code);
    expect(await codes(high.id)).toContain('X-21');
    expect(await codes(low.id)).not.toContain('X-21');
    expect(failure(await app.gql(t.vncert, CREATE, { i: input }), 'createRequirement').extensions?.code).toBe('CONFLICT');
    const agree = async () => {
      const r = (await app.gql(t.vncert, '{ statistics { total { requirements { unmet } } } unmetRequirements(first: 500) { totalCount } }')).body.data!;
      expect(r.statistics.total.requirements.unmet).toBe(r.unmetRequirements.totalCount);
      return r.unmetRequirements.totalCount;
    };
    const withIt = await agree();
    ok(await app.gql(t.vncert, `mutation($id: ID!) { updateRequirement(id: $id, input: { active: false }) { active } }`, { id: created.id }), 'updateRequirement');
    expect(await codes(high.id)).not.toContain('X-21');
    // A retired requirement no longer counts as unmet, in lists and statistics alike.
    expect(await agree()).toBe(withIt - 1);
  });
});

describe('a system\'s checklist', () => {
  let sysId: string;
  beforeAll(async () => {
    sysId = (await registerSystem(app, t.tax, { name: 'Checklist system', proposedLevel: 2 })).id;
  });

  it('holds its level\'s requirements, all unmet and unassessed at first', async () => {
    const s = await checklist(t.tax, sysId);
    expect(s.checklist.map((l: any) => l.requirement.code)).toEqual(['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08']);
    expect(s.checklist.every((l: any) => l.met === false && l.source === null)).toBe(true);
    expect(s.unmetRequirements).toHaveLength(8);
  });

  it('is filled by the owner with evidence', async () => {
    const r = ok(await app.gql(t.tax, RECORD, { s: sysId, items: [{ requirementId: req.R01, met: true, evidence: 'Decision 12/QD' }, { requirementId: req.R03, met: true }] }), 'recordRequirementStatus');
    const r01 = r.checklist.find((l: any) => l.requirement.code === 'R01');
    expect(r01).toEqual({ met: true, evidence: 'Decision 12/QD', source: 'OWNER', requirement: { code: 'R01', level: 1 } });
    expect(r.unmetRequirements.map((u: any) => u.requirement.code)).toEqual(['R02', 'R04', 'R05', 'R06', 'R07', 'R08']);
  });

  it('accepts only requirements of the system\'s level, each once', async () => {
    const high = failure(await app.gql(t.tax, RECORD, { s: sysId, items: [{ requirementId: req.R01, met: true }, { requirementId: req.R15, met: true }] }), 'recordRequirementStatus');
    expect(high.message).toBe("items[1].requirementId: is not a requirement of this system's safety level");
    const twice = failure(await app.gql(t.tax, RECORD, { s: sysId, items: [{ requirementId: req.R02, met: true }, { requirementId: req.R02, met: false }] }), 'recordRequirementStatus');
    expect(twice.message).toBe('items[1].requirementId: is named twice');
    // Nothing of a refused call was written.
    expect((await checklist(t.tax, sysId)).checklist.find((l: any) => l.requirement.code === 'R02').met).toBe(false);
  });

  it('is checked by the competent reviewer\'s ANALYST (source REVIEW); others are refused or find nothing', async () => {
    const r = ok(await app.gql(t.mofAnalyst, RECORD, { s: sysId, items: [{ requirementId: req.R03, met: false, evidence: 'No rule set on the edge router' }] }), 'recordRequirementStatus');
    expect(r.checklist.find((l: any) => l.requirement.code === 'R03')).toMatchObject({ met: false, source: 'REVIEW' });
    const reporter = failure(await app.gql(t.mofReporter, RECORD, { s: sysId, items: [{ requirementId: req.R03, met: true }] }), 'recordRequirementStatus');
    expect(reporter.message).toBe('the competent reviewer records requirement statuses with role ANALYST');
    expect(failure(await app.gql(t.vncert, RECORD, { s: sysId, items: [{ requirementId: req.R03, met: true }] }), 'recordRequirementStatus').extensions?.code).toBe('FORBIDDEN');
    expect(failure(await app.gql(t.customs, RECORD, { s: sysId, items: [{ requirementId: req.R03, met: true }] }), 'recordRequirementStatus').extensions?.code).toBe('NOT_FOUND');
    const s = await checklist(t.tax, sysId);
    expect(s.checklist.find((l: any) => l.requirement.code === 'R03')).toMatchObject({ assessedBy: 'MOF/mof.reviewer', assessedByOrganization: { code: 'MOF' } });
  });

  it('grows when the proposed level goes up, keeping what was assessed', async () => {
    ok(await app.gql(t.tax, UPDATE_SYSTEM, { id: sysId, input: { proposedLevel: 3 } }), 'updateInformationSystem');
    const s = await checklist(t.tax, sysId);
    expect(s.requiredLevel).toBe(3);
    expect(s.checklist).toHaveLength(13);
    expect(s.checklist.find((l: any) => l.requirement.code === 'R01')).toMatchObject({ met: true, evidence: 'Decision 12/QD' });
  });
});

describe('unmetRequirements', () => {
  it('covers an organisation and those below it, or the organisation alone, and counts what it lists', async () => {
    const mofSys = await registerSystem(app, t.mof, { name: 'MOF mail', proposedLevel: 1 });
    const all = async (token: string, vars: Record<string, unknown>) => {
      const nodes: any[] = [];
      let after: string | undefined;
      let total = -1;
      for (;;) {
        const page = ok(await app.gql(token, UNMET, { ...vars, first: 7, after }), 'unmetRequirements');
        total = page.totalCount;
        nodes.push(...page.edges.map((e: any) => e.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(nodes).toHaveLength(total);
      return nodes;
    };
    const subtree = await all(t.mofAnalyst, { o: 'MOF' });
    expect(new Set(subtree.map((n) => n.system.owner.code))).toEqual(new Set(['MOF', 'MOF-TAX']));
    expect(subtree.every((n) => n.met === false)).toBe(true);
    const own = await all(t.mofAnalyst, { o: 'MOF', d: false });
    expect(own.map((n) => n.system.id)).toEqual(Array(5).fill(mofSys.id));
    // Per system, the same lines as the system's own unmetRequirements.
    const systems = ok(await app.gql(t.mofAnalyst, '{ informationSystems(first: 100) { edges { node { id unmetRequirements { requirement { code } } } } } }'), 'informationSystems');
    const perSystem = systems.edges.reduce((n: number, e: any) => n + e.node.unmetRequirements.length, 0);
    expect(subtree).toHaveLength(perSystem);
    // MOF-TAX sees its own lines only; a sibling sees none of them, exactly as for an organisation with nothing unmet.
    expect(new Set((await all(t.tax, { o: 'MOF' })).map((n) => n.system.owner.code))).toEqual(new Set(['MOF-TAX']));
    expect(await all(t.customs, { o: 'MOF-TAX' })).toEqual([]);
    expect(await all(t.customs, { o: 'MOF-CUSTOMS' })).toEqual([]);
    expect(failure(await app.gql(t.tax, UNMET, { o: 'NOPE' }), 'unmetRequirements').message).toBe('Organization NOPE not found');
  });
});

describe('inspections and annual evaluations', () => {
  let sysId: string;
  let inspectionId: string;
  const SCHEDULE = `mutation($s: ID!, $due: DateTimeISO!, $k: InspectionKind) { scheduleInspection(systemId: $s, due: $due, kind: $k) { id kind status dueAt system { id } owner { code } scheduledByOrganization { code } } }`;
  const RECORD_INSPECTION = `mutation($id: ID!, $f: [InspectionFindingInput!]!, $s: String) {
    recordInspection(id: $id, findings: $f, summary: $s) { id status summary completedBy findings { met note requirement { code } } }
  }`;

  beforeAll(async () => {
    sysId = (await registerSystem(app, t.tax, { name: 'Insured registry', proposedLevel: 2 })).id;
  });

  it('are only for approved systems', async () => {
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect(failure(await app.gql(t.mofAnalyst, SCHEDULE, { s: sysId, due }), 'scheduleInspection').extensions?.code).toBe('CONFLICT');
    const d = await submitDossier(app, t.tax, sysId);
    await reviewDossier(app, t.mofAnalyst, d.id, true);
  });

  it('are scheduled by the competent reviewer, and the owner is warned', async () => {
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect(failure(await app.gql(t.vncert, SCHEDULE, { s: sysId, due }), 'scheduleInspection').extensions?.code).toBe('FORBIDDEN');
    expect(failure(await app.gql(t.tax, SCHEDULE, { s: sysId, due }), 'scheduleInspection').extensions?.code).toBe('FORBIDDEN');
    const ins = ok(await app.gql(t.mofAnalyst, SCHEDULE, { s: sysId, due, k: 'ANNUAL_EVALUATION' }), 'scheduleInspection');
    inspectionId = ins.id;
    expect(ins).toMatchObject({ kind: 'ANNUAL_EVALUATION', status: 'SCHEDULED', owner: { code: 'MOF-TAX' }, scheduledByOrganization: { code: 'MOF' } });
    const warned = ok(await app.gql(await c.mofTax.token(), '{ warnings(filter: { kinds: [INSPECTION_UPDATED] }) { edges { node { subjectId title } } } }'), 'warnings');
    expect(warned.edges.map((e: any) => e.node)).toEqual([{ subjectId: inspectionId, title: expect.stringMatching(/^Annual evaluation scheduled: Insured registry/) }]);
  });

  it('record findings that change the checklist (source INSPECTION)', async () => {
    const bad = failure(await app.gql(t.mofAnalyst, RECORD_INSPECTION, { id: inspectionId, f: [{ requirementId: req.R20, met: true }] }), 'recordInspection');
    expect(bad.message).toBe("findings[0].requirementId: is not a requirement of this system's safety level");
    const done = ok(
      await app.gql(t.mofAnalyst, RECORD_INSPECTION, {
        id: inspectionId,
        f: [
          { requirementId: req.R01, met: true, note: 'Regulations seen' },
          { requirementId: req.R06, met: false, note: 'Logs kept 2 weeks only' },
        ],
        s: 'Two findings',
      }),
      'recordInspection',
    );
    expect(done).toMatchObject({ status: 'COMPLETED', summary: 'Two findings', completedBy: 'MOF/mof.reviewer' });
    expect(done.findings.map((f: any) => [f.requirement.code, f.met])).toEqual([
      ['R01', true],
      ['R06', false],
    ]);
    const s = await checklist(t.tax, sysId);
    expect(s.checklist.find((l: any) => l.requirement.code === 'R01')).toMatchObject({ met: true, source: 'INSPECTION', evidence: 'Regulations seen' });
    expect(s.checklist.find((l: any) => l.requirement.code === 'R06')).toMatchObject({ met: false, source: 'INSPECTION', evidence: 'Logs kept 2 weeks only' });
    expect(failure(await app.gql(t.mofAnalyst, RECORD_INSPECTION, { id: inspectionId, f: [] }), 'recordInspection').extensions?.code).toBe('CONFLICT');
  });

  it('are OVERDUE once past due, and counted so in statistics', async () => {
    const ins = ok(await app.gql(t.mofAnalyst, SCHEDULE, { s: sysId, due: new Date(Date.now() + 86_400_000).toISOString() }), 'scheduleInspection');
    await app.db.query(`UPDATE inspections SET due_at = now() - interval '1 day' WHERE id = $1`, [ins.id]);
    const read = ok(await app.gql(t.tax, `query($id: ID!) { inspection(id: $id) { status } }`, { id: ins.id }), 'inspection');
    expect(read.status).toBe('OVERDUE');
    const overdue = ok(await app.gql(t.tax, '{ inspections(filter: { statuses: [OVERDUE] }) { totalCount } statistics { total { inspectionsOverdue } } }'), 'inspections');
    expect(overdue.totalCount).toBe(1);
    const stats = ok(await app.gql(t.mofAnalyst, '{ statistics { total { inspectionsOverdue } } }'), 'statistics');
    expect(stats.total.inspectionsOverdue).toBe(1);
    expect(ok(await app.gql(t.customs, `query($id: ID!) { inspection(id: $id) { id } }`, { id: ins.id }), 'inspection')).toBeNull();
    expect(ok(await app.gql(t.customs, `query($id: ID!) { inspection(id: $id) { id } }`, { id: randomUUID() }), 'inspection')).toBeNull();
  });
});
