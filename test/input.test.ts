import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { AUDIENCE, startTestApp, type GqlResponse, type TestApp } from './support/app';
import { community, type Community, type OrgFixture } from './support/fixtures';

/**
 * Text that PostgreSQL cannot store (NUL), that terminals and viewers act on
 * (control characters) or that displays in another order than it is stored
 * (bidirectional overrides) is refused as BAD_USER_INPUT naming the field,
 * per item in bulk calls; tokens carrying it are refused as UNAUTHENTICATED.
 */

const NUL = '\u0000';
const RLO = '\u202e';

let app: TestApp;
let c: Community;
const tok: Record<'contributor' | 'reporter' | 'analyst' | 'admin', string> = { contributor: '', reporter: '', analyst: '', admin: '' };
let incidentId: string;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  tok.contributor = await c.bkav.token([Role.CONTRIBUTOR], 'bkav-feed');
  tok.reporter = await c.mofTax.token([Role.REPORTER], 'it.officer');
  tok.analyst = await c.vncert.token([Role.ANALYST], 'analyst.1');
  tok.admin = await c.vncert.token([Role.ADMIN], 'platform.admin');
  const inc = await app.gql(tok.reporter, 'mutation { reportIncident(input: { title: "Defaced portal", category: INTRUSION }) { id } }');
  incidentId = inc.body.data!.reportIncident.id;
});
afterAll(() => app?.close());

const SUBMIT = `mutation($input: [IndicatorInput!]!) {
  submitIndicators(input: $input) {
    created rejected results { index error { code field message } indicator { observable { type value } description tags } }
  }
}`;
const SIGHT = `mutation($input: [SightingInput!]!) {
  reportSightings(input: $input) { accepted rejected results { index error { code field message } sighting { id note location } } }
}`;

function firstError(res: GqlResponse) {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
  return res.body.errors![0];
}

async function count(filter: Record<string, unknown>): Promise<number> {
  const res = await app.gql(tok.contributor, 'query($f: IndicatorFilter) { indicators(filter: $f) { totalCount } }', { f: filter });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.indicators.totalCount;
}

describe('bulk calls: a NUL in one item rejects that item only', () => {
  it('submitIndicators reports each bad item by index and field and stores the good ones', async () => {
    const res = await app.gql(tok.contributor, SUBMIT, {
      input: [
        { type: 'DOMAIN', value: 'good-one.example', tlp: 'GREEN', description: 'C2 panel\n\tseen twice', tags: ['Mirai'] },
        { type: 'DOMAIN', value: 'bad-tag.example', tlp: 'GREEN', tags: ['ok', `b${NUL}ad`] },
        { type: 'DOMAIN', value: 'bad-recipient.example', tlp: 'AMBER', recipients: ['VIETTEL', `MOF${NUL}`] },
        { type: 'DOMAIN', value: 'bad-description.example', tlp: 'GREEN', description: `before${NUL}after` },
        { type: 'FILE_NAME', value: `x${NUL}.exe`, tlp: 'GREEN' },
        { type: 'FILE_NAME', value: `invoice${RLO}fdp.exe`, tlp: 'GREEN' },
        { type: 'DOMAIN', value: 'bad-escape.example', tlp: 'GREEN', description: 'colour \u001b[31mred' },
        { type: 'DOMAIN', value: 'good-two.example', tlp: 'AMBER', recipients: ['VIETTEL'] },
      ],
    });
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const p = res.body.data!.submitIndicators;
    expect(p).toMatchObject({ created: 2, rejected: 6 });
    const err = (i: number) => p.results[i].error;
    expect(err(1)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input[1].tags[1]' });
    expect(err(2)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input[2].recipients[1]' });
    expect(err(3)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input[3].description',
      message: 'input[3].description: must not contain control characters (NUL, U+0000, at index 6)',
    });
    expect(err(4)).toMatchObject({ field: 'input[4].value', message: 'input[4].value: FILE_NAME must not contain control characters (NUL, U+0000, at index 1)' });
    expect(err(5).message).toBe('input[5].value: FILE_NAME must not contain bidirectional override or isolate characters (U+202E at index 7)');
    expect(err(6).message).toMatch(/^input\[6\]\.description: must not contain control characters other than tab, line feed and carriage return \(U\+001B/);
    for (const i of [1, 2, 4]) expect(err(i).message).toMatch(/NUL, U\+0000/);
    expect(p.results[0]).toMatchObject({ error: null, indicator: { description: 'C2 panel\n\tseen twice', tags: ['mirai'] } });
    expect(p.results[7]).toMatchObject({ error: null, indicator: { observable: { value: 'good-two.example' } } });
    expect(await count({ valueContains: 'good-' })).toBe(2);
    expect(await count({ valueContains: 'bad-' })).toBe(0);
  });

  it('reportSightings reports each bad item by index and field and stores the good ones', async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const res = await app.gql(tok.reporter, SIGHT, {
      input: [
        { type: 'IPV4', value: '203.0.113.50', note: 'first line\nsecond line', location: 'Hà Nội' },
        { type: 'IPV4', value: '203.0.113.51', note: `n${NUL}` },
        { type: 'IPV4', value: '203.0.113.52', location: `Hà${NUL}Nội` },
        { type: 'IPV4', value: '203.0.113.53', recipients: [`VNCERT${NUL}`] },
        { type: 'IPV4', value: '203.0.113.54', location: 'line\nbreak' },
        { type: 'IPV4', value: '203.0.113.55', firstSeen: '2999-01-01T00:00:00Z' },
        { type: 'IPV4', value: '203.0.113.56', lastSeen: '2999-01-01T00:00:00Z' },
        { type: 'IPV4', value: '203.0.113.57', firstSeen: soon, lastSeen: soon },
        { type: 'IPV4', value: '203.0.113.58', note: 'NULL, "quoted" {braced} back\\slash\t', location: '' },
      ],
    });
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const p = res.body.data!.reportSightings;
    expect(p).toMatchObject({ accepted: 3, rejected: 6 });
    const fields = p.results.map((r: { error: { field: string } | null }) => r.error?.field ?? null);
    expect(fields).toEqual([
      null, 'input[1].note', 'input[2].location', 'input[3].recipients[0]', 'input[4].location',
      'input[5].firstSeen', 'input[6].lastSeen', null, null,
    ]);
    expect(p.results[5].error.message).toBe("input[5].firstSeen: must not be in the future (more than 5 minutes ahead of the server's clock)");
    expect(p.results[4].error.message).toMatch(/must not contain control characters, tabs or line breaks \(U\+000A at index 4\)/);
    expect(p.results[0].sighting).toMatchObject({ note: 'first line\nsecond line', location: 'Hà Nội' });
    // The bulk statement's array literals carry what an array literal would otherwise read as syntax.
    expect(p.results[8].sighting).toMatchObject({ note: 'NULL, "quoted" {braced} back\\slash', location: null });
  });
});

/** [call, who, query, variables, field]: one field at a time carries a NUL; each must come back as BAD_USER_INPUT naming it. */
type Case = [string, keyof typeof tok, string, () => Record<string, unknown>, string];
const ADV = 'mutation($i: AdvisoryInput!) { createAdvisory(input: $i) { id } }';
const adv = (extra: Record<string, unknown>) => ({ i: { title: 'Advisory', summary: 'Summary', ...extra } });
const INC = 'mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }';
const inc = (extra: Record<string, unknown>) => ({ i: { title: 'Incident', category: 'MALWARE', ...extra } });
const IND_LIST = 'query($f: IndicatorFilter) { indicators(filter: $f) { totalCount } }';
const INC_LIST = 'query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }';
const ADV_LIST = 'query($f: AdvisoryFilter) { advisories(filter: $f) { totalCount } }';
const REG = 'mutation($i: OrganizationInput!) { registerOrganization(input: $i) { code } }';
const reg = (extra: Record<string, unknown>) => ({ i: { code: 'NEW-ORG', name: 'New organisation', kind: 'AGENCY', ...extra } });
const JWK = { kty: 'EC', crv: 'P-256', kid: 'k1', x: 'x', y: 'y' };

const CASES: Case[] = [
  ['revokeIndicator', 'contributor', 'mutation($id: ID!, $r: String!) { revokeIndicator(id: $id, reason: $r) { id } }', () => ({ id: randomUUID(), r: `dup${NUL}` }), 'reason'],
  ['indicators', 'contributor', IND_LIST, () => ({ f: { value: `x${NUL}` } }), 'filter.value'],
  ['indicators', 'contributor', IND_LIST, () => ({ f: { types: ['DOMAIN'], value: `x${NUL}.com` } }), 'filter.value'],
  ['indicators', 'contributor', IND_LIST, () => ({ f: { valueContains: `x${NUL}` } }), 'filter.valueContains'],
  ['indicators', 'contributor', IND_LIST, () => ({ f: { tags: ['ok', `t${NUL}`] } }), 'filter.tags[1]'],
  ['indicators', 'contributor', IND_LIST, () => ({ f: { authors: [`BKAV${NUL}`] } }), 'filter.authors[0]'],
  ['observable', 'contributor', 'query($v: String!) { observable(type: DOMAIN, value: $v) { value } }', () => ({ v: `a${NUL}.com` }), 'value'],
  ['setAssetRanges', 'reporter', 'mutation($r: [String!]!) { setAssetRanges(ranges: $r) { cidr } }', () => ({ r: [`10.0.0.0/8${NUL}`] }), 'ranges[0]'],
  ['exposure', 'analyst', 'query($r: [String!]) { exposure(ranges: $r) { totalCount } }', () => ({ r: [`10.0.0.1${NUL}`] }), 'ranges[0]'],
  ['reportIncident', 'reporter', INC, () => inc({ title: `T${NUL}` }), 'input.title'],
  ['reportIncident', 'reporter', INC, () => inc({ description: `D${NUL}` }), 'input.description'],
  ['reportIncident', 'reporter', INC, () => inc({ affectedSystems: ['mail', `web${NUL}`] }), 'input.affectedSystems[1]'],
  ['reportIncident', 'reporter', INC, () => inc({ observables: [{ type: 'URL', value: `http://a.example/${NUL}` }] }), 'input.observables[0].value'],
  ['reportIncident', 'reporter', INC, () => inc({ recipients: [`VNCERT${NUL}`] }), 'input.recipients[0]'],
  ['updateIncident', 'reporter', 'mutation($id: ID!) { updateIncident(id: $id, input: { note: "a\\u0000b" }) { id } }', () => ({ id: incidentId }), 'input.note'],
  ['updateIncident', 'analyst', 'mutation($id: ID!, $a: String) { updateIncident(id: $id, input: { assignee: $a }) { id } }', () => ({ id: incidentId, a: `x${NUL}` }), 'input.assignee'],
  ['shareIncident', 'reporter', 'mutation($id: ID!, $r: [String!]!) { shareIncident(id: $id, recipients: $r) { id } }', () => ({ id: incidentId, r: [`BKAV${NUL}`] }), 'recipients[0]'],
  ['incidents', 'reporter', INC_LIST, () => ({ f: { authors: [`MOF${NUL}`] } }), 'filter.authors[0]'],
  ['incidents', 'reporter', INC_LIST, () => ({ f: { assignee: `x${NUL}` } }), 'filter.assignee'],
  ['createAdvisory', 'contributor', ADV, () => adv({ title: `T${NUL}` }), 'input.title'],
  ['createAdvisory', 'contributor', ADV, () => adv({ summary: `S${NUL}` }), 'input.summary'],
  ['createAdvisory', 'contributor', ADV, () => adv({ body: `B${NUL}` }), 'input.body'],
  ['createAdvisory', 'contributor', ADV, () => adv({ cveIds: [`CVE-2024-1234${NUL}`] }), 'input.cveIds[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ affectedProducts: [`P${NUL}`] }), 'input.affectedProducts[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ recommendedActions: [`Patch${NUL}`] }), 'input.recommendedActions[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ audience: { sectors: [`energy${NUL}`] } }), 'input.audience.sectors[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ audience: { regions: [`Hanoi${NUL}`] } }), 'input.audience.regions[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ audience: { organizations: [`MOF${NUL}`] } }), 'input.audience.organizations[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ recipients: [`VIETTEL${NUL}`] }), 'input.recipients[0]'],
  ['createAdvisory', 'contributor', ADV, () => adv({ observables: [{ type: 'SHA256', value: `${'a'.repeat(64)}${NUL}` }] }), 'input.observables[0].value'],
  ['reviseAdvisory', 'contributor', 'mutation($id: ID!, $t: String) { reviseAdvisory(id: $id, input: { title: $t }) { id } }', () => ({ id: randomUUID(), t: `T${NUL}` }), 'input.title'],
  ['withdrawAdvisory', 'analyst', 'mutation($id: ID!, $r: String!) { withdrawAdvisory(id: $id, reason: $r) { id } }', () => ({ id: randomUUID(), r: `R${NUL}` }), 'reason'],
  ['advisories', 'contributor', ADV_LIST, () => ({ f: { cve: `CVE-2024-1234${NUL}` } }), 'filter.cve'],
  ['advisories', 'contributor', ADV_LIST, () => ({ f: { authors: [`BKAV${NUL}`] } }), 'filter.authors[0]'],
  ['registerOrganization', 'admin', REG, () => reg({ code: `NEW${NUL}` }), 'input.code'],
  ['registerOrganization', 'admin', REG, () => reg({ name: `N${NUL}` }), 'input.name'],
  ['registerOrganization', 'admin', REG, () => reg({ sector: `S${NUL}` }), 'input.sector'],
  ['registerOrganization', 'admin', REG, () => reg({ region: `R${NUL}` }), 'input.region'],
  ['registerOrganization', 'admin', REG, () => reg({ parent: `MOF${NUL}` }), 'input.parent'],
  ['updateOrganization', 'admin', 'mutation($c: String!) { updateOrganization(code: $c, input: { sector: "x" }) { code } }', () => ({ c: `BKAV${NUL}` }), 'code'],
  ['updateOrganization', 'admin', 'mutation($n: String) { updateOrganization(code: "BKAV", input: { name: $n }) { code } }', () => ({ n: `B${NUL}` }), 'input.name'],
  ['organization', 'contributor', 'query($c: String!) { organization(code: $c) { code } }', () => ({ c: `BKAV${NUL}` }), 'code'],
  ['registerSigningKey', 'admin', 'mutation($o: String!, $j: JSONObject!) { registerSigningKey(organization: $o, jwk: $j) { kid } }', () => ({ o: `BKAV${NUL}`, j: JWK }), 'organization'],
  ['revokeSigningKey', 'admin', 'mutation($o: String!, $k: String!) { revokeSigningKey(organization: $o, kid: $k) { kid } }', () => ({ o: `BKAV${NUL}`, k: 'k1' }), 'organization'],
  ['revokeSigningKey', 'admin', 'mutation($o: String!, $k: String!) { revokeSigningKey(organization: $o, kid: $k) { kid } }', () => ({ o: 'BKAV', k: `k1${NUL}` }), 'kid'],
  ['createSharingGroup', 'admin', 'mutation($n: String!, $m: [String!]!) { createSharingGroup(name: $n, members: $m) { name } }', () => ({ n: `g${NUL}`, m: [] }), 'name'],
  ['createSharingGroup', 'admin', 'mutation($n: String!, $m: [String!]!) { createSharingGroup(name: $n, members: $m) { name } }', () => ({ n: 'nul members', m: ['BKAV', `MOF${NUL}`] }), 'members[1]'],
];

describe('every text field refuses NUL with BAD_USER_INPUT naming it', () => {
  it.each(CASES)('%s as %s: %#', async (_call, who, query, vars, field) => {
    const e = firstError(await app.gql(tok[who], query, vars()));
    expect(e.extensions?.code, e.message).toBe('BAD_USER_INPUT');
    expect(e.extensions?.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  it('says what is wrong: the NUL, or the pattern the value breaks', async () => {
    const title = firstError(await app.gql(tok.reporter, INC, inc({ title: `Breach${NUL}` })));
    expect(title.message).toBe('input.title: must not contain control characters (NUL, U+0000, at index 6)');
    const code = firstError(await app.gql(tok.admin, REG, reg({ code: `NEW${NUL}` })));
    expect(code.message).toMatch(/NUL, U\+0000, at index 3/);
    const cve = firstError(await app.gql(tok.contributor, ADV, adv({ cveIds: [`CVE-2024-1234${NUL}`] })));
    expect(cve.message).toMatch(/must be a CVE id/);
  });
});

describe('control characters and bidirectional overrides', () => {
  it('keeps titles, names, codes and tags to one plain line', async () => {
    const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
      [tok.reporter, INC, inc({ title: `Invoice ${RLO}fdp.exe` }), 'input.title', /bidirectional override or isolate characters \(U\+202E at index 8\)/],
      [tok.reporter, INC, inc({ title: 'two\nlines' }), 'input.title', /tabs or line breaks \(U\+000A/],
      [tok.reporter, INC, inc({ affectedSystems: ['mail\u0085'] }), 'input.affectedSystems[0]', /U\+0085/],
      [tok.contributor, ADV, adv({ title: `Patch now\u2066` }), 'input.title', /U\+2066/],
      [tok.admin, REG, reg({ name: `Ministry ${RLO}` }), 'input.name', /U\+202E/],
      [tok.admin, 'mutation($n: String!) { createSharingGroup(name: $n, members: []) { name } }', { n: 'ops\u0007' }, 'name', /U\+0007/],
      [tok.contributor, IND_LIST, { f: { tags: ['a\tb'] } }, 'filter.tags[0]', /U\+0009/],
    ];
    for (const [token, query, vars, field, rule] of cases) {
      const e = firstError(await app.gql(token, query, vars));
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(e.message).toMatch(rule);
    }
  });

  it('lets prose keep line breaks and tabs, and surrounding white space is trimmed rather than refused', async () => {
    const res = await app.gql(tok.reporter, 'mutation($i: IncidentInput!) { reportIncident(input: $i) { title description } }', inc({
      title: '  Ransomware at the tax office\n',
      description: 'Steps:\r\n\t1. isolate\r\n\t2. restore',
    }));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.reportIncident).toEqual({ title: 'Ransomware at the tax office', description: 'Steps:\r\n\t1. isolate\r\n\t2. restore' });
    const note = firstError(await app.gql(tok.reporter, `mutation($id: ID!, $n: String!) { updateIncident(id: $id, input: { note: $n }) { id } }`, { id: incidentId, n: 'bell\u0007' }));
    expect(note.message).toMatch(/^input\.note: must not contain control characters other than tab, line feed and carriage return \(U\+0007 at index 4\)/);
  });
});

describe('observable values are refused with an accurate rule instead of being stored in another form', () => {
  it('refuses what used to be stored as something else, and says why', async () => {
    const items: [string, string, RegExp][] = [
      ['EMAIL', 'a@@b.com', /EMAIL must contain exactly one @ \(found 2\)/],
      ['EMAIL', 'a@b', /EMAIL domain \(after @\) must be a host name with at least two labels/],
      ['URL', 'http:///path', /URL must have a host right after :\/\//],
      ['DOMAIN', 'ex%61mple.com', /DOMAIN must not contain % \(percent-encoding is not decoded/],
      ['DOMAIN', 'xn--zz.com', /DOMAIN label "xn--zz" is not valid punycode/],
      ['DOMAIN', 'example.123', /a numeric top-level label is not a domain/],
      ['DOMAIN', 'still-good.example', /^$/],
    ];
    const res = await app.gql(tok.contributor, SUBMIT, { input: items.map(([type, value]) => ({ type, value, tlp: 'GREEN' })) });
    const p = res.body.data!.submitIndicators;
    expect(p).toMatchObject({ created: 1, rejected: 6 });
    items.forEach(([, , rule], i) => {
      if (i === 6) return expect(p.results[i].error).toBeNull();
      expect(p.results[i].error).toMatchObject({ code: 'BAD_USER_INPUT', field: `input[${i}].value` });
      expect(p.results[i].error.message).toMatch(rule);
    });
    expect(await count({ types: ['URL'], value: 'http://path/' })).toBe(0);
    expect(await count({ types: ['DOMAIN'], value: 'example.com' })).toBe(0);
    expect(await count({ valueContains: '@@' })).toBe(0);
  });
});

describe('tokens whose string claims carry control characters', () => {
  const now = () => Math.floor(Date.now() / 1000);
  async function sign(org: OrgFixture, extra: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const payload = { iss: org.code, sub: 'tester', aud: AUDIENCE, iat: now(), exp: now() + 300, jti: randomUUID(), roles: ['VIEWER'], ...extra };
    return new SignJWT(payload).setProtectedHeader({ alg: org.key.alg!, kid: org.key.kid!, ...header }).sign(await importJWK(org.key, org.key.alg!));
  }
  async function expectRefused(token: string, reason: RegExp) {
    const res = await app.gql(token, '{ me { subject } }');
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0].message).toMatch(reason);
  }

  it('refuses them as UNAUTHENTICATED, naming the claim', async () => {
    await expectRefused(await sign(c.bkav, { sub: `svc${NUL}x` }), /claim sub must not contain control characters \(NUL, U\+0000, at index 3\)/);
    await expectRefused(await sign(c.bkav, { sub: `svc${RLO}nimda` }), /claim sub must not contain bidirectional override/);
    await expectRefused(await sign(c.bkav, { jti: `j\u0001` }), /claim jti must not contain control characters/);
    await expectRefused(await sign(c.bkav, { roles: ['VIEWER', `ADMIN${NUL}`] }), /claim roles\[1\] must not contain control characters/);
    await expectRefused(await sign(c.bkav, { iss: `BKAV${NUL}` }), /claim iss must not contain control characters/);
    await expectRefused(await sign(c.bkav, {}, { kid: `${c.bkav.key.kid}${NUL}` }), /header kid must not contain control characters/);
  });

  it('still accepts a plain token from the same key', async () => {
    const res = await app.gql(await sign(c.bkav, { sub: 'svc.ingest-01' }), '{ me { subject } }');
    expect(res.body.data?.me).toEqual({ subject: 'svc.ingest-01' });
  });
});
