import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, type Community, type OrgFixture } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';
import { approvedRanges, failure, ok, RECORD, registerSystem, requirementIds, reviewDossier, submitDossier, UPDATE_SYSTEM } from './support/registry';

/**
 * What the statistics count and how (approval share, levels, unmet
 * requirements, waiting dossiers, incidents and time to close, exposures and
 * time to remediation, overdue inspections), grouping, the ranking score,
 * published snapshots and their audience, and live statistics over
 * graphql-ws — also from a second server process, through the warning log.
 */
let app: TestApp;
let c: Community;
let customs: OrgFixture;
const t: Record<string, string> = {};
let req: Record<string, string>;
const sys: Record<string, string> = {};
const HOUR = 3_600_000;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  customs = await createOrg(app, { code: 'MOF-CUSTOMS', kind: OrgKind.AGENCY, parent: 'MOF', sector: 'finance', region: 'hanoi' });
  t.tax = await c.mofTax.token([Role.REPORTER], 'tax.it');
  t.customs = await customs.token([Role.REPORTER]);
  t.mofAnalyst = await c.mof.token([Role.ANALYST]);
  t.mofViewer = await c.mof.token([Role.VIEWER]);
  t.vncert = await c.vncert.token([Role.ANALYST]);
  t.danang = await c.danang.token([Role.VIEWER]);
  t.bkav = await c.bkav.token([Role.CONTRIBUTOR]);
  req = await requirementIds(app, t.tax);

  // MOF-TAX: one system approved at level 3, one waiting (for 48 h), one returned, one never submitted, one retired.
  sys.approved = (await registerSystem(app, t.tax, { name: 'A', proposedLevel: 3 })).id;
  await reviewDossier(app, t.mofAnalyst, (await submitDossier(app, t.tax, sys.approved, { proposedLevel: 3 })).id, true);
  sys.pending = (await registerSystem(app, t.tax, { name: 'B', proposedLevel: 2 })).id;
  const waiting = await submitDossier(app, t.tax, sys.pending, { proposedLevel: 2 });
  await app.db.query(`UPDATE safety_dossiers SET submitted_at = now() - interval '48 hours' WHERE id = $1`, [waiting.id]);
  sys.returned = (await registerSystem(app, t.tax, { name: 'C', proposedLevel: 1 })).id;
  await reviewDossier(app, t.mofAnalyst, (await submitDossier(app, t.tax, sys.returned, { proposedLevel: 1 })).id, false);
  sys.fresh = (await registerSystem(app, t.tax, { name: 'D', proposedLevel: 1 })).id;
  const retired = await registerSystem(app, t.tax, { name: 'Old', proposedLevel: 5 });
  ok(await app.gql(t.tax, UPDATE_SYSTEM, { id: retired.id, input: { lifecycle: 'RETIRED' } }), 'updateInformationSystem');
  for (const s of [sys.approved, sys.pending]) ok(await app.gql(t.tax, RECORD, { s, items: [{ requirementId: req.R01, met: true }] }), 'recordRequirementStatus');
  // MOF-CUSTOMS: one approved level-2 system.
  sys.customs = (await registerSystem(app, t.customs, { name: 'Customs gate', proposedLevel: 2 })).id;
  await reviewDossier(app, t.mofAnalyst, (await submitDossier(app, t.customs, sys.customs)).id, true);

  // Incidents of MOF-TAX: one reported a day ago, one triaged, one closed 10 h after it was reported, one RED (MOF may not read it).
  const report = async (title: string, tlp?: string) =>
    ok(await app.gql(t.tax, `mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }`, { i: { title, category: 'MALWARE', ...(tlp ? { tlp } : {}) } }), 'reportIncident').id;
  const move = async (id: string, status: string) => ok(await app.gql(t.vncert, `mutation($id: ID!, $s: IncidentStatus!) { updateIncident(id: $id, input: { status: $s }) { id } }`, { id, s: status }), 'updateIncident');
  const old = await report('old');
  await app.db.query(`UPDATE incidents SET created_at = now() - interval '24 hours' WHERE id = $1`, [old]);
  await move(await report('triaged'), 'TRIAGED');
  const closed = await report('closed');
  await move(closed, 'CLOSED');
  await app.db.query(`UPDATE incidents SET created_at = now() - interval '30 hours' WHERE id = $1`, [closed]);
  await app.db.query(`UPDATE incident_events SET created_at = now() - interval '20 hours' WHERE incident_id = $1 AND to_status = 'CLOSED'`, [closed]);
  await report('secret', 'RED');

  // Exposures of MOF-TAX: three botnet IPs in its range; one revoked 5 h after the warning, one expired 3 h after it, one open.
  await approvedRanges(app, t.tax, await c.vncert.token([Role.ADMIN]), 'MOF-TAX', ['10.30.0.0/16']);
  const posted = ok(
    await app.gql(t.bkav, `mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { results { indicator { id } } } }`, {
      i: ['10.30.0.1', '10.30.0.2', '10.30.0.3'].map((value) => ({ type: 'IPV4', value, tlp: 'GREEN', threatTypes: ['BOTNET'] })),
    }),
    'submitIndicators',
  ).results.map((r: any) => r.indicator.id);
  ok(await app.gql(t.bkav, `mutation($id: ID!) { revokeIndicator(id: $id, reason: "cleaned") { id } }`, { id: posted[0] }), 'revokeIndicator');
  const warned = `(SELECT created_at FROM warnings WHERE kind = 'EXPOSURE' AND subject_id = $1)`;
  await app.db.query(`UPDATE indicators SET revoked_at = ${warned} + interval '5 hours' WHERE id = $1`, [posted[0]]);
  await app.db.query(`UPDATE warnings SET created_at = created_at - interval '6 hours' WHERE kind = 'EXPOSURE' AND subject_id = ANY($1::uuid[])`, [posted.slice(1)]);
  await app.db.query(`UPDATE indicators SET valid_until = ${warned} + interval '3 hours' WHERE id = $1`, [posted[1]]);

  // An overdue inspection of the approved system.
  const ins = ok(await app.gql(t.mofAnalyst, `mutation($s: ID!, $d: DateTimeISO!) { scheduleInspection(systemId: $s, due: $d) { id } }`, { s: sys.approved, d: new Date(Date.now() + HOUR).toISOString() }), 'scheduleInspection');
  await app.db.query(`UPDATE inspections SET due_at = now() - interval '1 day' WHERE id = $1`, [ins.id]);
});
afterAll(() => app?.close());

const FIGURES = `systems { total approved approvedShare byStatus { status count } byLevel { level systems approved } }
  requirements { applicable unmet metShare byRequirement { unmet requirement { code } } }
  dossiers { waiting meanWaitingHours oldestWaitingHours }
  incidents { total byStatus { status count } open meanOpenAgeHours oldestOpenAgeHours closed meanTimeToCloseHours }
  exposures { total open remediated meanTimeToRemediationHours }
  inspectionsOverdue`;
const STATS = `query($o: String, $g: StatisticsGrouping) { statistics(organization: $o, groupBy: $g) { groupBy computedAt organization { code } total { key ${FIGURES} } groups { key organization { code } ${FIGURES} } } }`;
const counts = (list: { status: string; count: number }[]) => Object.fromEntries(list.filter((x) => x.count).map((x) => [x.status, x.count]));

describe('statistics', () => {
  it('count one department\'s systems, checklists, dossiers, incidents, exposures and inspections as defined', async () => {
    const s = ok(await app.gql(t.mofViewer, STATS, { o: 'MOF-TAX' }), 'statistics');
    expect(s).toMatchObject({ groupBy: 'NONE', organization: { code: 'MOF-TAX' } });
    const f = s.total;
    expect(s.groups.map((g: any) => g.key)).toEqual(['ALL']);
    expect(f.systems).toMatchObject({ total: 4, approved: 1, approvedShare: 0.25 });
    expect(counts(f.systems.byStatus)).toEqual({ APPROVED: 1, PENDING: 1, RETURNED: 1, NOT_SUBMITTED: 1 });
    expect(f.systems.byLevel.filter((l: any) => l.systems)).toEqual([
      { level: 1, systems: 2, approved: 0 },
      { level: 2, systems: 1, approved: 0 },
      { level: 3, systems: 1, approved: 1 },
    ]);
    // Applicable lines: 13 (level 3) + 8 (level 2) + 5 + 5; R01 is met on A and B.
    expect(f.requirements).toMatchObject({ applicable: 31, unmet: 29, metShare: 0.0645 });
    const byReq = Object.fromEntries(f.requirements.byRequirement.map((r: any) => [r.requirement.code, r.unmet]));
    expect(byReq).toMatchObject({ R01: 2, R02: 4, R05: 4, R06: 2, R08: 2, R09: 1, R13: 1 });
    expect(byReq.R14).toBeUndefined();
    expect(f.requirements.byRequirement[0].unmet).toBe(4);
    expect(f.dossiers).toEqual({ waiting: 1, meanWaitingHours: 48, oldestWaitingHours: 48 });
    // MOF may not read the RED incident: three incidents, two open (24 h and a few ms), one closed 10 h after its report.
    expect(f.incidents).toMatchObject({ total: 3, open: 2, meanOpenAgeHours: 12, oldestOpenAgeHours: 24, closed: 1, meanTimeToCloseHours: 10 });
    expect(counts(f.incidents.byStatus)).toEqual({ REPORTED: 1, TRIAGED: 1, CLOSED: 1 });
    expect(f.exposures).toEqual({ total: 3, open: 1, remediated: 2, meanTimeToRemediationHours: 4 });
    expect(f.inspectionsOverdue).toBe(1);
  });

  it('count what each caller may read: the department itself also counts its RED incident', async () => {
    const own = ok(await app.gql(await c.mofTax.token(), STATS, {}), 'statistics').total;
    expect(own.incidents.total).toBe(4);
    expect(own.systems.total).toBe(4);
  });

  it('group by organisation, kind, sector and region, and the groups add up to the total', async () => {
    const byOrg = ok(await app.gql(t.mofViewer, STATS, { g: 'ORGANIZATION' }), 'statistics');
    expect(byOrg.organization).toBeNull();
    expect(byOrg.groups.map((g: any) => [g.key, g.organization.code, g.systems.total, g.systems.approved])).toEqual([
      ['MOF-CUSTOMS', 'MOF-CUSTOMS', 1, 1],
      ['MOF-TAX', 'MOF-TAX', 4, 1],
    ]);
    expect(byOrg.total.systems).toMatchObject({ total: 5, approved: 2, approvedShare: 0.4 });
    expect(byOrg.total.requirements.unmet).toBe(byOrg.groups.reduce((n: number, g: any) => n + g.requirements.unmet, 0));
    const keys = async (g: string) => ok(await app.gql(t.vncert, STATS, { g }), 'statistics').groups.map((x: any) => [x.key, x.systems.total]);
    expect(await keys('KIND')).toEqual([['AGENCY', 5]]);
    expect(await keys('SECTOR')).toEqual([['(none)', 4], ['finance', 1]]);
    expect(await keys('REGION')).toEqual([['(none)', 4], ['hanoi', 1]]);
  });

  it('refuse an unknown organisation', async () => {
    expect(failure(await app.gql(t.mofViewer, STATS, { o: 'NOPE' }), 'statistics').extensions?.code).toBe('NOT_FOUND');
  });

  it('are never stored by a cache (cache-control: no-store, as for every answer)', async () => {
    expect((await app.gql(t.mofViewer, STATS, {})).headers.get('cache-control')).toBe('no-store');
    expect((await app.gql(t.mofViewer, '{ nope }')).headers.get('cache-control')).toBe('no-store');
  });
});

const RANKING = `query($k: [OrganizationKind!]) { ranking(first: 10, kinds: $k) { totalCount edges { cursor node { rank code score approvalCoverage requirementCompliance incidentResponse exposureHygiene
  systems approved unmetRequirements openIncidents openExposures organization { code }
  figures { systems { total approved } requirements { applicable unmet } incidents { open meanOpenAgeHours } exposures { open } } } } } }`;

describe('ranking', () => {
  it('scores each organisation over its subtree with the documented formula, best first', async () => {
    const r = ok(await app.gql(t.mofViewer, RANKING, {}), 'ranking');
    const nodes = r.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.code)).toEqual(['MOF-CUSTOMS', 'MOF', 'MOF-TAX']);
    expect(nodes.map((n: any) => n.rank)).toEqual([1, 2, 3]);
    for (const n of nodes) {
      const f = n.figures;
      const A = f.systems.approved / f.systems.total;
      const C = 1 - f.requirements.unmet / f.requirements.applicable;
      const I = f.incidents.open ? 1 / (1 + f.incidents.meanOpenAgeHours / 24 / 30) : 1;
      const E = 1 / (1 + f.exposures.open / f.systems.total);
      expect(n.approvalCoverage).toBeCloseTo(A, 4);
      expect(n.requirementCompliance).toBeCloseTo(C, 4);
      expect(n.incidentResponse).toBeCloseTo(I, 3);
      expect(n.exposureHygiene).toBeCloseTo(E, 4);
      expect(n.score).toBeCloseTo(Math.round(1000 * (0.4 * A + 0.3 * C + 0.15 * I + 0.15 * E)) / 10, 1);
    }
    expect(nodes[0]).toMatchObject({ code: 'MOF-CUSTOMS', systems: 1, approved: 1, unmetRequirements: 8, openIncidents: 0, openExposures: 0, score: 70 });
    expect(nodes[2]).toMatchObject({ systems: 4, approved: 1, unmetRequirements: 29, openIncidents: 2, openExposures: 1 });
  });

  it('pages by position and filters by kind', async () => {
    const first = ok(await app.gql(t.mofViewer, '{ ranking(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }'), 'ranking');
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const rest = ok(await app.gql(t.mofViewer, 'query($a: String) { ranking(first: 2, after: $a) { pageInfo { hasNextPage } edges { node { code } } } }', { a: first.pageInfo.endCursor }), 'ranking');
    expect(rest.edges.map((e: any) => e.node.code)).toEqual(['MOF-TAX']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const ministries = ok(await app.gql(t.vncert, RANKING, { k: ['MINISTRY'] }), 'ranking');
    expect(ministries.edges.map((e: any) => e.node.code)).toEqual(['MOF']);
  });

  it('is published by a coordinator analyst to an audience, who alone (with coordinators) read it and are warned', async () => {
    const PUBLISH = `mutation($i: RankingPublicationInput!) { publishRanking(input: $i) { id title audience { everyone organizations { code } } entries { rank code score figures { key } organization { code } } } }`;
    const input = { title: 'Q3 ranking', audience: { organizations: ['MOF'] }, kinds: ['MINISTRY', 'AGENCY'] };
    expect(failure(await app.gql(t.mofAnalyst, PUBLISH, { i: input }), 'publishRanking').extensions?.code).toBe('FORBIDDEN');
    const snap = ok(await app.gql(t.vncert, PUBLISH, { i: input }), 'publishRanking');
    expect(snap.audience).toEqual({ everyone: false, organizations: [{ code: 'MOF' }] });
    expect(snap.entries.map((e: any) => [e.rank, e.code, e.figures])).toEqual([
      [1, 'MOF-CUSTOMS', null],
      [2, 'MOF', null],
      [3, 'MOF-TAX', null],
    ]);
    const READ = `query($id: ID!) { rankingSnapshot(id: $id) { id entries { code } } rankingSnapshots { totalCount } }`;
    for (const token of [t.mofViewer, await c.mofTax.token(), t.vncert]) {
      const r = (await app.gql(token, READ, { id: snap.id })).body.data!;
      expect(r.rankingSnapshot.entries).toHaveLength(3);
      expect(r.rankingSnapshots.totalCount).toBe(1);
    }
    const hidden = await app.gql(t.danang, READ, { id: snap.id });
    const missing = await app.gql(t.danang, READ, { id: randomUUID() });
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.body.data).toEqual({ rankingSnapshot: null, rankingSnapshots: { totalCount: 0 } });
    const warned = async (token: string) =>
      ok(await app.gql(token, '{ warnings(filter: { kinds: [RANKING_PUBLISHED] }) { edges { node { subjectId title } } } }'), 'warnings').edges.map((e: any) => e.node.subjectId);
    expect(await warned(t.mofViewer)).toEqual([snap.id]);
    expect(await warned(await c.mofTax.token())).toEqual([snap.id]);
    expect(await warned(t.danang)).toEqual([]);
    const everyone = ok(await app.gql(t.vncert, PUBLISH, { i: { title: 'For all', audience: { everyone: true } } }), 'publishRanking');
    expect(ok(await app.gql(t.danang, READ, { id: everyone.id }), 'rankingSnapshot').id).toBe(everyone.id);
  });
});

/** A real graphql-ws client on the statistics subscription. */
function live(httpUrl: string, token: string, variables: Record<string, unknown>) {
  const client = createClient({ url: httpUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
  const events: any[] = [];
  const errors: any[] = [];
  client.subscribe<{ statistics: any }>(
    { query: `subscription($o: String) { statistics(organization: $o) { total { systems { total } dossiers { waiting } requirements { unmet } } } }`, variables },
    { next: (v) => (v.data ? events.push(v.data.statistics.total) : errors.push(...(v.errors ?? []))), error: (e) => errors.push(e), complete: () => undefined },
  );
  return {
    events,
    errors,
    async waitFor(n: number, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (events.length < n && !errors.length) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} events; got ${events.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return events;
    },
    dispose: () => client.dispose(),
  };
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live statistics', () => {
  let other: ServerProcess;
  beforeAll(async () => {
    other = await startServerProcess(app.dbUrl);
  });
  afterAll(async () => {
    await other?.stop();
  });

  it('push the current figures, then new ones when a dossier step in scope is logged — from another server process too', async () => {
    const here = live(app.url, t.mofViewer, { o: 'MOF' });
    const there = live(other.url, t.mofViewer, { o: 'MOF' });
    try {
      const [first] = await here.waitFor(1);
      expect((await there.waitFor(1))[0]).toEqual(first);
      await submitDossier(app, t.tax, sys.fresh, { proposedLevel: 1 });
      const [, second] = await here.waitFor(2);
      expect(second.dossiers.waiting).toBe(first.dossiers.waiting + 1);
      // The other process learns of it through the warning log (LISTEN/NOTIFY), not through this process.
      expect((await there.waitFor(2))[1]).toEqual(second);
      // A change outside MOF's subtree pushes nothing.
      const danangReporter = await c.danang.token([Role.REPORTER]);
      const outside = await registerSystem(app, danangReporter, { name: 'Da Nang', proposedLevel: 1 });
      await submitDossier(app, danangReporter, outside.id, { proposedLevel: 1 });
      await pause(2500);
      expect(here.events).toHaveLength(2);
      expect(there.events).toHaveLength(2);
    } finally {
      await here.dispose();
      await there.dispose();
    }
  });

  it('follow this process\'s writes that raise no warning (checklists), throttled to about one push a second', async () => {
    const here = live(app.url, t.mofViewer, {});
    try {
      const [first] = await here.waitFor(1);
      const started = Date.now();
      const ids = [req.R02, req.R03, req.R04, req.R05];
      for (const id of ids) ok(await app.gql(t.tax, RECORD, { s: sys.fresh, items: [{ requirementId: id, met: true }] }), 'recordRequirementStatus');
      const deadline = Date.now() + 10_000;
      while (here.events[here.events.length - 1].requirements.unmet !== first.requirements.unmet - ids.length && Date.now() < deadline) await pause(50);
      const last = here.events[here.events.length - 1];
      expect(last.requirements.unmet).toBe(first.requirements.unmet - ids.length);
      // Four writes, but pushes at most one per second after the first.
      expect(here.events.length - 1).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / 1000));
    } finally {
      await here.dispose();
    }
  });

  it('refuse an unknown organisation', async () => {
    const bad = live(app.url, t.mofViewer, { o: 'NOPE' });
    try {
      await bad.waitFor(1).catch(() => undefined);
      expect(bad.events).toEqual([]);
      expect(bad.errors[0]).toMatchObject({ message: 'Organization NOPE not found', extensions: { code: 'NOT_FOUND' } });
    } finally {
      await bad.dispose();
    }
  });
});
