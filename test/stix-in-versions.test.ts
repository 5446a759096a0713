import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';
import { ADVISORY, bundle, incident, INCIDENT, indicator, importOk, note, owned, report, stamp } from './support/stix-in';

/** Idempotence by STIX id and `modified`, for every kind, and concurrent imports of one bundle. */
const t = communityApp();
let token: string;

beforeAll(async () => {
  token = await t.c.viettel.token([Role.CONTRIBUTOR]);
});

const version = <T extends { modified: string }>(o: T, s: number, extra: Record<string, unknown> = {}): T => ({ ...o, modified: stamp(s), ...extra });

async function indicatorConfidence(value: string) {
  const res = await t.app.gql(token, `query($v: String) { indicators(filter: { value: $v, includeRevoked: true }) { edges { node { confidence revoked author { code } } } } }`, { v: value });
  return res.body.data!.indicators.edges.map((e: any) => e.node);
}

describe('importStix versions', () => {
  it('indicators: the same version is UNCHANGED, a newer one updates, an older one is ignored', async () => {
    const v1 = indicator("[ipv4-addr:value = '203.0.113.5']", { confidence: 50 });
    expect((await importOk(t.app, token, bundle([v1]))).results[0].status).toBe('IMPORTED');
    expect((await importOk(t.app, token, bundle([v1]))).results[0].status).toBe('UNCHANGED');
    const v2 = await importOk(t.app, token, bundle([version(v1, 20, { confidence: 90 })]));
    expect(v2.results[0].status).toBe('UPDATED');
    expect(await indicatorConfidence('203.0.113.5')).toEqual([{ confidence: 90, revoked: false, author: { code: 'VIETTEL' } }]);
    const old = await importOk(t.app, token, bundle([version(v1, 10, { confidence: 10 })]));
    expect(old.results[0]).toMatchObject({ status: 'IGNORED', reason: 'older than the version held' });
    expect((await indicatorConfidence('203.0.113.5'))[0].confidence).toBe(90);
    // A newer version that revokes it revokes the indicator it became.
    const revoked = await importOk(t.app, token, bundle([version(v1, 30, { revoked: true })]));
    expect(revoked.results[0].status).toBe('UPDATED');
    expect((await indicatorConfidence('203.0.113.5'))[0].revoked).toBe(true);
  });

  it('several versions of one object in a bundle: the newest is imported, the others reported', async () => {
    const v1 = indicator("[domain-name:value = 'versions.example']", { confidence: 20 });
    const out = await importOk(t.app, token, bundle([version(v1, 5, { confidence: 60 }), v1]));
    expect(out.results.map((r) => r.status)).toEqual(['IMPORTED', 'IGNORED']);
    expect(out.results[1].reason).toMatch(/newer version .* index 0/);
    expect((await indicatorConfidence('versions.example'))[0].confidence).toBe(60);
  });

  it('incidents: a newer version moves the status, an older one changes nothing', async () => {
    const v1 = incident({ name: 'Versioned incident' });
    const first = await importOk(t.app, token, bundle([v1]));
    const id = first.results[0].localIds[0];
    const closed = await importOk(t.app, token, bundle([version(v1, 20, { extensions: { ...v1.extensions, [Object.keys(v1.extensions)[0]]: { ...Object.values(v1.extensions)[0], investigation_status: 'closed' } } })]));
    expect(closed.results[0]).toMatchObject({ status: 'UPDATED', localIds: [id] });
    const read = async () => (await t.app.gql(token, INCIDENT, { id })).body.data!.incident;
    expect((await read()).status).toBe('CLOSED');
    const older = await importOk(t.app, token, bundle([version(v1, 10)]));
    expect(older.results[0].status).toBe('IGNORED');
    expect((await read()).status).toBe('CLOSED');
  });

  it('reports: a newer version revises the draft; sightings are events and are not revised', async () => {
    const rep = report([], { name: 'First title' });
    const first = await importOk(t.app, token, bundle([rep]));
    const revised = await importOk(t.app, token, bundle([version(rep, 20, { name: 'Second title' })]));
    expect(revised.results[0]).toMatchObject({ status: 'UPDATED', localIds: first.results[0].localIds });
    const adv = (await t.app.gql(token, ADVISORY, { id: first.results[0].localIds[0] })).body.data!.advisory;
    expect(adv).toMatchObject({ title: 'Second title', status: 'DRAFT' });

    const sco = { type: 'domain-name', spec_version: '2.1', id: 'domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5', value: 'sighted.example' };
    const s = { type: 'sighting', spec_version: '2.1', id: 'sighting--6b0e8a2f-8f3c-4c8e-9a3b-000000000001', created: stamp(0), modified: stamp(0), sighting_of_ref: sco.id, count: 4 };
    expect((await importOk(t.app, token, bundle([sco, s]))).results[1].status).toBe('IMPORTED');
    const again = await importOk(t.app, token, bundle([sco, { ...s, modified: stamp(9), count: 40 }]));
    expect(again.results[1]).toMatchObject({ status: 'IGNORED', reason: expect.stringMatching(/event/) });
    const seen = await t.app.gql(token, '{ observable(type: DOMAIN, value: "sighted.example") { sightings { edges { node { count } } } } }');
    expect(seen.body.data!.observable.sightings.edges.map((e: any) => e.node.count)).toEqual([4]);
  });

  it('concurrent imports of one bundle store each object once', async () => {
    const inc = incident({ name: 'Raced incident' });
    const sco = { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--6e1b6c37-0000-5000-8000-000000000001', value: '203.0.113.77' };
    const objs = [
      inc, note(inc.id, 'raced note'), report([sco.id], { name: 'Raced report' }), sco,
      { type: 'sighting', spec_version: '2.1', id: 'sighting--6b0e8a2f-8f3c-4c8e-9a3b-000000000002', created: stamp(0), modified: stamp(0), sighting_of_ref: sco.id },
      indicator("[ipv4-addr:value = '203.0.113.78']"),
    ];
    const b = bundle(objs);
    const before = await owned(t.app, t.c.viettel.org.id);
    const runs = await Promise.all(Array.from({ length: 6 }, () => importOk(t.app, token, b)));
    const after = await owned(t.app, t.c.viettel.org.id);
    expect(after.incidents - before.incidents).toBe(1);
    expect(after.advisories - before.advisories).toBe(1);
    expect(after.sightings - before.sightings).toBe(1);
    expect(after.indicators - before.indicators).toBe(1);
    // REPORTED plus one note, once.
    expect(after.events - before.events).toBe(2);
    for (let i = 0; i < objs.length; i++) {
      if (objs[i] === sco) continue;
      const statuses = runs.map((r) => r.results[i].status).sort();
      expect(statuses, objs[i].type).toEqual(['IMPORTED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
    }
  });
});
