import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';

/** STIX 2.1 in: importStix over GraphQL into the real indicator path. */
const t = communityApp();
const tokens: Record<string, string> = {};

const IMPORT = `mutation($bundle: JSONObject!, $atomic: Boolean) { importStix(bundle: $bundle, atomic: $atomic) {
  imported updated rejected results { index id type status reason indicatorIds } } }`;
const CLEAR2 = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
const RED2 = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const WHITE1 = 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9';
const OPENCTI_AMBER_STRICT = 'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37';
const FOREIGN = 'identity--8f7e9b1c-0000-4000-8000-000000000001';

function indicator(pattern: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z',
    pattern, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', created_by_ref: FOREIGN, ...extra,
  };
}
const bundle = (objects: unknown[]) => ({ type: 'bundle', id: `bundle--${randomUUID()}`, objects });

async function indicatorsOf(token: string, value: string) {
  const res = await t.app.gql(token, `query($v: String) { indicators(filter: { value: $v }) { edges { node { id tlp tags confidence author { code } } } } }`, { v: value });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.indicators.edges.map((e: any) => e.node);
}

beforeAll(async () => {
  tokens.viettel = await t.c.viettel.token([Role.CONTRIBUTOR]);
  tokens.viettelViewer = await t.c.viettel.token([Role.VIEWER]);
  tokens.bkav = await t.c.bkav.token([Role.ADMIN]);
});

describe('importStix', () => {
  it('imports supported indicators as the caller, maps TLP markings, keeps provenance and reports every object', async () => {
    const objs = [
      { type: 'identity', spec_version: '2.1', id: FOREIGN, name: 'Elsewhere CERT', identity_class: 'organization', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z' },
      indicator("[ipv4-addr:value = '192.0.2.10']", { object_marking_refs: [CLEAR2], confidence: 80, labels: ['c2'] }),
      indicator("[domain-name:value = 'Bad.Example.']", { object_marking_refs: [WHITE1] }),
      indicator("[url:value = 'http://bad.example/x'] ", { object_marking_refs: [OPENCTI_AMBER_STRICT] }),
      indicator("[file:hashes.'SHA-256' = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' OR file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", { object_marking_refs: [RED2] }),
      indicator("[ipv4-addr:value = '192.0.2.11']"),
      indicator("[ipv4-addr:value = '192.0.2.12' AND domain-name:value = 'x.example']"),
      indicator("[process:name = 'evil.exe']"),
      indicator('sigma rule', { pattern_type: 'sigma' }),
      { type: 'malware', spec_version: '2.1', id: `malware--${randomUUID()}`, name: 'x', is_family: true },
      { type: 'marking-definition', id: CLEAR2 },
      indicator("[ipv4-addr:value = 'not-an-ip']"),
    ];
    const res = await t.app.gql(tokens.viettel, IMPORT, { bundle: bundle(objs) });
    expect(res.body.errors).toBeUndefined();
    const out = res.body.data!.importStix;
    const byIndex = (i: number) => out.results[i];
    expect(byIndex(0).status).toBe('REFERENCE');
    for (const i of [1, 2, 3, 4, 5]) expect(byIndex(i).status, JSON.stringify(byIndex(i))).toBe('IMPORTED');
    expect(byIndex(4).indicatorIds).toHaveLength(2);
    expect(byIndex(6)).toMatchObject({ status: 'REJECTED' });
    expect(byIndex(6).reason).toMatch(/AND/);
    expect(byIndex(7).reason).toMatch(/unsupported object path/);
    expect(byIndex(8).reason).toMatch(/sigma/);
    expect(byIndex(9).reason).toMatch(/malware are not imported/);
    expect(byIndex(10).status).toBe('REFERENCE');
    expect(byIndex(11).status).toBe('REJECTED');
    expect(out).toMatchObject({ imported: 5, rejected: 5 });
    expect(out.results).toHaveLength(objs.length);

    const [ip] = await indicatorsOf(tokens.viettel, '192.0.2.10');
    expect(ip).toMatchObject({ tlp: 'CLEAR', confidence: 80, author: { code: 'VIETTEL' } });
    expect(ip.tags).toEqual(expect.arrayContaining(['c2', `stix:${objs[1].id}`, `stix-source:${FOREIGN}`]));
    expect((await indicatorsOf(tokens.viettel, 'bad.example'))[0].tlp).toBe('CLEAR');
    expect((await indicatorsOf(tokens.viettel, 'http://bad.example/x'))[0].tlp).toBe('AMBER_STRICT');
    expect((await indicatorsOf(tokens.viettel, 'd41d8cd98f00b204e9800998ecf8427e'))[0].tlp).toBe('RED');
    // Unmarked: the organisation's default TLP (AMBER unless changed).
    expect((await indicatorsOf(tokens.viettel, '192.0.2.11'))[0].tlp).toBe('AMBER');
  });

  it('is idempotent: importing the same bundle again changes and duplicates nothing', async () => {
    const b = bundle([indicator("[ipv4-addr:value = '192.0.2.20']", { object_marking_refs: [CLEAR2] })]);
    const first = await t.app.gql(tokens.viettel, IMPORT, { bundle: b });
    const again = await t.app.gql(tokens.viettel, IMPORT, { bundle: b });
    expect(first.body.data!.importStix.imported).toBe(1);
    expect(again.body.data!.importStix.results[0].status).toBe('UNCHANGED');
    expect(again.body.data!.importStix.results[0].indicatorIds).toEqual(first.body.data!.importStix.results[0].indicatorIds);
    expect(await indicatorsOf(tokens.viettel, '192.0.2.20')).toHaveLength(1);
  });

  it('round-trips a stixBundle from one organisation into another', async () => {
    await t.app.gql(tokens.bkav, `mutation { submitIndicators(input: [{ type: DOMAIN, value: "roundtrip.example", tlp: GREEN, confidence: 70 }]) { rejected } }`);
    const exp = await t.app.gql(tokens.bkav, `{ stixBundle(types: [INDICATOR], first: 500) { bundle } }`);
    const b = exp.body.data!.stixBundle.bundle;
    const res = await t.app.gql(tokens.viettel, IMPORT, { bundle: b, atomic: true });
    expect(res.body.errors).toBeUndefined();
    const mine = (await indicatorsOf(tokens.viettel, 'roundtrip.example')).filter((i: any) => i.author.code === 'VIETTEL');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ tlp: 'GREEN', confidence: 70 });
    expect(mine[0].tags).toContain(`stix-source:identity--${t.c.bkav.org.id}`);
  });

  it('stores nothing in atomic mode when any object is rejected', async () => {
    const b = bundle([indicator("[ipv4-addr:value = '192.0.2.30']"), indicator("[ipv4-addr:value = '192.0.2.31' AND ipv4-addr:value = '192.0.2.32']")]);
    const res = await t.app.gql(tokens.viettel, IMPORT, { bundle: b, atomic: true });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].extensions?.objects).toHaveLength(1);
    expect(await indicatorsOf(tokens.viettel, '192.0.2.30')).toHaveLength(0);
    const bad = bundle([indicator("[ipv4-addr:value = '192.0.2.33']"), indicator("[ipv4-addr:value = '999.0.2.34']")]);
    const res2 = await t.app.gql(tokens.viettel, IMPORT, { bundle: bad, atomic: true });
    expect(res2.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await indicatorsOf(tokens.viettel, '192.0.2.33')).toHaveLength(0);
  });

  it('needs CONTRIBUTOR', async () => {
    const res = await t.app.gql(tokens.viettelViewer, IMPORT, { bundle: bundle([]) });
    expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses hostile bundles with a clear error and bounded work', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const nested = await t.app.gql(tokens.viettel, IMPORT, { bundle: bundle([indicator("[ipv4-addr:value = '192.0.2.40']", { x_deep: deep })]) });
    expect(nested.body.errors?.[0].message).toMatch(/nested deeper/);
    const many = await t.app.gql(tokens.viettel, IMPORT, { bundle: { type: 'bundle', id: 'bundle--x', objects: Array.from({ length: 100_000 }, () => 0) } });
    expect(many.status === 413 || /at most 5000 objects/.test(many.body.errors?.[0].message ?? '')).toBe(true);
    const huge = "[ipv4-addr:value = '" + 'a'.repeat(9000) + "']";
    const unterminated = "[url:value = '" + "\\'".repeat(3000);
    const ors = '[' + Array.from({ length: 200 }, (_, i) => `ipv4-addr:value = '192.0.2.${i % 250}'`).join(' OR ') + ']';
    const res = await t.app.gql(tokens.viettel, IMPORT, { bundle: bundle([indicator(huge), indicator(unterminated), indicator(ors), indicator("[ipv4-addr:value = '192.0.2.41'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'")]) });
    expect(res.body.errors).toBeUndefined();
    const reasons = res.body.data!.importStix.results.map((r: any) => r.reason);
    expect(reasons[0]).toMatch(/longer than/);
    expect(reasons[1]).toMatch(/unterminated/);
    expect(reasons[2]).toMatch(/more than 100 comparisons/);
    expect(reasons[3]).toMatch(/one observation expression/);
    const notBundle = await t.app.gql(tokens.viettel, IMPORT, { bundle: { type: 'indicator', id: 'x' } });
    expect(notBundle.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
