import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type GqlResponse, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { countStatements } from './support/sql';

/**
 * ThreatFed as a Federation 2 subgraph, called directly the way a gateway
 * calls it: `_service` behind a token, `_entities` under the sharing policy
 * (hidden answers exactly like missing), its limits, its SQL round trips,
 * and no inline traces.
 */
let app: TestApp;
let c: Community;
const tokens: Record<string, string> = {};

/** Ids of objects only BKAV may read (RED, no recipients), and of objects everyone may read. */
const hidden: Record<string, string> = {};
const open: Record<string, string> = {};
const HIDDEN_VALUE = 'red-only.example.org';
const OPEN_VALUE = 'green.example.org';

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  __typename
  ... on Organization { code kind }
  ... on Observable { id type value }
  ... on Indicator { id tlp author { code } observable { value } }
  ... on Sighting { id count author { code } }
  ... on Incident { id title }
  ... on Advisory { id title status }
  ... on Warning { id warningKind: kind subjectId }
} }`;

const entities = (token: string | null, r: unknown[], query = ENTITIES) => app.gql(token, query, { r });

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  for (const o of [c.vncert, c.bkav, c.viettel, c.mof, c.mofTax, c.danang]) tokens[o.code] = await o.token([Role.ADMIN]);
  const post = async (who: string, tlp: string, value: string) => {
    const res = await app.gql(
      tokens[who],
      `mutation($i: [IndicatorInput!]!, $s: [SightingInput!]!) {
        submitIndicators(input: $i) { results { indicator { id observable { id } } } }
        reportSightings(input: $s) { results { sighting { id } } }
      }`,
      { i: [{ type: 'DOMAIN', value, tlp, severity: 'CRITICAL' }], s: [{ type: 'DOMAIN', value, tlp, count: 2 }] },
    );
    expect(res.body.errors).toBeUndefined();
    const ind = res.body.data!.submitIndicators.results[0].indicator;
    return { indicator: ind.id, observable: ind.observable.id, sighting: res.body.data!.reportSightings.results[0].sighting.id };
  };
  Object.assign(hidden, await post('BKAV', 'RED', HIDDEN_VALUE));
  Object.assign(open, await post('VIETTEL', 'GREEN', OPEN_VALUE));

  const incident = async (who: string, tlp: string) => {
    const res = await app.gql(tokens[who], 'mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }', {
      i: { title: `${tlp} incident`, category: 'INTRUSION', tlp },
    });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.reportIncident.id as string;
  };
  hidden.incident = await incident('BKAV', 'RED');
  open.incident = await incident('VIETTEL', 'CLEAR');

  const advisory = async (who: string, tlp: string) => {
    const res = await app.gql(tokens[who], 'mutation($i: AdvisoryInput!) { createAdvisory(input: $i) { id } }', {
      i: { title: `${tlp} advisory`, summary: 's', tlp },
    });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.createAdvisory.id as string;
  };
  hidden.advisory = await advisory('BKAV', 'RED');
  open.advisory = await advisory('VNCERT', 'CLEAR');
  const pub = await app.gql(tokens.VNCERT, 'mutation($id: ID!) { publishAdvisory(id: $id) { id } }', { id: open.advisory });
  expect(pub.body.errors).toBeUndefined();

  // CRITICAL indicators raised INDICATOR_HIGH_SEVERITY warnings with their TLP.
  const warnings = await app.db.query(`SELECT id, subject_id FROM warnings WHERE subject_id = ANY($1::uuid[])`, [[hidden.indicator, open.indicator]]);
  hidden.warning = warnings.find((w: { subject_id: string }) => w.subject_id === hidden.indicator).id;
  open.warning = warnings.find((w: { subject_id: string }) => w.subject_id === open.indicator).id;
});
afterAll(() => app?.close());

/** A representation of each entity type, by id, from one of the id sets. */
function representations(ids: Record<string, string>, value: string) {
  return [
    { __typename: 'Indicator', id: ids.indicator },
    { __typename: 'Sighting', id: ids.sighting },
    { __typename: 'Observable', id: ids.observable },
    { __typename: 'Observable', type: 'DOMAIN', value },
    { __typename: 'Incident', id: ids.incident },
    { __typename: 'Advisory', id: ids.advisory },
    { __typename: 'Warning', id: ids.warning },
  ];
}

describe('_service', () => {
  const SDL = '{ _service { sdl } }';

  it('needs a valid token', async () => {
    const res = await app.gql(null, SDL);
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data ?? null).toBeNull();
  });

  it('answers any role with the committed subgraph SDL, while introspection stays off', async () => {
    const viewer = await c.danang.token([Role.VIEWER]);
    const res = await app.gql(viewer, SDL);
    expect(res.body.errors).toBeUndefined();
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'subgraph.graphql'), 'utf8');
    expect(res.body.data!._service.sdl).toBe(committed);
    expect(committed).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    const introspection = await app.gql(viewer, '{ __schema { types { name } } }');
    expect(introspection.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('_entities', () => {
  it('resolves every entity type, by each of its keys, for a reader', async () => {
    const res = await entities(tokens.BKAV, [{ __typename: 'Organization', code: 'mof-tax' }, ...representations(hidden, HIDDEN_VALUE)]);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!._entities).toEqual([
      { __typename: 'Organization', code: 'MOF-TAX', kind: 'AGENCY' },
      { __typename: 'Indicator', id: hidden.indicator, tlp: 'RED', author: { code: 'BKAV' }, observable: { value: HIDDEN_VALUE } },
      { __typename: 'Sighting', id: hidden.sighting, count: 2, author: { code: 'BKAV' } },
      { __typename: 'Observable', id: hidden.observable, type: 'DOMAIN', value: HIDDEN_VALUE },
      { __typename: 'Observable', id: hidden.observable, type: 'DOMAIN', value: HIDDEN_VALUE },
      { __typename: 'Incident', id: hidden.incident, title: 'RED incident' },
      { __typename: 'Advisory', id: hidden.advisory, title: 'RED advisory', status: 'DRAFT' },
      { __typename: 'Warning', id: hidden.warning, warningKind: 'INDICATOR_HIGH_SEVERITY', subjectId: hidden.indicator },
    ]);
  });

  it('answers a hidden object of every type exactly like a missing one, for every other organisation', async () => {
    const missing = { indicator: randomUUID(), sighting: randomUUID(), observable: randomUUID(), incident: randomUUID(), advisory: randomUUID(), warning: randomUUID() };
    for (const who of ['VNCERT', 'VIETTEL', 'MOF', 'MOF-TAX', 'DANANG']) {
      const seen = await entities(tokens[who], representations(hidden, HIDDEN_VALUE));
      const none = await entities(tokens[who], representations(missing, 'never-posted.example.org'));
      expect(seen.status, who).toBe(none.status);
      expect(seen.body, who).toEqual(none.body);
      expect(seen.body, who).toEqual({ data: { _entities: [null, null, null, null, null, null, null] } });
      // ...while what is shared with everyone resolves for the same caller in the same call.
      const mixed = await entities(tokens[who], [...representations(hidden, HIDDEN_VALUE), ...representations(open, OPEN_VALUE)]);
      expect(mixed.body.errors).toBeUndefined();
      expect(mixed.body.data!._entities.slice(0, 7), who).toEqual([null, null, null, null, null, null, null]);
      expect(mixed.body.data!._entities.slice(7).map((e: { id: string } | null) => e?.id), who).toEqual([
        open.indicator,
        open.sighting,
        open.observable,
        open.observable,
        open.incident,
        open.advisory,
        open.warning,
      ]);
    }
  });

  it('resolves an unknown organisation code to null', async () => {
    const res = await entities(tokens.DANANG, [{ __typename: 'Organization', code: 'NOPE' }]);
    expect(res.body).toEqual({ data: { _entities: [null] } });
  });

  it('refuses more than 500 representations as bad input, not a server error', async () => {
    const r = Array.from({ length: 501 }, () => ({ __typename: 'Indicator', id: randomUUID() }));
    const res = await entities(tokens.DANANG, r, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Indicator { id } } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({
      message: 'representations: must have at most 500 items',
      extensions: { code: 'BAD_USER_INPUT', field: 'representations' },
    });
  });

  it('refuses a bad representation alone, as bad input, and resolves the others', async () => {
    const res = await entities(tokens.DANANG, [
      { __typename: 'Indicator', id: open.indicator },
      { __typename: 'Indicator', id: 'not-an-id' },
      { __typename: 'SigningKey', id: randomUUID() },
      { id: open.indicator },
      { __typename: 'Observable', type: 'DOMAIN', value: 'not a domain' },
      { __typename: 'Observable', type: 'PHONE', value: '123' },
      { __typename: 'Organization' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data!._entities.map((e: { id?: string } | null) => e?.id ?? null)).toEqual([open.indicator, null, null, null, null, null, null]);
    const errors = (res.body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.field]);
    expect(errors).toEqual([
      ['_entities.1', 'BAD_USER_INPUT', 'id'],
      ['_entities.2', 'BAD_USER_INPUT', 'representations[2].__typename'],
      ['_entities.3', 'BAD_USER_INPUT', 'representations[3].__typename'],
      ['_entities.4', 'BAD_USER_INPUT', 'value'],
      ['_entities.5', 'BAD_USER_INPUT', 'type'],
      ['_entities.6', 'BAD_USER_INPUT', 'code'],
    ]);
  });

  it('needs a token like every other field', async () => {
    const res = await entities(null, [{ __typename: 'Indicator', id: open.indicator }]);
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('no inline traces', () => {
  it('ignores a gateway asking for ftv1', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.BKAV}`, 'apollo-federation-include-trace': 'ftv1' },
      body: JSON.stringify({ query: ENTITIES, variables: { r: [{ __typename: 'Indicator', id: hidden.indicator }] } }),
    });
    const body = (await res.json()) as GqlResponse['body'] & { extensions?: Record<string, unknown> };
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities[0].id).toBe(hidden.indicator);
    expect(body.extensions?.ftv1).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('ftv1');
  });
});

describe('round trips', () => {
  it('take a constant number of statements per entity type, however many representations', async () => {
    // Up to 500 representations: the real rows of every type, then fresh ids and values.
    const batch = (n: number) => {
      const fill = Array.from({ length: n }, (_, i) => i);
      return [
        ...representations(open, OPEN_VALUE),
        ...fill.map(() => ({ __typename: 'Indicator', id: randomUUID() })),
        ...fill.map(() => ({ __typename: 'Sighting', id: randomUUID() })),
        ...fill.map(() => ({ __typename: 'Observable', id: randomUUID() })),
        ...fill.map((i) => ({ __typename: 'Observable', type: 'DOMAIN', value: `n${i}.example.net` })),
        ...fill.map(() => ({ __typename: 'Incident', id: randomUUID() })),
        ...fill.map(() => ({ __typename: 'Advisory', id: randomUUID() })),
        ...fill.map(() => ({ __typename: 'Warning', id: randomUUID() })),
        ...fill.map((i) => ({ __typename: 'Organization', code: `ORG${i}` })),
      ];
    };
    // Warm what the instance keeps (token, read budget, directory), so that both batches count alike.
    await entities(tokens.VIETTEL, batch(1));
    await entities(tokens.VIETTEL, batch(1));
    const small = await countStatements(() => entities(tokens.VIETTEL, batch(1)));
    const large = await countStatements(() => entities(tokens.VIETTEL, batch(61)));
    expect(batch(61).length).toBe(495);
    expect(large.result.body.errors).toBeUndefined();
    expect(large.result.body.data!._entities).toHaveLength(495);
    expect(large.result.body.data!._entities[0]).toMatchObject({ id: open.indicator, author: { code: 'VIETTEL' }, observable: { value: OPEN_VALUE } });
    // One per loader (8: organisations by code, observables by id and by value, indicators, sightings,
    // incidents, advisories, warnings); token, read budget and authors from the instance.
    expect(large.statements.length, large.statements.join('\n---\n')).toBe(small.statements.length);
    expect(large.statements.length, large.statements.join('\n---\n')).toBeLessThanOrEqual(9);
  });
});

describe('query limits apply to _entities', () => {
  const indicators = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Indicator', id: randomUUID() }));
  const incidents = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Incident', id: randomUUID() }));
  const observables = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Observable', id: randomUUID() }));
  // The fragments cost 13 and 12: 250 entities of each cost 6,251 counted per type, 12,501 if every fragment counted for every entity.
  const TWO_TYPES = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Indicator { id tlp severity confidence tags description revoked validFrom author { code name kind region } }
    ... on Incident { id tlp severity status title category createdAt author { code name kind region } }
  } }`;

  it('a full gateway batch pays per entity for its own type, and passes', async () => {
    const res = await entities(tokens.DANANG, [...indicators(250), ...incidents(250)], TWO_TYPES);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!._entities).toHaveLength(500);
  });

  it('a batch whose entities each select too much is refused like any costly query', async () => {
    // 151 per observable (a default page of 50 indicators): 500 of them cost 75,501.
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Observable { indicators { edges { node { id } } } } } }';
    const res = await entities(tokens.DANANG, observables(500), q);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/query cost \d+ exceeds the limit of 10000/);
    // The same selection for a handful of entities is fine.
    expect((await entities(tokens.DANANG, observables(5), q)).body.errors).toBeUndefined();
  });

  it('representations passed as a literal count too', async () => {
    const literal = `{ _entities(representations: [${Array.from({ length: 70 }, () => `{ __typename: "Observable", id: "${randomUUID()}" }`).join(', ')}]) {
      ... on Observable { indicators { edges { node { id } } } }
    } }`;
    expect((await app.gql(tokens.DANANG, literal)).body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('depth and aliases are limited as anywhere else', async () => {
    const deep = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Indicator { author { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } } } }`;
    expect((await entities(tokens.DANANG, indicators(1), deep)).body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const aliases = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Indicator { ${Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ')} } } }`;
    const res = await entities(tokens.DANANG, indicators(1), aliases);
    expect(res.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/16 aliases exceed the limit of 15/);
  });
});
