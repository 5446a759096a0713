import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, PERSONAS, personas, TLP_CASES, type Community, type OrgFixture, type Persona } from './support/fixtures';

/**
 * The TLP 2.0 matrix for indicators and sightings: for each case, who reads
 * the object and who does not, through every read path — list, by-id, nested
 * fields, counts and observable aggregates.
 */
let app: TestApp;
let c: Community;
const tokens = new Map<string, string>();

const CASES = TLP_CASES;

function fixture(code: Persona): OrgFixture {
  return personas(c)(code);
}

const ids = new Map<string, { indicator: string; sighting: string; value: string }>();

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  for (const p of PERSONAS) tokens.set(p, await fixture(p).token([Role.ADMIN]));
  const admin = tokens.get('VNCERT')!;
  for (const [name, members] of [['alliance', ['VIETTEL']], ['finance', ['MOF']]] as const) {
    const res = await app.gql(admin, 'mutation($n: String!, $m: [String!]!) { createSharingGroup(name: $n, members: $m) { name } }', { n: name, m: [...members] });
    expect(res.body.errors).toBeUndefined();
  }
  // Group membership is read when a token is verified: mint the personas' tokens again.
  for (const p of PERSONAS) tokens.set(p, await fixture(p).token([Role.ADMIN]));

  for (const [n, cs] of CASES.entries()) {
    const value = `case${n}.example.org`;
    const res = await app.gql(
      tokens.get(cs.author)!,
      `mutation($i: [IndicatorInput!]!, $s: [SightingInput!]!) {
        submitIndicators(input: $i) { rejected results { indicator { id } } }
        reportSightings(input: $s) { rejected results { sighting { id } } }
      }`,
      {
        i: [{ type: 'DOMAIN', value, tlp: cs.tlp, recipients: cs.recipients, confidence: 60 }],
        s: [{ type: 'DOMAIN', value, tlp: cs.tlp, recipients: cs.recipients, count: 7 }],
      },
    );
    expect(res.body.errors).toBeUndefined();
    ids.set(cs.name, {
      indicator: res.body.data!.submitIndicators.results[0].indicator.id,
      sighting: res.body.data!.reportSightings.results[0].sighting.id,
      value,
    });
  }
});
afterAll(() => app?.close());

describe.each(CASES)('$name', (cs) => {
  it.each(PERSONAS)('%s reads it only if allowed, through every path', async (persona) => {
    const allowed = cs.readers.includes(persona);
    const { indicator, value } = ids.get(cs.name)!;
    const res = await app.gql(
      tokens.get(persona)!,
      `query($id: ID!, $v: String!) {
        indicator(id: $id) { id tlp author { code } }
        indicators(filter: { types: [DOMAIN], value: $v }) { totalCount edges { node { id } } }
        observable(type: DOMAIN, value: $v) {
          indicators { totalCount }
          sightings { totalCount edges { node { count } } }
          stats { indicatorCount sightingCount maxConfidence }
          reporters { code }
        }
      }`,
      { id: indicator, v: value },
    );
    expect(res.body.errors).toBeUndefined();
    const d = res.body.data!;
    if (allowed) {
      expect(d.indicator).toEqual({ id: indicator, tlp: cs.tlp, author: { code: cs.author } });
      expect(d.indicators.totalCount).toBe(1);
      expect(d.indicators.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([indicator]);
      expect(d.observable).toEqual({
        indicators: { totalCount: 1 },
        sightings: { totalCount: 1, edges: [{ node: { count: 7 } }] },
        stats: { indicatorCount: 1, sightingCount: 7, maxConfidence: 60 },
        reporters: [{ code: cs.author }],
      });
    } else {
      expect(d.indicator).toBeNull();
      expect(d.indicators).toEqual({ totalCount: 0, edges: [] });
      expect(d.observable).toBeNull();
    }
  });
});

describe('hidden looks like missing', () => {
  it('a hidden indicator answers exactly like a random id', async () => {
    const { indicator } = ids.get('RED with no recipients')!;
    const q = 'query($id: ID!) { indicator(id: $id) { id } }';
    const hidden = await app.gql(tokens.get('DANANG')!, q, { id: indicator });
    const missing = await app.gql(tokens.get('DANANG')!, q, { id: randomUUID() });
    expect(hidden.status).toBe(missing.status);
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.body).toEqual({ data: { indicator: null } });
  });

  it('revoking a hidden indicator fails exactly like revoking a missing one', async () => {
    const { indicator } = ids.get('RED with no recipients')!;
    const q = 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "x") { id } }';
    const hidden = await app.gql(tokens.get('VNCERT')!, q, { id: indicator });
    const missingId = randomUUID();
    const missing = await app.gql(tokens.get('VNCERT')!, q, { id: missingId });
    expect(hidden.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(hidden.body.errors?.[0].message.replace(indicator, 'ID')).toBe(missing.body.errors?.[0].message.replace(missingId, 'ID'));
  });

  it('posting an observable that exists but is hidden behaves like posting a new one', async () => {
    const { value } = ids.get('RED with no recipients')!;
    const res = await app.gql(
      tokens.get('DANANG')!,
      `mutation($v: String!) { submitIndicators(input: [{ type: DOMAIN, value: $v, tlp: GREEN, confidence: 20 }]) { created updated results { created indicator { author { code } } } } }`,
      { v: value },
    );
    expect(res.body.data?.submitIndicators).toEqual({ created: 1, updated: 0, results: [{ created: true, indicator: { author: { code: 'DANANG' } } }] });
    const seen = await app.gql(tokens.get('DANANG')!, 'query($v: String!) { observable(type: DOMAIN, value: $v) { reporters { code } stats { indicatorCount maxConfidence sightingCount } } }', { v: value });
    expect(seen.body.data?.observable).toEqual({ reporters: [{ code: 'DANANG' }], stats: { indicatorCount: 1, maxConfidence: 20, sightingCount: 0 } });
  });
});

describe('observable aggregates count visible rows only', () => {
  it('hides a RED reporter, its confidence and its sightings from others', async () => {
    const value = 'aggregate.example.net';
    const post = (who: Persona, tlp: string, confidence: number, count: number) =>
      app.gql(
        tokens.get(who)!,
        `mutation($v: String!, $t: Tlp!, $c: Int!, $n: Int!) {
          submitIndicators(input: [{ type: DOMAIN, value: $v, tlp: $t, confidence: $c, severity: CRITICAL }]) { rejected }
          reportSightings(input: [{ type: DOMAIN, value: $v, tlp: $t, count: $n }]) { rejected }
        }`,
        { v: value, t: tlp, c: confidence, n: count },
      );
    await post('BKAV', 'RED', 99, 1000);
    await post('VIETTEL', 'GREEN', 40, 3);
    const q = `query($v: String!) { observable(type: DOMAIN, value: $v) { reporters { code } stats { indicatorCount maxConfidence maxSeverity sightingCount } } }`;
    const outsider = await app.gql(tokens.get('DANANG')!, q, { v: value });
    expect(outsider.body.data?.observable).toEqual({
      reporters: [{ code: 'VIETTEL' }],
      stats: { indicatorCount: 1, maxConfidence: 40, maxSeverity: 'CRITICAL', sightingCount: 3 },
    });
    const author = await app.gql(tokens.get('BKAV')!, q, { v: value });
    expect(author.body.data?.observable).toEqual({
      reporters: [{ code: 'BKAV' }, { code: 'VIETTEL' }],
      stats: { indicatorCount: 2, maxConfidence: 99, maxSeverity: 'CRITICAL', sightingCount: 1003 },
    });
  });
});

describe('recipients are shown only to those allowed to know them', () => {
  it('the author and a coordinator see them; a recipient does not', async () => {
    const { indicator } = ids.get('AMBER to VIETTEL')!;
    const q = 'query($id: ID!) { indicator(id: $id) { recipients } }';
    expect((await app.gql(tokens.get('MOF-TAX')!, q, { id: indicator })).body.data?.indicator.recipients).toEqual(['VIETTEL']);
    expect((await app.gql(tokens.get('MOF')!, q, { id: indicator })).body.data?.indicator.recipients).toEqual(['VIETTEL']);
    expect((await app.gql(tokens.get('VNCERT')!, q, { id: indicator })).body.data?.indicator.recipients).toEqual(['VIETTEL']);
    expect((await app.gql(tokens.get('VIETTEL')!, q, { id: indicator })).body.data?.indicator.recipients).toBeNull();
  });
});
