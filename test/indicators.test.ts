import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { ok } from './support/ranges';

let app: TestApp;
let c: Community;
let bkav: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  bkav = await c.bkav.token([Role.CONTRIBUTOR], 'bkav-feed');
});
afterAll(() => app?.close());

const SUBMIT = `mutation($input: [IndicatorInput!]!, $atomic: Boolean) {
  submitIndicators(input: $input, atomic: $atomic) {
    created updated rejected
    results { index created error { code field message } indicator { id observable { type value } confidence tlp tags threatTypes revoked } }
  }
}`;

async function count(token: string, filter: Record<string, unknown> = {}): Promise<number> {
  const res = await app.gql(token, 'query($f: IndicatorFilter) { indicators(filter: $f) { totalCount } }', { f: filter });
  return res.body.data!.indicators.totalCount;
}

describe('submitIndicators', () => {
  it('stores the good items of a mixed batch and reports each bad one by index and rule', async () => {
    const res = await app.gql(bkav, SUBMIT, {
      input: [
        { type: 'IPV4', value: '203.0.113.10', tlp: 'GREEN', threatTypes: ['C2'], tags: ['Mirai'] },
        { type: 'IPV4', value: '203.0.113.999', tlp: 'GREEN' },
        { type: 'DOMAIN', value: 'Mixed-Batch.Example', tlp: 'GREEN' },
        { type: 'MD5', value: 'abc', tlp: 'GREEN' },
        { type: 'URL', value: 'http://x.example/a', tlp: 'GREEN', confidence: 101 },
        { type: 'DOMAIN', value: 'recipient.example', tlp: 'AMBER', recipients: ['NO-SUCH-ORG'] },
      ],
    });
    const p = res.body.data!.submitIndicators;
    expect(p).toMatchObject({ created: 2, updated: 0, rejected: 4 });
    expect(p.results[0]).toMatchObject({ index: 0, created: true, error: null, indicator: { observable: { type: 'IPV4', value: '203.0.113.10' }, tags: ['mirai'], threatTypes: ['C2'] } });
    expect(p.results[1]).toMatchObject({ index: 1, indicator: null, error: { code: 'BAD_USER_INPUT', field: 'input[1].value' } });
    expect(p.results[1].error.message).toMatch(/IPV4 must be a dotted-quad/);
    expect(p.results[2].indicator.observable.value).toBe('mixed-batch.example');
    expect(p.results[3].error).toMatchObject({ field: 'input[3].value' });
    expect(p.results[4].error).toMatchObject({ field: 'input[4].confidence', message: 'input[4].confidence: must be an integer from 0 to 100' });
    expect(p.results[5].error).toMatchObject({ field: 'input[5].recipients[0]' });
    expect(p.results[5].error.message).toMatch(/unknown organisation code or sharing group "NO-SUCH-ORG"/);
    expect(await count(bkav, { valueContains: 'example' })).toBe(1);
  });

  it('is idempotent per (observable, organisation): posting again updates, never duplicates', async () => {
    const first = await app.gql(bkav, SUBMIT, { input: [{ type: 'DOMAIN', value: 'again.example', tlp: 'GREEN', confidence: 30 }] });
    const second = await app.gql(bkav, SUBMIT, { input: [{ type: 'DOMAIN', value: 'AGAIN.example.', tlp: 'GREEN', confidence: 80 }] });
    const a = first.body.data!.submitIndicators;
    const b = second.body.data!.submitIndicators;
    expect(a).toMatchObject({ created: 1, updated: 0 });
    expect(b).toMatchObject({ created: 0, updated: 1 });
    expect(b.results[0].indicator.id).toBe(a.results[0].indicator.id);
    expect(b.results[0].indicator.confidence).toBe(80);
    expect(await count(bkav, { types: ['DOMAIN'], value: 'again.example' })).toBe(1);
  });

  it('answers each item with the indicator exactly as a read of it returns, when created and when updated', async () => {
    const FIELDS = `id observable { id type value } author { code } tlp confidence severity threatTypes tags validFrom validUntil
      description revoked revokedReason firstReported lastReported`;
    const post = async (token: string, input: Record<string, unknown>[]) => {
      const res = await app.gql(token, `mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { results { created indicator { ${FIELDS} } } } }`, { i: input });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.submitIndicators.results as { created: boolean; indicator: Record<string, unknown> }[];
    };
    const read = async (token: string, id: unknown) => (await app.gql(token, `query($id: ID!) { indicator(id: $id) { ${FIELDS} } }`, { id })).body.data!.indicator;
    const items = [
      { type: 'IPV4', value: '203.0.113.41', tlp: 'AMBER', confidence: 77, severity: 'HIGH', threatTypes: ['C2', 'BOTNET', 'C2'], tags: ['Feed-X', 'botnet'] },
      {
        type: 'URL', value: 'http://as-read.example/a', tlp: 'GREEN', description: 'seen in a phishing wave',
        validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z', threatTypes: ['PHISHING'],
      },
      { type: 'DOMAIN', value: 'as-read.example' },
    ];
    const created = await post(bkav, items);
    expect(created.map((r) => r.created)).toEqual([true, true, true]);
    for (const r of created) expect(r.indicator).toEqual(await read(bkav, r.indicator.id));
    expect(created[0].indicator).toMatchObject({ threatTypes: ['C2', 'BOTNET'], tags: ['feed-x', 'botnet'], validUntil: null });

    // Revoked, then posted again by another of the organisation's users, with changes: the update clears the revocation.
    ok(await app.gql(bkav, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "mistake") { revoked } }', { id: created[1].indicator.id }));
    const other = await c.bkav.token([Role.CONTRIBUTOR], 'bkav-analyst');
    const updated = await post(other, [{ ...items[1], confidence: 12, tags: ['again'], validUntil: null }, { ...items[0], tlp: 'GREEN' }]);
    expect(updated.map((r) => r.created)).toEqual([false, false]);
    for (const r of updated) expect(r.indicator).toEqual(await read(other, r.indicator.id));
    expect(updated[0].indicator).toMatchObject({ id: created[1].indicator.id, revoked: false, revokedReason: null, confidence: 12, validUntil: null });
    expect(updated[0].indicator.firstReported).toBe(created[1].indicator.firstReported);
    const [who] = await app.db.query(`SELECT created_by, updated_by FROM indicators WHERE id = $1`, [created[1].indicator.id]);
    expect(who.created_by).not.toBe(who.updated_by);
  });

  it('gives each organisation its own indicator for a shared observable', async () => {
    const viettel = await c.viettel.token([Role.CONTRIBUTOR]);
    await app.gql(bkav, SUBMIT, { input: [{ type: 'IPV4', value: '198.51.100.77', tlp: 'GREEN' }] });
    const res = await app.gql(viettel, SUBMIT, { input: [{ type: 'IPV4', value: '198.51.100.77', tlp: 'GREEN' }] });
    expect(res.body.data!.submitIndicators.created).toBe(1);
    const obs = await app.gql(viettel, '{ observable(type: IPV4, value: "198.51.100.77") { reporters { code } indicators { totalCount } } }');
    expect(obs.body.data!.observable).toEqual({ reporters: [{ code: 'BKAV' }, { code: 'VIETTEL' }], indicators: { totalCount: 2 } });
  });

  it('merges one observable given twice in a call: the last item wins', async () => {
    const res = await app.gql(bkav, SUBMIT, {
      input: [
        { type: 'SHA1', value: 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', tlp: 'GREEN', confidence: 10 },
        { type: 'SHA1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', tlp: 'GREEN', confidence: 90 },
      ],
    });
    const p = res.body.data!.submitIndicators;
    expect(p.created).toBe(1);
    expect(p.results[0].indicator.id).toBe(p.results[1].indicator.id);
    expect(p.results[1].indicator.confidence).toBe(90);
  });

  it('with atomic: true stores nothing when any item is bad', async () => {
    const before = await count(bkav);
    const res = await app.gql(bkav, SUBMIT, {
      atomic: true,
      input: [
        { type: 'DOMAIN', value: 'atomic-good.example', tlp: 'GREEN' },
        { type: 'SHA256', value: 'not-a-hash', tlp: 'GREEN' },
      ],
    });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(/1 of 2 items rejected, nothing was stored/);
    expect(res.body.errors?.[0].extensions?.items).toEqual([expect.objectContaining({ index: 1, field: 'input[1].value' })]);
    expect(await count(bkav)).toBe(before);
  });

  it('refuses more than 5,000 items and an empty batch, naming the argument', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => ({ type: 'DOMAIN', value: `d${i}.example`, tlp: 'GREEN' }));
    const res = await app.gql(bkav, SUBMIT, { input: many });
    expect(res.body.errors?.[0]).toMatchObject({ message: 'input: must contain at most 5000 items', extensions: { code: 'BAD_USER_INPUT' } });
    const empty = await app.gql(bkav, SUBMIT, { input: [] });
    expect(empty.body.errors?.[0].message).toBe('input: must contain at least one item');
  });

  it('stores a batch of 5,000 in one call', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ type: 'IPV4', value: `10.${(i >> 8) & 255}.${i & 255}.1`, tlp: 'GREEN', tags: ['bulk'] }));
    const res = await app.gql(bkav, 'mutation($input: [IndicatorInput!]!) { submitIndicators(input: $input) { created rejected } }', { input: items });
    expect(res.body.data!.submitIndicators).toEqual({ created: 5000, rejected: 0 });
    expect(await count(bkav, { tags: ['bulk'] })).toBe(5000);
  });

  it('rejects an unknown enum value with BAD_USER_INPUT naming it', async () => {
    const res = await app.gql(bkav, SUBMIT, { input: [{ type: 'IPV5', value: '1.2.3.4' }] });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(/IPV5/);
    expect(res.body.errors?.[0].message).toMatch(/ObservableType/);
  });

  it('needs the CONTRIBUTOR role', async () => {
    const viewer = await c.bkav.token([Role.VIEWER]);
    const res = await app.gql(viewer, SUBMIT, { input: [{ type: 'DOMAIN', value: 'viewer.example' }] });
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(res.body.errors?.[0].message).toMatch(/requires role CONTRIBUTOR/);
  });

  it('records who wrote it: organisation, subject, token id and key id', async () => {
    await app.gql(bkav, SUBMIT, { input: [{ type: 'DOMAIN', value: 'provenance.example', tlp: 'GREEN' }] });
    const [row] = await app.db.query(
      `SELECT i.created_by, i.updated_by FROM indicators i JOIN observables o ON o.id = i.observable_id WHERE o.value = 'provenance.example'`,
    );
    expect(row).toEqual({ created_by: 'BKAV/bkav-feed', updated_by: 'BKAV/bkav-feed' });
    const [audit] = await app.db.query(`SELECT organization_code, subject, jti, kid FROM audit_events WHERE action = 'indicator.submit' ORDER BY at DESC LIMIT 1`);
    expect(audit).toMatchObject({ organization_code: 'BKAV', subject: 'bkav-feed', kid: c.bkav.key.kid });
    expect(audit.jti).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('indicators query', () => {
  beforeAll(async () => {
    const cmc = await c.viettel.token([Role.CONTRIBUTOR]);
    await app.gql(cmc, SUBMIT, {
      input: [
        { type: 'DOMAIN', value: 'filter-a.example', tlp: 'GREEN', severity: 'CRITICAL', threatTypes: ['RANSOMWARE'], tags: ['lockbit'], confidence: 95 },
        { type: 'DOMAIN', value: 'filter-b.example', tlp: 'CLEAR', severity: 'LOW', threatTypes: ['PHISHING'], tags: ['kit'], confidence: 20 },
        { type: 'URL', value: 'http://filter-c.example/login', tlp: 'GREEN', severity: 'HIGH', threatTypes: ['PHISHING'], confidence: 70 },
      ],
    });
  });

  const values = async (filter: Record<string, unknown>) => {
    const res = await app.gql(bkav, 'query($f: IndicatorFilter) { indicators(filter: $f, first: 50) { edges { node { observable { value } } } } }', { f: filter });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.indicators.edges.map((e: { node: { observable: { value: string } } }) => e.node.observable.value).sort();
  };

  it('filters by type, severity, TLP, threat type, tag, author, confidence and value', async () => {
    expect(await values({ valueContains: 'filter-', minSeverity: 'HIGH' })).toEqual(['filter-a.example', 'http://filter-c.example/login']);
    expect(await values({ valueContains: 'filter-', tlp: ['CLEAR'] })).toEqual(['filter-b.example']);
    expect(await values({ valueContains: 'filter-', threatTypes: ['PHISHING'] })).toEqual(['filter-b.example', 'http://filter-c.example/login']);
    expect(await values({ tags: ['LockBit'] })).toEqual(['filter-a.example']);
    expect(await values({ valueContains: 'filter-', types: ['URL'] })).toEqual(['http://filter-c.example/login']);
    expect(await values({ valueContains: 'filter-', minConfidence: 60, authors: ['viettel'] })).toEqual(['filter-a.example', 'http://filter-c.example/login']);
    expect(await values({ types: ['DOMAIN'], value: 'FILTER-A.example.' })).toEqual(['filter-a.example']);
    expect(await values({ valueContains: 'filter-', reportedAfter: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  });

  it('pages newest first with stable keyset cursors while rows are added', async () => {
    const q = 'query($after: String) { indicators(first: 2, after: $after, filter: { valueContains: "filter-" }) { totalCount pageInfo { hasNextPage endCursor } edges { node { observable { value } } } } }';
    const p1 = (await app.gql(bkav, q, {})).body.data!.indicators;
    expect(p1.totalCount).toBe(3);
    expect(p1.edges.map((e: any) => e.node.observable.value)).toEqual(['http://filter-c.example/login', 'filter-b.example']);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    // A new row arrives between pages: it must not shift the next page.
    await app.gql(bkav, SUBMIT, { input: [{ type: 'DOMAIN', value: 'filter-new.example', tlp: 'GREEN' }] });
    const p2 = (await app.gql(bkav, q, { after: p1.pageInfo.endCursor })).body.data!.indicators;
    expect(p2.edges.map((e: any) => e.node.observable.value)).toEqual(['filter-a.example']);
    expect(p2.pageInfo.hasNextPage).toBe(false);
  });

  it('rejects a bad cursor and an oversized page, naming the argument', async () => {
    const bad = await app.gql(bkav, '{ indicators(after: "bm90LWEtY3Vyc29y") { totalCount } }');
    expect(bad.body.errors?.[0]).toMatchObject({ message: 'after: is not a cursor this API returned for this list', extensions: { code: 'BAD_USER_INPUT' } });
    const big = await app.gql(bkav, '{ indicators(first: 501) { totalCount } }');
    expect(big.body.errors?.[0]).toMatchObject({ message: 'first: must be between 1 and 500', extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('revokeIndicator', () => {
  it('lets the author revoke; revoked indicators leave default lists', async () => {
    const res = await app.gql(bkav, SUBMIT, { input: [{ type: 'DOMAIN', value: 'revoke-me.example', tlp: 'GREEN' }] });
    const id = res.body.data!.submitIndicators.results[0].indicator.id;
    const viettel = await c.viettel.token([Role.CONTRIBUTOR]);
    const denied = await app.gql(viettel, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "not ours") { id } }', { id });
    expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const empty = await app.gql(bkav, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "  ") { id } }', { id });
    expect(empty.body.errors?.[0].message).toBe('reason: must not be empty');
    const ok = await app.gql(bkav, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "false positive") { revoked revokedReason } }', { id });
    expect(ok.body.data!.revokeIndicator).toEqual({ revoked: true, revokedReason: 'false positive' });
    expect(await count(bkav, { value: 'revoke-me.example', types: ['DOMAIN'] })).toBe(0);
    expect(await count(bkav, { value: 'revoke-me.example', types: ['DOMAIN'], includeRevoked: true })).toBe(1);
  });

  it('rejects a malformed id as bad input', async () => {
    const res = await app.gql(bkav, '{ indicator(id: "42") { id } }');
    expect(res.body.errors?.[0]).toMatchObject({ message: 'id: must be an ID returned by this API', extensions: { code: 'BAD_USER_INPUT' } });
  });
});
