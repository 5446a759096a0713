import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { INDICATORS_COLLECTION, TAXII_TYPE } from '../src/interop/taxii/server';
import { communityApp } from './support/fixtures';
import { ADVISORY, bundle, incident, INCIDENT, indicator, IMPORT, importOk, note, owned, report, TLP } from './support/stix-in';

/** STIX in for sightings, incidents, notes and reports, over GraphQL with real tokens. */
const t = communityApp();
const tokens: Record<string, string> = {};
const DOMAIN = 'rt-kinds.example';

beforeAll(async () => {
  tokens.bkav = await t.c.bkav.token([Role.CONTRIBUTOR]);
  tokens.viettel = await t.c.viettel.token([Role.CONTRIBUTOR]);
  tokens.vncert = await t.c.vncert.token([Role.ANALYST]);
  tokens.danang = await t.c.danang.token([Role.REPORTER]);
  tokens.mof = await t.c.mof.token([Role.CONTRIBUTOR]);
  tokens.mofTax = await t.c.mofTax.token([Role.REPORTER]);
});

async function gqlOk(token: string, query: string, variables?: Record<string, unknown>) {
  const res = await t.app.gql(token, query, variables);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!;
}

describe('importStix: a stixBundle of every kind from one organisation into another', () => {
  let exported: any;
  let incidentId: string;

  beforeAll(async () => {
    await gqlOk(tokens.bkav, `mutation { submitIndicators(input: [{ type: DOMAIN, value: "${DOMAIN}", tlp: GREEN, confidence: 70 }]) { rejected } }`);
    await gqlOk(tokens.bkav, `mutation { reportSightings(input: [{ type: DOMAIN, value: "${DOMAIN}", count: 3, tlp: GREEN }]) { rejected } }`);
    const inc = await gqlOk(tokens.bkav, `mutation { reportIncident(input: { title: "Ransomware at the Hanoi branch", category: RANSOMWARE, severity: HIGH, tlp: AMBER }) { id } }`);
    incidentId = inc.reportIncident.id;
    await gqlOk(tokens.bkav, `mutation($id: ID!) { updateIncident(id: $id, input: { note: "Host 10.1.2.3 isolated" }) { id } }`, { id: incidentId });
    await gqlOk(tokens.vncert, `mutation($id: ID!) { updateIncident(id: $id, input: { status: TRIAGED }) { id } }`, { id: incidentId });
    await gqlOk(tokens.bkav, `mutation { createAdvisory(input: { title: "Patch the VPN gateways", summary: "Exploited in the wild.", body: "Versions 1 to 3.",
      severity: HIGH, cveIds: ["CVE-2024-12345"], recommendedActions: ["Patch", "Rotate credentials"], observables: [{ type: DOMAIN, value: "${DOMAIN}" }], tlp: GREEN }) { id } }`);
    exported = (await gqlOk(tokens.bkav, `{ stixBundle(types: [INDICATOR, SIGHTING, INCIDENT, ADVISORY], first: 500) { bundle } }`)).stixBundle.bundle;
  });

  it('imports every object as the importer\'s own, keeps the source identity as provenance, and reports each object', async () => {
    const out = await importOk(t.app, tokens.viettel, exported, true);
    const byType = (type: string) => out.results.filter((r) => r.type === type);
    expect(out.rejected).toBe(0);
    for (const type of ['indicator', 'sighting', 'incident', 'note', 'report']) {
      expect(byType(type).length, type).toBeGreaterThan(0);
      for (const r of byType(type)) expect(r.status, JSON.stringify(r)).toBe('IMPORTED');
    }
    expect(byType('identity')[0].status).toBe('REFERENCE');

    // The incident: VIETTEL's, its fields back from the Incident Core Extension; `open` needs a coordinator to triage, so it stays REPORTED.
    const [incResult] = byType('incident');
    expect(incResult.reason).toMatch(/only a coordinator organisation's ANALYST may triage/);
    const inc = (await gqlOk(tokens.viettel, INCIDENT, { id: incResult.localIds[0] })).incident;
    expect(inc).toMatchObject({ title: 'Ransomware at the Hanoi branch', category: 'RANSOMWARE', severity: 'HIGH', tlp: 'AMBER', status: 'REPORTED', author: { code: 'VIETTEL' } });
    expect(inc.id).not.toBe(incidentId);
    const notes = inc.timeline.filter((e: any) => e.kind === 'NOTE');
    expect(notes.map((e: any) => e.note).join('\n')).toMatch(/Host 10\.1\.2\.3 isolated/);
    expect(notes.map((e: any) => e.note).join('\n')).toMatch(/STATUS_CHANGED: REPORTED -> TRIAGED/);
    for (const e of inc.timeline) expect(e.actorOrganization.code).toBe('VIETTEL');
    for (const r of byType('note')) expect(r).toMatchObject({ localType: 'Incident', localIds: [inc.id] });

    // The report: a DRAFT advisory of VIETTEL with its fields and observables.
    const [rep] = byType('report');
    expect(rep.reason).toMatch(/DRAFT/);
    const adv = (await gqlOk(tokens.viettel, ADVISORY, { id: rep.localIds[0] })).advisory;
    expect(adv).toMatchObject({
      title: 'Patch the VPN gateways', summary: 'Exploited in the wild.', body: 'Versions 1 to 3.', status: 'DRAFT', severity: 'HIGH', tlp: 'GREEN',
      cveIds: ['CVE-2024-12345'], recommendedActions: ['Patch', 'Rotate credentials'], author: { code: 'VIETTEL' }, observables: [{ type: 'DOMAIN', value: DOMAIN }],
    });

    // The sighting: VIETTEL's, of the same observable, with its count.
    const obs = await gqlOk(tokens.viettel, `query($v: String!) { observable(type: DOMAIN, value: $v) { sightings { edges { node { count tlp author { code } } } } } }`, { v: DOMAIN });
    const mine = obs.observable.sightings.edges.map((e: any) => e.node).filter((n: any) => n.author.code === 'VIETTEL');
    expect(mine).toEqual([{ count: 3, tlp: 'GREEN', author: { code: 'VIETTEL' } }]);

    // Provenance: BKAV's identity is kept against every object VIETTEL now holds, and never as author.
    const rows = await t.app.db.query('SELECT stix_id, local_kind, local_ids, source_ref FROM stix_provenance WHERE organization_id = $1', [t.c.viettel.org.id]);
    const source = `identity--${t.c.bkav.org.id}`;
    expect(rows.find((r: any) => r.stix_id === `incident--${incidentId}`)).toMatchObject({ local_kind: 'Incident', local_ids: [inc.id], source_ref: source });
    expect(rows.find((r: any) => r.stix_id === rep.id)).toMatchObject({ local_kind: 'Advisory', local_ids: [adv.id], source_ref: source });
  });

  it('importing the same bundle again changes nothing and duplicates nothing', async () => {
    const before = await owned(t.app, t.c.viettel.org.id);
    const again = await importOk(t.app, tokens.viettel, exported, true);
    const stored = again.results.filter((r) => r.status !== 'REFERENCE');
    for (const r of stored) expect(r.status, JSON.stringify(r)).toBe('UNCHANGED');
    expect(again).toMatchObject({ imported: 0, updated: 0, rejected: 0 });
    expect(await owned(t.app, t.c.viettel.org.id)).toEqual(before);
  });

  it('a coordinator\'s ANALYST importing an `open` incident triages it', async () => {
    const out = await importOk(t.app, tokens.vncert, exported);
    const [r] = out.results.filter((x) => x.type === 'incident');
    expect(r.status).toBe('IMPORTED');
    const inc = (await gqlOk(tokens.vncert, INCIDENT, { id: r.localIds[0] })).incident;
    expect(inc).toMatchObject({ status: 'TRIAGED', author: { code: 'VNCERT' } });
  });
});

describe('importStix: incidents are private to the importing agency unless shared', () => {
  it('an unmarked incident takes the incidents module\'s AMBER+STRICT: the importer and coordinators read it, other agencies do not', async () => {
    const out = await importOk(t.app, tokens.mof, bundle([incident({ name: 'Ministry mail server breach' })]));
    const id = out.results[0].localIds[0];
    const read = async (token: string) => (await gqlOk(token, INCIDENT, { id })).incident;
    expect(await read(tokens.mof)).toMatchObject({ tlp: 'AMBER_STRICT', author: { code: 'MOF' }, severity: 'HIGH', category: 'DEFACEMENT' });
    expect(await read(tokens.vncert)).toMatchObject({ id });
    for (const other of [tokens.bkav, tokens.danang, tokens.mofTax]) expect(await read(other)).toBeNull();
    const listed = await gqlOk(tokens.bkav, '{ incidents(first: 500) { edges { node { id } } } }');
    expect(listed.incidents.edges.map((e: any) => e.node.id)).not.toContain(id);
    // Sharing it is the incidents module's own step, as for any incident.
    await gqlOk(tokens.mof, 'mutation($id: ID!) { shareIncident(id: $id, recipients: ["DANANG"]) { id } }', { id });
    expect(await read(tokens.danang)).toMatchObject({ id });
  });

  it('a RED incident is read by the importer alone, not even by coordinators', async () => {
    const out = await importOk(t.app, tokens.mof, bundle([incident({ name: 'Red one', object_marking_refs: [TLP.RED] })]));
    const id = out.results[0].localIds[0];
    expect((await gqlOk(tokens.mof, INCIDENT, { id })).incident).toMatchObject({ tlp: 'RED' });
    expect((await gqlOk(tokens.vncert, INCIDENT, { id })).incident).toBeNull();
  });
});

describe('importStix: notes, atomic and per-object results', () => {
  it('reports each object: notes about an unknown incident or about something else are rejected with the reason', async () => {
    const inc = incident();
    const out = await importOk(t.app, tokens.viettel, bundle([
      inc,
      note(inc.id, 'Patched the CMS', { abstract: 'Remediation' }),
      note('incident--00000000-0000-4000-8000-00000000dead', 'orphan'),
      note('indicator--00000000-0000-4000-8000-000000000001', 'about an indicator'),
      { type: 'campaign', spec_version: '2.1', id: 'campaign--00000000-0000-4000-8000-000000000001', name: 'x' },
      report([]),
    ]));
    expect(out.results.map((r) => r.status)).toEqual(['IMPORTED', 'IMPORTED', 'REJECTED', 'REJECTED', 'REJECTED', 'IMPORTED']);
    expect(out.results[2].reason).toMatch(/^object_refs: names no incident in the bundle/);
    expect(out.results[3].reason).toMatch(/^object_refs: names no incident/);
    expect(out.results[4].reason).toMatch(/campaign are not imported/);
    const timeline = (await gqlOk(tokens.viettel, INCIDENT, { id: out.results[0].localIds[0] })).incident.timeline;
    expect(timeline.map((e: any) => e.note)).toContain('Remediation\n\nPatched the CMS');
  });

  it('adds a note to an incident imported earlier, or to one of the caller\'s own by its ThreatFed id', async () => {
    const inc = incident();
    const first = await importOk(t.app, tokens.viettel, bundle([inc]));
    const later = await importOk(t.app, tokens.viettel, bundle([note(inc.id, 'Follow-up')]));
    expect(later.results[0]).toMatchObject({ status: 'IMPORTED', localIds: first.results[0].localIds });
    const own = await gqlOk(tokens.viettel, 'mutation { reportIncident(input: { title: "Own", category: MALWARE }) { id } }');
    const direct = await importOk(t.app, tokens.viettel, bundle([note(`incident--${own.reportIncident.id}`, 'From the SOC tool')]));
    expect(direct.results[0]).toMatchObject({ status: 'IMPORTED', localIds: [own.reportIncident.id] });
    // Another agency's incident it cannot read is as unknown as a missing one.
    const theirs = await importOk(t.app, tokens.bkav, bundle([note(`incident--${own.reportIncident.id}`, 'Not yours')]));
    expect(theirs.results[0].status).toBe('REJECTED');
  });

  it('atomic: a bundle with an incident and a bad object stores nothing of the bundle', async () => {
    const before = await owned(t.app, t.c.viettel.org.id);
    const inc = incident({ name: 'Atomic incident' });
    const objs = [inc, note(inc.id, 'a note'), report([]), indicator("[ipv4-addr:value = '198.51.100.1']"), indicator("[ipv4-addr:value = '198.51.100.2' AND domain-name:value = 'x.example']")];
    const res = await t.app.gql(tokens.viettel, IMPORT, { bundle: bundle(objs), atomic: true });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].extensions?.objects).toEqual([expect.objectContaining({ index: 4, reason: expect.stringMatching(/AND/) })]);
    expect(await owned(t.app, t.c.viettel.org.id)).toEqual(before);

    // A refusal found only while writing (a note about an incident nowhere) rolls back what was already written.
    const late = await t.app.gql(tokens.viettel, IMPORT, { bundle: bundle([incident({ name: 'Written then rolled back' }), note('incident--00000000-0000-4000-8000-00000000beef', 'x')]), atomic: true });
    expect(late.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(late.body.errors?.[0].extensions?.objects).toEqual([expect.objectContaining({ index: 1 })]);
    expect(await owned(t.app, t.c.viettel.org.id)).toEqual(before);
  });
});

describe('TAXII POST reaches the same importer', () => {
  it('an envelope with an incident and its note is imported as the poster\'s own, idempotently', async () => {
    const inc = incident({ name: 'Posted over TAXII' });
    const envelope = JSON.stringify({ objects: [inc, note(inc.id, 'posted note')] });
    const url = `${t.app.url.replace(/\/graphql$/, '/taxii2')}/api/collections/${INDICATORS_COLLECTION}/objects/`;
    const post = async () => {
      const res = await fetch(url, { method: 'POST', body: envelope, headers: { accept: TAXII_TYPE, 'content-type': TAXII_TYPE, authorization: `Bearer ${tokens.mof}` } });
      expect(res.status).toBe(202);
      return res.json();
    };
    expect(await post()).toMatchObject({ success_count: 2, failure_count: 0 });
    expect(await post()).toMatchObject({ success_count: 2, failure_count: 0 });
    const [row] = await t.app.db.query('SELECT local_ids FROM stix_provenance WHERE organization_id = $1 AND stix_id = $2', [t.c.mof.org.id, inc.id]);
    const read = (await gqlOk(tokens.mof, INCIDENT, { id: row.local_ids[0] })).incident;
    expect(read).toMatchObject({ title: 'Posted over TAXII', author: { code: 'MOF' } });
    expect(read.timeline.filter((e: any) => e.kind === 'NOTE').map((e: any) => e.note)).toEqual(['posted note']);
  });
});
