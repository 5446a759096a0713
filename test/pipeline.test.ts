import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { countStatements } from './support/sql';

let app: TestApp;
let c: Community;
let bkav: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  bkav = await c.bkav.token([Role.ADMIN]);
  // A group, so that recipients name both organisations and groups.
  const group = await app.gql(bkav, 'mutation { createSharingGroup(name: "stmt-group", members: ["VIETTEL", "MOF"]) { name } }');
  expect(group.body.errors).toBeUndefined();
  // 500 indicators with sightings, each shared with two organisations and the group.
  const input = Array.from({ length: 500 }, (_, i) => ({
    type: 'IPV4',
    value: `198.18.${Math.floor(i / 250)}.${i % 250}`,
    tlp: 'AMBER',
    recipients: ['VIETTEL', 'DANANG', 'stmt-group'],
  }));
  const res = await app.gql(bkav, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', { i: input });
  expect(res.body.data?.submitIndicators.created).toBe(500);
  const sightings = input.slice(0, 100).map(({ type, value }) => ({ type, value, count: 3, tlp: 'GREEN' }));
  const s = await app.gql(bkav, 'mutation($i: [SightingInput!]!) { reportSightings(input: $i) { accepted } }', { i: sightings });
  expect(s.body.data?.reportSightings.accepted).toBe(100);
});
afterAll(() => app?.close());

const PAGE = `query($n: Int) {
  indicators(first: $n) {
    edges { node { id tlp recipients author { code name } observable { type value stats { indicatorCount sightingCount maxConfidence } reporters { code } } } }
  }
}`;

describe('round trips', () => {
  it('a page of 500 indicators with author, observable stats and recipients takes a small constant number of statements', async () => {
    // The instance keeps the token's key row and tree, a grant of the read budget and the organisation directory
    // after first use (while it hears changes: src/common/live-cache.ts): warm them, so both pages count alike.
    await app.gql(bkav, PAGE, { n: 5 });
    await app.gql(bkav, PAGE, { n: 5 });
    const small = await countStatements(() => app.gql(bkav, PAGE, { n: 5 }));
    const large = await countStatements(() => app.gql(bkav, PAGE, { n: 500 }));
    const edges = large.result.body.data!.indicators.edges as { node: { recipients: string[]; author: { code: string }; observable: { stats: { indicatorCount: number } } } }[];
    expect(edges).toHaveLength(500);
    expect(edges[0].node.recipients).toEqual(['VIETTEL', 'DANANG', 'stmt-group']);
    expect(edges.every((e) => e.node.author.code === 'BKAV' && e.node.observable.stats.indicatorCount === 1)).toBe(true);
    // Page (1), stats (1), groups (1); token, read budget, authors and reporters from the instance: whatever the page size.
    expect(large.statements.length, large.statements.join('\n---\n')).toBeLessThanOrEqual(3);
    expect(large.statements.length).toBe(small.statements.length);
  });

  it('organisation children and group members are batched too', async () => {
    const q = '{ organizations(first: 100) { edges { node { code children { code } parent { code } } } } }';
    const { result, statements } = await countStatements(() => app.gql(bkav, q));
    const mof = (result.body.data!.organizations.edges as { node: { code: string; children: { code: string }[] } }[]).find((e) => e.node.code === 'MOF');
    expect(mof?.node.children.map((x) => x.code)).toEqual(['MOF-TAX']);
    // Token (2), rate limit (1), page (1), children (1), parents (1).
    expect(statements.length, statements.join('\n---\n')).toBeLessThanOrEqual(6);
  });
  it('an observable look-up with its statistics and five indicators, on a warm instance', async () => {
    const q = `query($v: String!) { observable(type: IPV4, value: $v) { value
      stats { indicatorCount firstSeen lastSeen maxConfidence maxSeverity sightingCount }
      indicators(first: 5) { edges { node { id tlp confidence severity author { code } } } } } }`;
    const viettel = await c.viettel.token([Role.VIEWER]);
    await app.gql(viettel, q, { v: '198.18.0.1' });
    await app.gql(viettel, q, { v: '198.18.0.2' });
    const { result, statements } = await countStatements(() => app.gql(viettel, q, { v: '198.18.0.3' }));
    expect(result.body.data!.observable.indicators.edges[0].node.author.code).toBe('BKAV');
    // The observable with its statistics and its first five indicators (1): nothing for the token, budget or authors.
    expect(statements.length, statements.join('\n---\n')).toBe(1);
  });

  it("a look-up's indicators read with the observable are the list's first page: same rows, cursors, count and next page", async () => {
    // Four organisations' indicators on one address: visible to MOF (MOF's own, AMBER to MOF), hidden from it
    // (RED to another organisation), and a GREEN one revoked.
    const v = '198.51.100.77';
    const post = async (org: keyof Community, tlp: string, recipients: string[] = []) => {
      const t = await c[org].token([Role.CONTRIBUTOR]);
      const r = await app.gql(t, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { results { indicator { id } } } }', {
        i: [{ type: 'IPV4', value: v, tlp, recipients }],
      });
      expect(r.body.errors).toBeUndefined();
      return r.body.data!.submitIndicators.results[0].indicator.id as string;
    };
    const revoked = await post('bkav', 'GREEN');
    await post('viettel', 'RED', ['DANANG']);
    await post('mof', 'AMBER_STRICT');
    await post('vncert', 'AMBER', ['MOF']);
    const rv = await app.gql(await c.bkav.token([Role.CONTRIBUTOR]), 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "test") { id } }', { id: revoked });
    expect(rv.body.errors).toBeUndefined();

    const mof = await c.mof.token([Role.VIEWER]);
    const sel = `edges { cursor node { id author { code } } } pageInfo { hasNextPage endCursor } totalCount`;
    // Direct selection: read with the observable. Inside a fragment: the list's own query.
    const direct = `query($v: String!, $n: Int) { observable(type: IPV4, value: $v) { indicators(first: $n) { ${sel} } } }`;
    const viaFragment = `query($v: String!, $n: Int) { observable(type: IPV4, value: $v) { ...F } } fragment F on Observable { indicators(first: $n) { ${sel} } }`;
    for (const n of [1, 2, 50]) {
      const b = await app.gql(mof, viaFragment, { v, n });
      const a = await countStatements(() => app.gql(mof, direct, { v, n }));
      expect(a.result.body.errors).toBeUndefined();
      expect(a.result.body.data).toEqual(b.body.data);
      // The count is asked for, so it is the second statement; the page came with the observable. (A read-budget
      // grant falls due every so many reads, in whichever request: not counted here.)
      const own = a.statements.filter((st) => !st.includes('rate_limit_buckets'));
      expect(own.length, own.join('\n---\n')).toBe(2);
    }
    const all = (await app.gql(mof, direct, { v, n: 50 })).body.data!.observable.indicators;
    expect(all.edges.map((e: { node: { author: { code: string } } }) => e.node.author.code).sort()).toEqual(['MOF', 'VNCERT']);
    expect(all.totalCount).toBe(2);
    // Paging on from the head's cursor continues the same list.
    const head = (await app.gql(mof, direct, { v, n: 1 })).body.data!.observable.indicators;
    const rest = await app.gql(mof, `query($v: String!, $a: String) { observable(type: IPV4, value: $v) { indicators(first: 50, after: $a) { edges { node { id } } } } }`, {
      v,
      a: head.pageInfo.endCursor,
    });
    expect([head.edges[0].node.id, ...rest.body.data!.observable.indicators.edges.map((e: { node: { id: string } }) => e.node.id)]).toEqual(
      all.edges.map((e: { node: { id: string } }) => e.node.id),
    );
  });
});

/** The example: two nested pages whose sizes arrive as variables. */
const FAN_OUT = `query($a: Int, $b: Int) {
  indicators(first: $a) { edges { node { observable { sightings(first: $b) { edges { node { count } } } } } } }
}`;

describe('query cost counts a variable `first` at its value', () => {
  it('refuses the fan-out when the variables ask for 500 × 500, as it does for literals', async () => {
    const viaVariables = await app.gql(bkav, FAN_OUT, { a: 500, b: 500 });
    expect(viaVariables.status).toBe(400);
    expect(viaVariables.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(viaVariables.body.errors?.[0].message).toMatch(/query cost \d+ exceeds the limit of 10000/);
    const literal = await app.gql(bkav, FAN_OUT.replace('($a: Int, $b: Int)', '').replace('$a', '500').replace('$b', '500'));
    expect(literal.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('runs the same document with small pages', async () => {
    const res = await app.gql(bkav, FAN_OUT, { a: 5, b: 5 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.indicators.edges).toHaveLength(5);
  });

  it('counts a variable left out at its default, or at the largest page when it has none', async () => {
    const withDefault = await app.gql(bkav, FAN_OUT.replace('$a: Int, $b: Int', '$a: Int = 500, $b: Int = 500'), {});
    expect(withDefault.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const unknown = await app.gql(bkav, FAN_OUT, {});
    expect(unknown.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const smallDefault = await app.gql(bkav, FAN_OUT.replace('$a: Int, $b: Int', '$a: Int = 3, $b: Int = 3'), {});
    expect(smallDefault.body.errors).toBeUndefined();
  });

  it('applies the same rule over graphql-ws', async () => {
    const client = createClient({
      url: app.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bkav}` },
      retryAttempts: 0,
    });
    const run = (variables: Record<string, unknown>) =>
      new Promise<{ data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }>((resolve) => {
        let last: unknown;
        client.subscribe(
          { query: FAN_OUT, variables },
          { next: (r) => (last = r), error: (e) => resolve({ errors: e as { extensions?: Record<string, unknown> }[] }), complete: () => resolve(last as { data?: unknown }) },
        );
      });
    try {
      const refused = await run({ a: 500, b: 500 });
      expect(refused.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      const ok = await run({ a: 2, b: 2 });
      expect(ok.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });
});
