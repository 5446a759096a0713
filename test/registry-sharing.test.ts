import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, personas, type Community, type OrgFixture } from './support/fixtures';
import { failure, ok, registerSystem, requirementIds, reviewDossier, submitDossier } from './support/registry';

/**
 * The sharing matrix of the registry: every type (systems, dossiers,
 * checklists, inspections) and every figure (statistics, unmet counts,
 * ranking) is read by the owner, the organisations above it and the
 * coordinators only — through every path, with counts that agree with the
 * lists, and what is hidden answering exactly like what does not exist.
 */
let app: TestApp;
let c: Community;
let extra: Record<'MOF-CUSTOMS' | 'VSS' | 'VSS-HN', OrgFixture>;
type Who = 'VNCERT' | 'BKAV' | 'VIETTEL' | 'MOF' | 'MOF-TAX' | 'DANANG' | 'MOF-CUSTOMS' | 'VSS' | 'VSS-HN';
const WHO: Who[] = ['VNCERT', 'BKAV', 'VIETTEL', 'MOF', 'MOF-TAX', 'DANANG', 'MOF-CUSTOMS', 'VSS', 'VSS-HN'];
const OWNERS = ['MOF', 'MOF-TAX', 'MOF-CUSTOMS', 'DANANG', 'VSS-HN'] as const;
type Owner = (typeof OWNERS)[number];
/** Owner → the organisations that read its registry data: itself, its ancestors, the coordinator. */
const READERS: Record<Owner, Who[]> = {
  MOF: ['MOF', 'VNCERT'],
  'MOF-TAX': ['MOF-TAX', 'MOF', 'VNCERT'],
  'MOF-CUSTOMS': ['MOF-CUSTOMS', 'MOF', 'VNCERT'],
  DANANG: ['DANANG', 'VNCERT'],
  'VSS-HN': ['VSS-HN', 'VSS', 'VNCERT'],
};
const viewer = new Map<Who, string>();
const made = new Map<Owner, { system: string; dossier: string; inspection: string; unmet: number }>();

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  const vss = await createOrg(app, { code: 'VSS', kind: OrgKind.SECTOR_CERT, sector: 'social-security' });
  extra = {
    'MOF-CUSTOMS': await createOrg(app, { code: 'MOF-CUSTOMS', kind: OrgKind.AGENCY, parent: 'MOF' }),
    VSS: vss,
    'VSS-HN': await createOrg(app, { code: 'VSS-HN', kind: OrgKind.AGENCY, parent: 'VSS', sector: 'social-security' }),
  };
  const fx = personas(c, extra);
  for (const w of WHO) viewer.set(w, await fx(w).token([Role.VIEWER]));
  const reviewerOf = async (o: Owner) => {
    const parent = { MOF: 'VNCERT', 'MOF-TAX': 'MOF', 'MOF-CUSTOMS': 'MOF', DANANG: 'VNCERT', 'VSS-HN': 'VSS' }[o] as Who;
    return fx(parent).token([Role.ANALYST]);
  };
  const req = await requirementIds(app, viewer.get('VNCERT')!);
  for (const o of OWNERS) {
    const reporter = await fx(o).token([Role.REPORTER]);
    const sys = await registerSystem(app, reporter, { name: `${o} core system`, proposedLevel: 2 });
    // One approved dossier (so that it can be inspected), then an open one for renewal.
    const first = await submitDossier(app, reporter, sys.id);
    await reviewDossier(app, await reviewerOf(o), first.id, true);
    const renewal = await submitDossier(app, reporter, sys.id, { proposedLevel: 2, description: 'renewal' });
    ok(await app.gql(reporter, `mutation($s: ID!, $i: [RequirementStatusInput!]!) { recordRequirementStatus(systemId: $s, items: $i) { id } }`, { s: sys.id, i: [{ requirementId: req.R01, met: true }] }), 'recordRequirementStatus');
    const ins = ok(
      await app.gql(await reviewerOf(o), `mutation($s: ID!, $d: DateTimeISO!) { scheduleInspection(systemId: $s, due: $d) { id } }`, { s: sys.id, d: new Date(Date.now() + 86_400_000).toISOString() }),
      'scheduleInspection',
    );
    made.set(o, { system: sys.id, dossier: renewal.id, inspection: ins.id, unmet: 7 });
  }
  // One inspection is overdue.
  await app.db.query(`UPDATE inspections SET due_at = now() - interval '2 days' WHERE id = $1`, [made.get('VSS-HN')!.inspection]);
});
afterAll(() => app?.close());

const READ = `query($sys: ID!, $dos: ID!, $ins: ID!, $owner: String!) {
  informationSystem(id: $sys) { id owner { code } checklist { met } }
  informationSystems(filter: { owners: [$owner] }) { totalCount edges { node { id } } }
  dossier(id: $dos) { id history { kind } attachments { id } }
  dossiers(filter: { owners: [$owner] }) { totalCount edges { node { id } } }
  inspection(id: $ins) { id findings { met } }
  inspections(filter: { systemId: $sys }) { totalCount }
  unmetRequirements(organization: $owner, includeDescendants: false) { totalCount edges { node { system { id } } } }
  statistics(organization: $owner, groupBy: ORGANIZATION) { groups { key systems { total approved } requirements { unmet } dossiers { waiting } inspectionsOverdue } }
}`;

describe.each(OWNERS)('registry data of %s', (owner) => {
  it.each(WHO)('%s reads it only if it is the owner, above it, or a coordinator — through every path', async (who) => {
    const m = made.get(owner)!;
    const res = await app.gql(viewer.get(who)!, READ, { sys: m.system, dos: m.dossier, ins: m.inspection, owner });
    expect(res.body.errors).toBeUndefined();
    const d = res.body.data!;
    // The owner's own figures (statistics of an organisation cover its subtree: MOF's include its departments').
    const own = d.statistics.groups.find((g: { key: string }) => g.key === owner);
    if (READERS[owner].includes(who)) {
      expect(d.informationSystem).toMatchObject({ id: m.system, owner: { code: owner } });
      expect(d.informationSystems).toEqual({ totalCount: 1, edges: [{ node: { id: m.system } }] });
      expect(d.dossier.id).toBe(m.dossier);
      expect(d.dossiers.totalCount).toBe(2);
      expect(d.inspection.id).toBe(m.inspection);
      expect(d.inspections.totalCount).toBe(1);
      expect(d.unmetRequirements.totalCount).toBe(m.unmet);
      expect(own).toEqual({ key: owner, systems: { total: 1, approved: 1 }, requirements: { unmet: m.unmet }, dossiers: { waiting: 1 }, inspectionsOverdue: owner === 'VSS-HN' ? 1 : 0 });
    } else {
      expect(d.informationSystem).toBeNull();
      expect(d.informationSystems).toEqual({ totalCount: 0, edges: [] });
      expect(d.dossier).toBeNull();
      expect(d.dossiers).toEqual({ totalCount: 0, edges: [] });
      expect(d.inspection).toBeNull();
      expect(d.inspections.totalCount).toBe(0);
      expect(d.unmetRequirements).toEqual({ totalCount: 0, edges: [] });
      expect(own).toBeUndefined();
    }
  });
});

describe('hidden looks like missing', () => {
  it('by id, a hidden system, dossier and inspection answer exactly like random ids', async () => {
    const m = made.get('MOF-TAX')!;
    const q = `query($s: ID!, $d: ID!, $i: ID!) { informationSystem(id: $s) { id } dossier(id: $d) { id } inspection(id: $i) { id } }`;
    const hidden = await app.gql(viewer.get('MOF-CUSTOMS')!, q, { s: m.system, d: m.dossier, i: m.inspection });
    const missing = await app.gql(viewer.get('MOF-CUSTOMS')!, q, { s: randomUUID(), d: randomUUID(), i: randomUUID() });
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.body).toEqual({ data: { informationSystem: null, dossier: null, inspection: null } });
  });

  it('writes to a hidden object fail exactly like writes to a missing one', async () => {
    const m = made.get('MOF-TAX')!;
    const sibling = await extra['MOF-CUSTOMS'].token([Role.ADMIN]);
    const calls: [string, string, Record<string, unknown>][] = [
      ['updateInformationSystem', 'mutation($id: ID!) { updateInformationSystem(id: $id, input: { purpose: "x" }) { id } }', {}],
      ['reviseDossier', 'mutation($id: ID!) { reviseDossier(id: $id, input: { description: "x" }) { id } }', {}],
      ['withdrawDossier', 'mutation($id: ID!) { withdrawDossier(id: $id, reason: "x") { id } }', {}],
      ['reviewDossier', 'mutation($id: ID!) { reviewDossier(id: $id, approve: true) { id } }', {}],
      ['recordInspection', 'mutation($id: ID!) { recordInspection(id: $id, findings: []) { id } }', {}],
      ['recordRequirementStatus', 'mutation($id: ID!) { recordRequirementStatus(systemId: $id, items: [{ requirementId: "00000000-0000-4000-8000-000000000000", met: true }]) { id } }', {}],
    ];
    const ids: Record<string, string> = {
      updateInformationSystem: m.system,
      reviseDossier: m.dossier,
      withdrawDossier: m.dossier,
      reviewDossier: m.dossier,
      recordInspection: m.inspection,
      recordRequirementStatus: m.system,
    };
    for (const [field, doc] of calls) {
      const hidden = failure(await app.gql(sibling, doc, { id: ids[field] }), field);
      const random = randomUUID();
      const missing = failure(await app.gql(sibling, doc, { id: random }), field);
      expect(hidden.extensions?.code, field).toBe('NOT_FOUND');
      expect(hidden.message.replace(ids[field], 'ID'), field).toBe(missing.message.replace(random, 'ID'));
    }
  });

  it('statistics of an organisation the caller may not read equal those of one with nothing', async () => {
    const q = `query($o: String!) { statistics(organization: $o, groupBy: ORGANIZATION) { total { systems { total approved approvedShare byStatus { count } byLevel { systems } }
      requirements { applicable unmet metShare byRequirement { unmet } } dossiers { waiting meanWaitingHours } inspectionsOverdue } groups { key } } }`;
    const hidden = ok(await app.gql(viewer.get('MOF-CUSTOMS')!, q, { o: 'MOF-TAX' }), 'statistics');
    const empty = ok(await app.gql(viewer.get('MOF-CUSTOMS')!, q, { o: 'VIETTEL' }), 'statistics');
    expect(hidden).toEqual(empty);
    expect(hidden.groups).toEqual([]);
  });
});

describe('counts agree with what the lists show', () => {
  it.each(WHO)('for %s: statistics, unmetRequirements, dossiers and inspections count exactly the listed rows', async (who) => {
    const res = await app.gql(
      viewer.get(who)!,
      `{ statistics(groupBy: ORGANIZATION) { total { systems { total approved } requirements { unmet } dossiers { waiting } inspectionsOverdue }
           groups { key systems { total } requirements { unmet } } }
         informationSystems(first: 500) { totalCount edges { node { owner { code } status unmetRequirements { met } } } }
         unmetRequirements(first: 500) { totalCount }
         dossiers(filter: { statuses: [SUBMITTED] }) { totalCount }
         inspections(filter: { statuses: [OVERDUE] }) { totalCount } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const all = res.body.data!;
    const stats = all.statistics;
    const systems = all.informationSystems.edges.map((e: any) => e.node);
    const visibleOwners = OWNERS.filter((o) => READERS[o].includes(who));
    expect(systems.map((s: any) => s.owner.code).sort()).toEqual([...visibleOwners].sort());
    expect(stats.total.systems.total).toBe(all.informationSystems.totalCount);
    expect(stats.total.systems.approved).toBe(systems.filter((s: any) => s.status === 'APPROVED').length);
    expect(stats.total.requirements.unmet).toBe(all.unmetRequirements.totalCount);
    expect(stats.total.requirements.unmet).toBe(systems.reduce((n: number, s: any) => n + s.unmetRequirements.length, 0));
    expect(stats.total.dossiers.waiting).toBe(all.dossiers.totalCount);
    expect(stats.total.inspectionsOverdue).toBe(all.inspections.totalCount);
    expect(all.inspections.totalCount).toBe(READERS['VSS-HN'].includes(who) ? 1 : 0);
    expect(stats.groups.map((g: any) => g.key)).toEqual([...visibleOwners].sort());
    for (const g of stats.groups) expect(g.systems.total).toBe(systems.filter((s: any) => s.owner.code === g.key).length);
  });
});

describe('a department never sees a sibling\'s systems; a ministry sees its departments\'', () => {
  it('lists, subtree filters and rankings follow the tree', async () => {
    const codes = async (who: Who, filter: Record<string, unknown> = {}) =>
      ok(await app.gql(viewer.get(who)!, `query($f: InformationSystemFilter) { informationSystems(filter: $f) { edges { node { owner { code } } } } }`, { f: filter }), 'informationSystems').edges
        .map((e: any) => e.node.owner.code)
        .sort();
    expect(await codes('MOF-TAX')).toEqual(['MOF-TAX']);
    expect(await codes('MOF-CUSTOMS')).toEqual(['MOF-CUSTOMS']);
    expect(await codes('MOF-TAX', { owners: ['MOF-CUSTOMS'] })).toEqual([]);
    expect(await codes('MOF')).toEqual(['MOF', 'MOF-CUSTOMS', 'MOF-TAX']);
    expect(await codes('MOF', { subtreeOf: 'MOF-TAX' })).toEqual(['MOF-TAX']);
    expect(await codes('VSS')).toEqual(['VSS-HN']);
    expect(await codes('VNCERT')).toEqual(['DANANG', 'MOF', 'MOF-CUSTOMS', 'MOF-TAX', 'VSS-HN']);
    const ranked = async (who: Who) =>
      ok(await app.gql(viewer.get(who)!, '{ ranking(first: 50) { totalCount edges { node { code systems } } } }'), 'ranking').edges.map((e: any) => `${e.node.code}:${e.node.systems}`).sort();
    expect(await ranked('MOF-TAX')).toEqual(['MOF-TAX:1']);
    expect(await ranked('MOF')).toEqual(['MOF-CUSTOMS:1', 'MOF-TAX:1', 'MOF:3']);
    expect(await ranked('BKAV')).toEqual([]);
    expect(await ranked('VNCERT')).toEqual(['DANANG:1', 'MOF-CUSTOMS:1', 'MOF-TAX:1', 'MOF:3', 'VSS-HN:1', 'VSS:1']);
  });
});
