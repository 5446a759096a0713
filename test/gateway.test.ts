import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type GqlResponse, type TestApp } from './support/app';
import { community, PERSONAS, personas, type Community, type Persona } from './support/fixtures';
import { INVENTORY_SDL, startInventory, type Inventory } from './support/inventory';
import { startProcess } from './support/process';

/**
 * ThreatFed composed with an agency's asset inventory behind a real gateway
 * (Hive Gateway, in process, built by the documented example
 * docs/examples/federation/gateway.mjs): joined data, the caller's token
 * forwarded to every subgraph, and the TLP matrix unchanged through it.
 */
interface GatewayExample {
  fetchSdl(url: string, token: string): Promise<string>;
  composeSupergraph(subgraphs: { name: string; url: string; sdl: string }[]): string;
  createGateway(supergraphSdl: string, opts?: { logging?: boolean | string }): http.RequestListener & { dispose(): Promise<void> };
}

const EXAMPLE = path.join(__dirname, '..', 'docs', 'examples', 'federation', 'gateway.mjs');

let app: TestApp;
let c: Community;
let inventory: Inventory;
let gateway: ReturnType<GatewayExample['createGateway']>;
let gatewayServer: http.Server;
let gatewayUrl: string;
const tokens = {} as Record<Persona, string>;

interface Shared {
  name: string;
  id: string;
  readers: Persona[];
}
const indicators: Shared[] = [];
const incidents: Shared[] = [];
const advisories: Shared[] = [];
const EVERYONE = PERSONAS;

async function ok(res: Promise<GqlResponse>): Promise<Record<string, any>> {
  const r = await res;
  expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
  return r.body.data!;
}

/** POSTs one operation to the gateway, as a client of the supergraph would. */
async function viaGateway(token: string, query: string, variables?: Record<string, unknown>): Promise<GqlResponse> {
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResponse['body'] };
}

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  const who = personas(c);
  for (const p of PERSONAS) tokens[p] = await who(p).token([Role.ADMIN]);

  const indicator = async (name: string, author: Persona, tlp: string, recipients: string[], readers: Persona[]) => {
    const d = await ok(app.gql(tokens[author], 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { results { indicator { id } } } }', {
      i: [{ type: 'DOMAIN', value: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.org`, tlp, recipients }],
    }));
    indicators.push({ name, id: d.submitIndicators.results[0].indicator.id, readers });
  };
  await indicator('GREEN', 'MOF-TAX', 'GREEN', [], EVERYONE);
  await indicator('AMBER to VIETTEL', 'MOF-TAX', 'AMBER', ['VIETTEL'], ['MOF-TAX', 'MOF', 'VNCERT', 'VIETTEL']);
  await indicator('AMBER_STRICT to MOF', 'BKAV', 'AMBER_STRICT', ['MOF'], ['BKAV', 'VNCERT', 'MOF']);
  await indicator('RED to VIETTEL', 'MOF-TAX', 'RED', ['VIETTEL'], ['MOF-TAX', 'VIETTEL']);
  await indicator('RED, no recipients', 'BKAV', 'RED', [], ['BKAV']);

  const incident = async (name: string, author: Persona, tlp: string, recipients: string[], readers: Persona[]) => {
    const d = await ok(app.gql(tokens[author], 'mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }', {
      i: { title: name, category: 'INTRUSION', tlp, recipients },
    }));
    incidents.push({ name, id: d.reportIncident.id, readers });
  };
  await incident('AMBER_STRICT', 'MOF-TAX', 'AMBER_STRICT', [], ['MOF-TAX', 'MOF', 'VNCERT']);
  await incident('RED to VNCERT', 'DANANG', 'RED', ['VNCERT'], ['DANANG', 'VNCERT']);
  await incident('CLEAR', 'BKAV', 'CLEAR', [], EVERYONE);
  await incident('AMBER to VIETTEL', 'MOF', 'AMBER', ['VIETTEL'], ['MOF', 'VNCERT', 'VIETTEL']);

  const advisory = async (name: string, author: Persona, tlp: string, recipients: string[], publish: boolean, readers: Persona[]) => {
    const d = await ok(app.gql(tokens[author], 'mutation($i: AdvisoryInput!) { createAdvisory(input: $i) { id } }', {
      i: { title: name, summary: 'summary', tlp, recipients },
    }));
    if (publish) await ok(app.gql(tokens.VNCERT, 'mutation($id: ID!) { publishAdvisory(id: $id) { id } }', { id: d.createAdvisory.id }));
    advisories.push({ name, id: d.createAdvisory.id, readers });
  };
  await advisory('draft, GREEN', 'BKAV', 'GREEN', [], false, ['BKAV', 'VNCERT']);
  await advisory('published, GREEN', 'VNCERT', 'GREEN', [], true, EVERYONE);
  await advisory('published, AMBER_STRICT to DANANG', 'VNCERT', 'AMBER_STRICT', ['DANANG'], true, ['VNCERT', 'DANANG']);
  await advisory('draft, AMBER', 'MOF-TAX', 'AMBER', [], false, ['MOF-TAX', 'MOF', 'VNCERT']);

  // The agency's inventory knows ThreatFed objects by id only; it cannot tell which a caller may read.
  const ids = (xs: Shared[]) => [...xs.map((x) => x.id), randomUUID()];
  inventory = await startInventory([
    { id: 'sys-1', name: 'Tax portal', owner: 'MOF', indicators: ids(indicators), incidents: ids(incidents), advisories: ids(advisories) },
    { id: 'sys-2', name: 'Tax e-filing', owner: 'MOF', indicators: [], incidents: [], advisories: [] },
    { id: 'sys-3', name: 'City web', owner: 'DANANG', indicators: [], incidents: [], advisories: [] },
  ]);

  const example = (await import(pathToFileURL(EXAMPLE).href)) as GatewayExample;
  const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'subgraph.graphql'), 'utf8');
  // What a gateway reads from ThreatFed is what is committed.
  expect(await example.fetchSdl(app.url, tokens.DANANG)).toBe(committed);
  const supergraph = example.composeSupergraph([
    { name: 'threatfed', url: app.url, sdl: committed },
    { name: 'inventory', url: inventory.url, sdl: INVENTORY_SDL },
  ]);
  gateway = example.createGateway(supergraph, { logging: false });
  gatewayServer = http.createServer(gateway);
  await new Promise<void>((resolve) => gatewayServer.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gatewayServer.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => gatewayServer?.close(resolve));
  await gateway?.dispose();
  await inventory?.stop();
  await app?.close();
});

describe('the supergraph', () => {
  it('joins ThreatFed\'s organisations with the inventory\'s systems, both ways', async () => {
    const down = await ok(viaGateway(tokens.DANANG, '{ organization(code: "MOF") { code name kind systems { name } } }'));
    expect(down.organization).toEqual({ code: 'MOF', name: 'MOF (test)', kind: 'MINISTRY', systems: [{ name: 'Tax portal' }, { name: 'Tax e-filing' }] });
    const up = await ok(viaGateway(tokens.DANANG, '{ systems { name owner { code name children { code } } } }'));
    expect(up.systems).toEqual([
      { name: 'Tax portal', owner: { code: 'MOF', name: 'MOF (test)', children: [{ code: 'MOF-TAX' }] } },
      { name: 'Tax e-filing', owner: { code: 'MOF', name: 'MOF (test)', children: [{ code: 'MOF-TAX' }] } },
      { name: 'City web', owner: { code: 'DANANG', name: 'DANANG (test)', children: [] } },
    ]);
  });

  it('forwards the caller\'s Authorization header to every subgraph', async () => {
    const token = await c.viettel.token([Role.VIEWER], 'gateway-forwarding');
    const before = inventory.authorizations.length;
    const d = await ok(viaGateway(token, '{ me { subject } systems { owner { code } } }'));
    expect(d.me.subject).toBe('gateway-forwarding');
    expect(inventory.authorizations.slice(before)).toEqual([`Bearer ${token}`]);
    // Without a token, ThreatFed and the inventory each refuse their part.
    const anonymous = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { subject } }' }) });
    const body = (await anonymous.json()) as GqlResponse['body'];
    expect(body.data?.me ?? null).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
  });
});

const DIRECT = `{
  indicators(first: 100) { edges { node { id } } }
  incidents(first: 100) { edges { node { id } } }
  advisories(first: 100) { edges { node { id } } }
}`;
const THROUGH_ENTITIES = '{ systems { indicators { id tlp author { code } } incidents { id title } advisories { id title } } }';

const idsOf = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id).sort();
const nonNull = (xs: ({ id: string } | null)[]) => xs.filter((x): x is { id: string } => x !== null).map((x) => x.id).sort();
const expected = (xs: Shared[], p: Persona) => xs.filter((x) => x.readers.includes(p)).map((x) => x.id).sort();

describe.each(PERSONAS)('the TLP matrix through the gateway, for %s', (persona) => {
  it('root lists show exactly what ThreatFed shows directly', async () => {
    const direct = await ok(app.gql(tokens[persona], DIRECT));
    const through = await ok(viaGateway(tokens[persona], DIRECT));
    expect(through).toEqual(direct);
    expect(idsOf(direct.indicators)).toEqual(expected(indicators, persona));
    expect(idsOf(direct.incidents)).toEqual(expected(incidents, persona));
    expect(idsOf(direct.advisories)).toEqual(expected(advisories, persona));
  });

  it('entities the inventory refers to resolve (through _entities) for readers only, and as missing for everyone else', async () => {
    const res = await viaGateway(tokens[persona], THROUGH_ENTITIES);
    const portal = res.body.data!.systems[0];
    const lists = { indicators, incidents, advisories } as const;
    const nulls: string[] = [];
    for (const [field, objects] of Object.entries(lists)) {
      const got = portal[field] as ({ id: string } | null)[];
      // Each list ends with an id that exists nowhere.
      expect(got, field).toHaveLength(objects.length + 1);
      expect(nonNull(got), field).toEqual(expected(objects, persona));
      got.forEach((x, n) => x === null && nulls.push(`${field}.${n}`));
      expect(nulls, field).toContain(`${field}.${objects.length}`);
    }
    // The gateway reports each null entity (its non-null fields came back null): a hidden one exactly like the missing one.
    const errors = res.body.errors ?? [];
    expect([...new Set(errors.map((e) => e.path!.slice(2, 4).join('.')))].sort()).toEqual(nulls.sort());
    expect(new Set(errors.map((e) => JSON.stringify([e.message, e.extensions])))).toEqual(new Set([JSON.stringify(['Unexpected error.', { code: 'INTERNAL_SERVER_ERROR' }])]));
    for (const [n, x] of indicators.entries()) {
      if (x.readers.includes(persona)) expect(portal.indicators[n].author.code).toBeDefined();
    }
  });
});

describe('a direct _entities call for another organisation\'s RED indicator', () => {
  const Q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Indicator { id tlp } } }';
  it.each(['RED, no recipients', 'RED to VIETTEL'])('%s: null for every persona but its readers', async (name) => {
    const red = indicators.find((x) => x.name === name)!;
    for (const persona of PERSONAS) {
      const d = await ok(app.gql(tokens[persona], Q, { r: [{ __typename: 'Indicator', id: red.id }] }));
      expect(d._entities, persona).toEqual([red.readers.includes(persona) ? { id: red.id, tlp: 'RED' } : null]);
    }
  });
});

describe('docs/examples/federation/gateway.mjs', () => {
  it('runs as a command: reads the SDLs with a token, composes, and serves the supergraph', async () => {
    const gw = await startProcess(
      [EXAMPLE, `threatfed=${app.url}`, `inventory=${inventory.url}`],
      { THREATFED_TOKEN: tokens.DANANG, PORT: '0' },
      /gateway listening on (http:\/\/\S+\/graphql)/,
    );
    try {
      const res = await fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.MOF}` },
        body: JSON.stringify({ query: '{ me { organization { code systems { name } } } }' }),
      });
      expect(await res.json()).toEqual({ data: { me: { organization: { code: 'MOF', systems: [{ name: 'Tax portal' }, { name: 'Tax e-filing' }] } } } });
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });
});
