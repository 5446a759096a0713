import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import {
  ADVISORIES_COLLECTION,
  groupCollectionId,
  INCIDENTS_COLLECTION,
  INDICATORS_COLLECTION,
  SIGHTINGS_COLLECTION,
} from '../src/interop/taxii/server';
import { startTestApp, type TestApp } from './support/app';
import { community, PERSONAS, personas, TLP_CASES, type Community, type Persona, type TlpCase } from './support/fixtures';
import { schemaErrors } from './support/stix';
import { allOf, taxii, taxiiBase } from './support/taxii';

/**
 * Every TAXII collection lists exactly what the caller may read: the TLP
 * matrix over indicators, sightings, incidents (and their notes) and
 * advisories, per persona, in objects, manifests and by id; and the per-group
 * collections exist only for the group's members.
 */
let app: TestApp;
let c: Community;
const admin = new Map<Persona, string>();
const viewer = new Map<Persona, string>();

type Case = TlpCase;
const SKIP = new Set(['AMBER_STRICT to VIETTEL', 'RED with no recipients', 'RED to MOF']);
const CASES: Case[] = [
  ...TLP_CASES.filter((x) => !SKIP.has(x.name)),
  { name: 'RED advisory by the coordinator to MOF', author: 'VNCERT', tlp: 'RED', recipients: ['MOF'], readers: ['VNCERT', 'MOF'] },
];

/** STIX ids per case: indicator, sighting, incident, its REPORTED note, and the published advisory's report (where a coordinator can publish it). */
const made = new Map<string, string[]>();
let draft = '';
const base = () => taxiiBase(app);
const coll = (id: string) => `${base()}/api/collections/${id}/`;

async function gql(token: string, query: string, variables: Record<string, unknown>) {
  const res = await app.gql(token, query, variables);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!;
}

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  const fx = personas(c);
  for (const [name, members] of [['alliance', ['VIETTEL']], ['finance', ['MOF']]] as const) {
    await gql(await fx('VNCERT').token([Role.ADMIN]), 'mutation($n: String!, $m: [String!]!) { createSharingGroup(name: $n, members: $m) { name } }', { n: name, m: [...members] });
  }
  // Group membership is read when a token is verified: tokens minted after the groups exist.
  for (const p of PERSONAS) {
    admin.set(p, await fx(p).token([Role.ADMIN]));
    viewer.set(p, await fx(p).token([Role.VIEWER]));
  }
  for (const [n, cs] of CASES.entries()) {
    const value = `taxii-case${n}.example.org`;
    const shared = { tlp: cs.tlp, recipients: cs.recipients };
    const tok = admin.get(cs.author)!;
    const d = await gql(tok, `mutation($i: [IndicatorInput!]!, $s: [SightingInput!]!, $inc: IncidentInput!) {
        submitIndicators(input: $i) { results { indicator { id } } }
        reportSightings(input: $s) { results { sighting { id } } }
        reportIncident(input: $inc) { id }
      }`, {
      i: [{ type: 'DOMAIN', value, ...shared }],
      s: [{ type: 'DOMAIN', value, ...shared }],
      inc: { title: `incident ${n}`, category: 'PHISHING', observables: [{ type: 'DOMAIN', value }], ...shared },
    });
    const ids = [`indicator--${d.submitIndicators.results[0].indicator.id}`, `sighting--${d.reportSightings.results[0].sighting.id}`, `incident--${d.reportIncident.id}`];
    const ev = await app.db.query('SELECT id FROM incident_events WHERE incident_id = $1', [d.reportIncident.id]);
    ids.push(`note--${ev[0].id}`);
    // Only a coordinator publishes, and only what it reads: RED from another organisation stays a draft.
    if (cs.tlp !== 'RED' || cs.author === 'VNCERT') {
      const a = await gql(tok, 'mutation($a: AdvisoryInput!) { createAdvisory(input: $a) { id } }', { a: { title: `advisory ${n}`, summary: 's', ...shared } });
      await gql(admin.get('VNCERT')!, 'mutation($id: ID!) { publishAdvisory(id: $id) { id } }', { id: a.createAdvisory.id });
      ids.push(`report--${a.createAdvisory.id}`);
    }
    made.set(cs.name, ids);
  }
  const d = await gql(admin.get('BKAV')!, 'mutation($a: AdvisoryInput!) { createAdvisory(input: $a) { id } }', { a: { title: 'draft', summary: 's', tlp: 'CLEAR' } });
  draft = `report--${d.createAdvisory.id}`;
});
afterAll(() => app?.close());

const FIXED = [INDICATORS_COLLECTION, SIGHTINGS_COLLECTION, INCIDENTS_COLLECTION, ADVISORIES_COLLECTION];
const collectionOf = (stixId: string) =>
  ({ indicator: INDICATORS_COLLECTION, sighting: SIGHTINGS_COLLECTION, incident: INCIDENTS_COLLECTION, note: INCIDENTS_COLLECTION, report: ADVISORIES_COLLECTION })[stixId.split('--')[0]]!;

describe('the TLP matrix over every TAXII collection', () => {
  it.each(PERSONAS)('%s lists, manifests and opens exactly what it may read', async (persona) => {
    const token = viewer.get(persona)!;
    const listed = new Map<string, Set<string>>();
    for (const id of FIXED) {
      const objects = await allOf(token, coll(id));
      const manifest = await allOf(token, coll(id), 'manifest/');
      expect(manifest.map((m) => m.id)).toEqual(objects.map((o) => o.id));
      for (const m of manifest) expect(m.date_added).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      for (const o of objects) expect(schemaErrors(o), o.id).toEqual([]);
      listed.set(id, new Set(objects.map((o) => o.id)));
    }
    for (const cs of CASES) {
      const allowed = cs.readers.includes(persona);
      for (const stixId of made.get(cs.name)!) {
        const col = collectionOf(stixId);
        expect(listed.get(col)!.has(stixId), `${cs.name}: ${stixId.split('--')[0]} listed for ${persona}`).toBe(allowed);
        const one = await taxii(token, `${coll(col)}objects/${stixId}/`);
        expect(one.status, `${cs.name}: ${stixId} by id for ${persona}`).toBe(allowed ? 200 : 404);
        if (allowed) expect(one.body.objects.map((o: any) => o.id)).toEqual([stixId]);
        // An object is only in the collection of its kind.
        expect((await taxii(token, `${coll(col === INDICATORS_COLLECTION ? SIGHTINGS_COLLECTION : INDICATORS_COLLECTION)}objects/${stixId}/`)).status).toBe(404);
      }
    }
    expect(listed.get(ADVISORIES_COLLECTION)!.has(draft), 'drafts are not served').toBe(false);
    const types = (id: string) => new Set([...listed.get(id)!].map((x) => x.split('--')[0]));
    expect(types(INCIDENTS_COLLECTION)).toEqual(new Set(['incident', 'note']));
    expect(types(ADVISORIES_COLLECTION)).toEqual(new Set(['report']));
  });

  it('match[type] narrows the incidents collection to notes, and match[id] to one object', async () => {
    const token = viewer.get('VNCERT')!;
    const notes = await allOf(token, coll(INCIDENTS_COLLECTION), 'objects/', '&match[type]=note');
    expect(notes.length).toBeGreaterThan(0);
    expect(new Set(notes.map((o) => o.type))).toEqual(new Set(['note']));
    const [, , incident] = made.get('CLEAR')!;
    const r = await taxii(token, `${coll(INCIDENTS_COLLECTION)}objects/?match[id]=${incident}`);
    expect(r.body.objects.map((o: any) => o.id)).toEqual([incident]);
    expect(r.body.objects[0].extensions).toBeDefined();
  });
});

describe('collections', () => {
  it('lists the four kinds to everyone and a group collection to its members only, with honest can_write', async () => {
    const [alliance] = await app.db.query(`SELECT id FROM sharing_groups WHERE name = 'alliance'`);
    const [finance] = await app.db.query(`SELECT id FROM sharing_groups WHERE name = 'finance'`);
    const expected: Record<Persona, string[]> = {
      VNCERT: FIXED, BKAV: FIXED, DANANG: FIXED, 'MOF-TAX': FIXED,
      VIETTEL: [...FIXED, groupCollectionId(alliance.id)],
      MOF: [...FIXED, groupCollectionId(finance.id)],
    };
    for (const persona of PERSONAS) {
      const v = await taxii(viewer.get(persona)!, `${base()}/api/collections/`);
      expect(v.body.collections.map((x: any) => x.id), persona).toEqual(expected[persona]);
      for (const x of v.body.collections) expect(x).toMatchObject({ can_read: true, can_write: false, media_types: ['application/taxii+json;version=2.1'] });
      const a = await taxii(admin.get(persona)!, `${base()}/api/collections/`);
      for (const x of a.body.collections) expect(x.can_write, `${persona} ${x.title}`).toBe(FIXED.includes(x.id));
    }
    // A group's collection is missing to non-members, the member's own descendant included.
    expect((await taxii(viewer.get('MOF-TAX')!, coll(groupCollectionId(finance.id)))).status).toBe(404);
    expect((await taxii(viewer.get('BKAV')!, `${coll(groupCollectionId(alliance.id))}objects/`)).status).toBe(404);
    expect((await taxii(viewer.get('MOF')!, coll(groupCollectionId(finance.id)))).body.title).toBe('Sharing group: finance');
  });

  it('a group collection serves exactly the objects shared with the group that the member reads', async () => {
    const [alliance] = await app.db.query(`SELECT id FROM sharing_groups WHERE name = 'alliance'`);
    const [finance] = await app.db.query(`SELECT id FROM sharing_groups WHERE name = 'finance'`);
    const ids = async (persona: Persona, groupId: string) => (await allOf(viewer.get(persona)!, coll(groupCollectionId(groupId)))).map((o) => o.id).sort();
    expect(await ids('VIETTEL', alliance.id)).toEqual([...made.get('AMBER to a group')!].sort());
    expect(await ids('MOF', finance.id)).toEqual([...made.get('AMBER to a group reaches members\' descendants')!, ...made.get('RED to a group reaches members only')!].sort());
    const manifest = await allOf(viewer.get('MOF')!, coll(groupCollectionId(finance.id)), 'manifest/');
    const added = manifest.map((m) => m.date_added);
    expect([...added].sort()).toEqual(added);
  });
});
