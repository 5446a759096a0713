import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';
import { bundleProblems, schemaErrors } from './support/stix';

/** STIX 2.1 out over GraphQL: every emitted object valid for its OASIS schema, every reference resolvable, the sharing policy applied. */
const t = communityApp();
const tokens: Record<string, string> = {};

const BUNDLE = `query($types: [StixKind!]!, $first: Int, $after: String) {
  stixBundle(types: $types, first: $first, after: $after) { bundle pageInfo { hasNextPage endCursor } } }`;

beforeAll(async () => {
  const { c } = t;
  const all = [Role.ADMIN];
  tokens.bkav = await c.bkav.token(all);
  tokens.vncert = await c.vncert.token(all);
  tokens.danang = await c.danang.token(all);
  tokens.viettel = await c.viettel.token(all);
  const items = [
    { type: 'IPV4', value: '198.51.100.7', tlp: 'CLEAR', tags: ['scan'], threatTypes: ['SCANNER'], validUntil: '2030-01-01T00:00:00Z' },
    { type: 'DOMAIN', value: 'evil.example', tlp: 'GREEN' },
    { type: 'URL', value: "http://evil.example/it's", tlp: 'AMBER', recipients: ['VIETTEL'] },
    { type: 'SHA256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', tlp: 'AMBER_STRICT', recipients: ['VIETTEL'] },
    { type: 'ASN', value: 'AS64500', tlp: 'RED', recipients: ['VIETTEL'] },
    { type: 'CIDR', value: '203.0.113.0/24', tlp: 'CLEAR' },
    { type: 'EMAIL', value: 'boss@evil.example', tlp: 'CLEAR' },
    { type: 'FILE_NAME', value: 'dropper.exe', tlp: 'CLEAR' },
    { type: 'IPV6', value: '2001:db8::1', tlp: 'CLEAR' },
  ];
  const sub = await t.app.gql(tokens.bkav, `mutation($input: [IndicatorInput!]!) { submitIndicators(input: $input) { rejected } }`, { input: items });
  expect(sub.body.data?.submitIndicators.rejected).toBe(0);
  const s = await t.app.gql(tokens.bkav, `mutation($input: [SightingInput!]!) { reportSightings(input: $input) { rejected } }`, {
    input: [{ type: 'IPV4', value: '198.51.100.7', count: 3, tlp: 'GREEN', location: 'edge-fw', note: 'blocked' }],
  });
  expect(s.body.errors).toBeUndefined();
  const inc = await t.app.gql(tokens.bkav, `mutation($input: IncidentInput!) { reportIncident(input: $input) { id } }`, {
    input: { title: 'Phishing wave', category: 'PHISHING', severity: 'HIGH', tlp: 'GREEN', observables: [{ type: 'DOMAIN', value: 'evil.example' }] },
  });
  const incId = inc.body.data!.reportIncident.id;
  const upd = await t.app.gql(tokens.vncert, `mutation($id: ID!) { updateIncident(id: $id, input: { status: TRIAGED, note: "looking" }) { id } }`, { id: incId });
  expect(upd.body.errors).toBeUndefined();
  const adv = await t.app.gql(tokens.vncert, `mutation($input: AdvisoryInput!) { createAdvisory(input: $input) { id } }`, {
    input: { title: 'Patch now', summary: 'A bad bug', severity: 'CRITICAL', tlp: 'CLEAR', cveIds: ['CVE-2026-0001'], observables: [{ type: 'IPV4', value: '198.51.100.7' }] },
  });
  const pub = await t.app.gql(tokens.vncert, `mutation($id: ID!) { publishAdvisory(id: $id) { id } }`, { id: adv.body.data!.createAdvisory.id });
  expect(pub.body.errors).toBeUndefined();
});

async function allPages(token: string, types: string[], first: number) {
  const objects: Record<string, any>[] = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const res = await t.app.gql(token, BUNDLE, { types, first, after });
    expect(res.body.errors).toBeUndefined();
    const page: any = res.body.data!.stixBundle;
    expect(bundleProblems(page.bundle)).toEqual([]);
    objects.push(...page.bundle.objects);
    if (!page.pageInfo.hasNextPage) return objects;
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

describe('STIX 2.1 out', () => {
  it('bundles every kind with valid objects, resolvable references and TLP 2.0 markings', async () => {
    const res = await t.app.gql(tokens.bkav, BUNDLE, { types: ['INDICATOR', 'SIGHTING', 'INCIDENT', 'ADVISORY', 'ORGANIZATION'], first: 100 });
    expect(res.body.errors).toBeUndefined();
    const bundle = res.body.data!.stixBundle.bundle;
    expect(bundleProblems(bundle)).toEqual([]);
    const types = new Set(bundle.objects.map((o: any) => o.type));
    for (const ty of ['indicator', 'sighting', 'incident', 'note', 'report', 'identity', 'marking-definition', 'ipv4-addr', 'domain-name', 'url', 'file', 'autonomous-system', 'email-addr', 'ipv6-addr']) {
      expect(types, ty).toContain(ty);
    }
    const ip = bundle.objects.find((o: any) => o.type === 'indicator' && o.pattern === "[ipv4-addr:value = '198.51.100.7']");
    expect(ip).toMatchObject({ pattern_type: 'stix', confidence: 50, labels: ['scanner', 'scan'], valid_until: '2030-01-01T00:00:00.000Z', created_by_ref: `identity--${t.c.bkav.org.id}` });
    expect(ip.object_marking_refs).toEqual(['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487']);
    expect(bundle.objects.map((o: any) => o.id)).toContain('ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db');
    const inc = bundle.objects.find((o: any) => o.type === 'incident');
    expect(inc.extensions['extension-definition--ef765651-680c-498d-9894-99799f2fa126']).toMatchObject({ investigation_status: 'open', criticality: 70 });
    const notes = bundle.objects.filter((o: any) => o.type === 'note');
    expect(notes.some((n: any) => n.content.includes('looking'))).toBe(true);
    const report = bundle.objects.find((o: any) => o.type === 'report');
    expect(report.object_refs).toEqual(['ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db']);
  });

  it('gives each object a stable stix field that its schema accepts', async () => {
    const q = `{ indicators(first: 50) { edges { node { id stix } } } incidents(first: 5) { edges { node { stix } } } advisories(first: 5) { edges { node { stix } } } me { organization { stix } } }`;
    const res = await t.app.gql(tokens.bkav, q);
    expect(res.body.errors).toBeUndefined();
    const d = res.body.data!;
    for (const n of d.indicators.edges.map((e: any) => e.node)) {
      expect(n.stix.id).toBe(`indicator--${n.id}`);
      expect(schemaErrors(n.stix)).toEqual([]);
    }
    for (const o of [...d.incidents.edges.map((e: any) => e.node), ...d.advisories.edges.map((e: any) => e.node), d.me.organization]) expect(schemaErrors(o.stix)).toEqual([]);
    const again = await t.app.gql(tokens.bkav, q);
    expect(again.body.data).toEqual(d);
  });

  it('pages through each object exactly once and applies the sharing policy', async () => {
    const mine = await allPages(tokens.bkav, ['INDICATOR', 'SIGHTING'], 2);
    const ids = mine.filter((o) => o.type === 'indicator').map((o) => o.id);
    expect(ids.length).toBe(9);
    expect(new Set(ids).size).toBe(9);
    const viettel = (await allPages(tokens.viettel, ['INDICATOR'], 3)).filter((o) => o.type === 'indicator');
    expect(viettel.length).toBe(9);
    // DANANG reads CLEAR and GREEN only: the AMBER, AMBER+STRICT and RED indicators are absent, and so are their markings.
    const danang = await allPages(tokens.danang, ['INDICATOR'], 4);
    expect(danang.filter((o) => o.type === 'indicator').length).toBe(6);
    const markings = danang.filter((o) => o.type === 'marking-definition').map((o) => o.name);
    expect(new Set(markings)).toEqual(new Set(['TLP:CLEAR', 'TLP:GREEN']));
  });

  it('refuses a cursor used with other types', async () => {
    const first = await t.app.gql(tokens.bkav, BUNDLE, { types: ['INDICATOR'], first: 1 });
    const after = first.body.data!.stixBundle.pageInfo.endCursor;
    const res = await t.app.gql(tokens.bkav, BUNDLE, { types: ['SIGHTING'], first: 1, after });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
