import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { countStatements } from './support/sql';

let app: TestApp;
let c: Community;
let mof: string;
let bkav: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  mof = await c.mof.token([Role.REPORTER]);
  bkav = await c.bkav.token([Role.CONTRIBUTOR]);
  const set = await app.gql(mof, 'mutation { setAssetRanges(ranges: ["203.113.128.0/24", "2001:db8:abcd::/48", "198.51.100.7"]) { cidr } }');
  expect(set.body.errors).toBeUndefined();
  // Only approved ranges count: a coordinator's ADMIN vouches for MOF's.
  const approved = await app.gql(
    await c.vncert.token([Role.ADMIN]),
    'mutation { reviewAssetRanges(organization: "MOF", cidrs: ["203.113.128.0/24", "2001:db8:abcd::/48", "198.51.100.7"], approve: true) { status } }',
  );
  expect(approved.body.errors).toBeUndefined();
  const post = await app.gql(
    bkav,
    `mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { rejected } }`,
    {
      i: [
        { type: 'IPV4', value: '203.113.128.45', tlp: 'GREEN', severity: 'HIGH' },
        { type: 'IPV4', value: '203.113.129.1', tlp: 'GREEN' },
        { type: 'IPV6', value: '2001:db8:abcd:1::99', tlp: 'GREEN' },
        { type: 'CIDR', value: '203.113.0.0/16', tlp: 'GREEN', threatTypes: ['BOTNET'] },
        { type: 'IPV4', value: '198.51.100.7', tlp: 'RED' },
        { type: 'DOMAIN', value: 'not-an-ip.example', tlp: 'GREEN' },
      ],
    },
  );
  expect(post.body.data?.submitIndicators.rejected).toBe(0);
});
afterAll(() => app?.close());

const EXPOSURE = 'query($r: [String!]) { exposure(ranges: $r) { totalCount edges { node { observable { value } } } } }';
const values = (res: { body: { data?: any } }) => res.body.data?.exposure.edges.map((e: any) => e.node.observable.value).sort();

describe('asset ranges', () => {
  it('are stored in network form, single addresses as /32 or /128, and replaced as a whole', async () => {
    const res = await app.gql(mof, '{ assetRanges { cidr status } }');
    expect(res.body.data?.assetRanges.map((r: { cidr: string }) => r.cidr).sort()).toEqual(['198.51.100.7/32', '2001:db8:abcd::/48', '203.113.128.0/24']);
    expect(res.body.data?.assetRanges.map((r: { status: string }) => r.status)).toEqual(['APPROVED', 'APPROVED', 'APPROVED']);
  });

  it('refuses a bad range without touching the stored ones', async () => {
    const bad = await app.gql(mof, 'mutation { setAssetRanges(ranges: ["10.0.0.0/8", "999.1.1.0/24"]) { cidr } }');
    expect(bad.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.body.errors?.[0].message).toMatch(/^ranges\[1\]: /);
    const res = await app.gql(mof, '{ assetRanges { cidr } }');
    expect(res.body.data?.assetRanges).toHaveLength(3);
  });

  it('belong to the caller\'s organisation only', async () => {
    expect((await app.gql(await c.danang.token(), '{ assetRanges { cidr } }')).body.data?.assetRanges).toEqual([]);
  });
});

describe('exposure', () => {
  it('returns visible IP and CIDR indicators overlapping the caller\'s ranges', async () => {
    const res = await app.gql(mof, EXPOSURE);
    // The /16 botnet block overlaps MOF's /24; the RED one is not shared with MOF.
    expect(values(res)).toEqual(['2001:db8:abcd:1::99', '203.113.0.0/16', '203.113.128.45']);
    expect(res.body.data?.exposure.totalCount).toBe(3);
  });

  it('reads a page, its observables included, in one statement; the count only when asked for', async () => {
    const q = 'query($a: String) { exposure(first: 2, after: $a) { edges { node { id tlp observable { value } } } pageInfo { endCursor } } }';
    await app.gql(mof, q);
    const first = await countStatements(() => app.gql(mof, q));
    const own = (st: string[]) => st.filter((x) => !x.includes('rate_limit_buckets'));
    expect(own(first.statements), first.statements.join('\n---\n')).toHaveLength(1);
    const next = await countStatements(() => app.gql(mof, q, { a: first.result.body.data!.exposure.pageInfo.endCursor }));
    expect(own(next.statements)).toHaveLength(1);
    const pages = [...first.result.body.data!.exposure.edges, ...next.result.body.data!.exposure.edges].map((e: any) => e.node.observable.value).sort();
    expect(pages).toEqual(values(await app.gql(mof, EXPOSURE)));
  });

  it('includes a RED indicator once it is shared with the owner', async () => {
    await app.gql(bkav, 'mutation { submitIndicators(input: [{ type: IPV4, value: "198.51.100.7", tlp: RED, recipients: ["MOF"] }]) { rejected } }');
    expect(values(await app.gql(mof, EXPOSURE))).toContain('198.51.100.7');
  });

  it('lets the owner narrow to a sub-range of its own, but not query others\' space', async () => {
    expect(values(await app.gql(mof, EXPOSURE, { r: ['203.113.128.0/25'] }))).toEqual(['203.113.0.0/16', '203.113.128.45']);
    const res = await app.gql(mof, EXPOSURE, { r: ['203.113.129.0/24'] });
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.body.errors?.[0].message).toMatch(/^ranges\[0\]: must lie within your organisation's approved asset ranges/);
  });

  it('lets a coordinator query any range', async () => {
    const res = await app.gql(await c.vncert.token([Role.ANALYST]), EXPOSURE, { r: ['203.113.129.0/24'] });
    expect(values(res)).toEqual(['203.113.0.0/16', '203.113.129.1']);
  });

  it('ignores a PENDING range: neither the default search nor `ranges` reaches into it', async () => {
    const danang = await c.danang.token([Role.REPORTER]);
    const set = await app.gql(danang, 'mutation { setAssetRanges(ranges: ["203.113.129.0/24"]) { cidr status } }');
    expect(set.body.data?.setAssetRanges).toEqual([{ cidr: '203.113.129.0/24', status: 'PENDING' }]);
    expect((await app.gql(danang, EXPOSURE)).body.data?.exposure).toEqual({ totalCount: 0, edges: [] });
    const narrowed = await app.gql(danang, EXPOSURE, { r: ['203.113.129.0/24'] });
    expect(narrowed.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'ranges[0]' } });
    await app.gql(danang, 'mutation { setAssetRanges(ranges: []) { cidr } }');
  });

  it('is empty for an organisation without ranges', async () => {
    expect((await app.gql(await c.danang.token(), EXPOSURE)).body.data?.exposure).toEqual({ totalCount: 0, edges: [] });
  });
});
