import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { ok, rangeCalls } from './support/ranges';

// `exposure` reads indicator_exposures, which triggers keep from range_exposures, which triggers keep. After every
// kind of change to ranges, observables or indicators, both tables must equal what they stand for: range_exposures,
// (organisation, observable) for each observable overlapping one of the organisation's APPROVED ranges;
// indicator_exposures, (organisation, indicator, the indicator's seq) for each indicator of such an observable.

let app: TestApp;
let c: Community;
let calls: ReturnType<typeof rangeCalls>;
const tok: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  calls = rangeCalls(app);
  tok.mof = await c.mof.token([Role.ADMIN]);
  tok.vncert = await c.vncert.token([Role.ADMIN]);
  tok.bkav = await c.bkav.token([Role.CONTRIBUTOR]);
  tok.viettel = await c.viettel.token([Role.CONTRIBUTOR]);
});
afterAll(() => app?.close());

/** Rows that are in either table but should not be, and rows that should be but are not. */
async function drift(): Promise<{ extra: unknown[]; missing: unknown[] }> {
  const ranges = {
    truth: `SELECT DISTINCT 'range' AS t, a.organization_id, o.id AS observable_id, NULL::bigint AS seq FROM asset_ranges a
              JOIN observables o ON o.net && a.cidr AND o.net IS NOT NULL WHERE a.status = 'APPROVED'`,
    kept: `SELECT 'range', organization_id, observable_id, NULL::bigint FROM range_exposures`,
  };
  const indicators = {
    truth: `SELECT 'indicator' AS t, e.organization_id, i.id, i.seq FROM range_exposures e JOIN indicators i ON i.observable_id = e.observable_id`,
    kept: `SELECT 'indicator', organization_id, indicator_id, seq FROM indicator_exposures`,
  };
  const extra = [];
  const missing = [];
  for (const q of [ranges, indicators]) {
    extra.push(...(await app.db.query(`${q.kept} EXCEPT ${q.truth}`)));
    missing.push(...(await app.db.query(`${q.truth} EXCEPT ${q.kept}`)));
  }
  return { extra, missing };
}

const indicatorExposures = async (org: string): Promise<number> =>
  Number((await app.db.query(`SELECT count(*) AS n FROM indicator_exposures x JOIN organizations g ON g.id = x.organization_id WHERE g.code = $1`, [org]))[0].n);

async function exposed(token: string): Promise<string[]> {
  const res = ok(await app.gql<{ exposure: { totalCount: number; edges: { node: { observable: { value: string } } }[] } }>(
    token,
    '{ exposure(first: 100) { totalCount edges { node { observable { value } } } } }',
  ));
  expect(res.exposure.totalCount).toBe(res.exposure.edges.length);
  return res.exposure.edges.map((e) => e.node.observable.value).sort();
}

async function post(...items: { type: string; value: string; tlp?: string }[]) {
  return postAs(tok.bkav, ...items);
}

async function postAs(token: string, ...items: { type: string; value: string; tlp?: string }[]): Promise<string[]> {
  const res = ok(await app.gql<{ submitIndicators: { rejected: number; results: { indicator: { id: string } }[] } }>(
    token,
    'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { rejected results { indicator { id } } } }',
    { i: items.map((i) => ({ tlp: 'GREEN', ...i })) },
  ));
  expect(res.submitIndicators.rejected).toBe(0);
  return res.submitIndicators.results.map((r) => r.indicator.id);
}

const A = '100.64.1.0/24';
const B = '100.64.2.0/24';

describe('range_exposures, kept by triggers', () => {
  it('is empty while ranges are only declared', async () => {
    await post({ type: 'IPV4', value: '100.64.1.10' }, { type: 'IPV4', value: '100.64.2.20' }, { type: 'CIDR', value: '100.64.0.0/22' }, { type: 'IPV4', value: '100.64.9.9' });
    ok(await calls.declare(tok.mof, [A, B]));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual([]);
  });

  it('gains a range\'s existing observables when it is approved', async () => {
    ok(await calls.review(tok.vncert, 'MOF', [A], true));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    // Their indicators, posted before any range was approved, come with them.
    expect(await indicatorExposures('MOF')).toBe(2);
    expect(await exposed(tok.mof)).toEqual(['100.64.0.0/22', '100.64.1.10']);
  });

  it('gains observables posted after the approval', async () => {
    ok(await calls.review(tok.vncert, 'MOF', [B], true));
    await post({ type: 'IPV4', value: '100.64.2.30' }, { type: 'DOMAIN', value: 'not-an-address.example' });
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual(['100.64.0.0/22', '100.64.1.10', '100.64.2.20', '100.64.2.30']);
  });

  it('loses what only a withdrawn range covered, and keeps what another approved range still covers', async () => {
    ok(await calls.review(tok.vncert, 'MOF', [A], false, 'Returned to the registry'));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    // The /22 overlaps B as well, so it stays.
    expect(await exposed(tok.mof)).toEqual(['100.64.0.0/22', '100.64.2.20', '100.64.2.30']);
  });

  it('loses a range dropped from the declaration', async () => {
    ok(await calls.declare(tok.mof, [A]));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual([]);
  });

  it('follows changes made by SQL by hand, not only through the API', async () => {
    await app.db.query(`UPDATE asset_ranges SET status = 'APPROVED' WHERE cidr = $1`, [A]);
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual(['100.64.0.0/22', '100.64.1.10']);
    await app.db.query(`UPDATE asset_ranges SET reason = 'note only' WHERE cidr = $1`, [A]);
    await app.db.query(`UPDATE asset_ranges SET cidr = $2 WHERE cidr = $1`, [A, '100.64.9.0/24']);
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual(['100.64.9.9']); // the /22 ends at 100.64.3.255
    await app.db.query(`DELETE FROM asset_ranges WHERE organization_id = (SELECT id FROM organizations WHERE code = 'MOF')`);
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual([]);
  });

  it('gains another organisation\'s indicator of an exposed observable, and nothing when an indicator is posted again', async () => {
    ok(await calls.declare(tok.mof, [A, B]));
    ok(await calls.review(tok.vncert, 'MOF', [A, B], true));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    const before = await indicatorExposures('MOF');
    await postAs(tok.viettel, { type: 'IPV4', value: '100.64.1.10' });
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await indicatorExposures('MOF')).toBe(before + 1);
    // The upsert updates both (its INSERT trigger sees only inserted rows): no row is added or lost.
    await postAs(tok.viettel, { type: 'IPV4', value: '100.64.1.10' }, { type: 'IPV4', value: '100.64.2.30' });
    await post({ type: 'IPV4', value: '100.64.1.10', tlp: 'CLEAR' });
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await indicatorExposures('MOF')).toBe(before + 2);
    expect(await exposed(tok.mof)).toEqual(['100.64.0.0/22', '100.64.1.10', '100.64.1.10', '100.64.2.20', '100.64.2.30', '100.64.2.30']);
  });

  it('keeps a revoked indicator\'s row, which exposure skips until the author posts it again', async () => {
    const [id] = await post({ type: 'IPV4', value: '100.64.2.20' });
    ok(await app.gql(tok.bkav, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "false positive") { revoked } }', { id }));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).not.toContain('100.64.2.20');
    expect(await post({ type: 'IPV4', value: '100.64.2.20' })).toEqual([id]);
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toContain('100.64.2.20');
  });

  it('pages newest first across several pages, exactly the visible, unrevoked indicators of exposed observables', async () => {
    await post(...Array.from({ length: 7 }, (_, i) => ({ type: 'IPV4', value: `100.64.1.${100 + i}` })));
    // Exposed, but neither shared with MOF nor current: the policy and the revocation filter the walk.
    await post({ type: 'IPV4', value: '100.64.1.200', tlp: 'RED' });
    const [gone] = await postAs(tok.viettel, { type: 'IPV4', value: '100.64.2.99' });
    ok(await app.gql(tok.viettel, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "expired") { revoked } }', { id: gone }));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: { exposure: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } = ok(
        await app.gql(tok.mof, 'query($a: String) { exposure(first: 3, after: $a) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }', { a: after }),
      );
      pages++;
      seen.push(...res.exposure.edges.map((e) => e.node.id));
      expect(res.exposure.totalCount).toBe(13);
      if (!res.exposure.pageInfo.hasNextPage) break;
      after = res.exposure.pageInfo.endCursor;
    }
    const truth: { id: string }[] = await app.db.query(
      `SELECT DISTINCT t.id, t.seq FROM indicators t JOIN observables o ON o.id = t.observable_id
         JOIN asset_ranges a ON a.cidr && o.net AND a.status = 'APPROVED' JOIN organizations g ON g.id = a.organization_id AND g.code = 'MOF'
        WHERE NOT t.revoked AND t.tlp <> 'RED' ORDER BY t.seq DESC`,
    );
    expect(truth).toHaveLength(13);
    expect(pages).toBe(5);
    expect(seen).toEqual(truth.map((r) => r.id));
  });

  it('loses an organisation\'s rows when its ranges go, and keeps the indicators', async () => {
    await app.db.query(`DELETE FROM asset_ranges WHERE organization_id = (SELECT id FROM organizations WHERE code = 'MOF')`);
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await indicatorExposures('MOF')).toBe(0);
    expect(await exposed(tok.mof)).toEqual([]);
  });

  it('finds every approved range over an address, whatever its prefix length and family, and names them in the EXPOSURE', async () => {
    const ranges = ['100.70.0.0/16', '100.70.5.0/24', '100.72.5.128/25', '2001:db8:70::/48'];
    ok(await calls.declare(tok.mof, ranges));
    ok(await calls.review(tok.vncert, 'MOF', ranges, true));
    const nested = 'Overlaps 100.70.0.0/16, 100.70.5.0/24';
    const posted = {
      '100.70.5.200': nested, // inside the /16 and the /24
      '100.70.9.1': 'Overlaps 100.70.0.0/16',
      '100.72.5.200': 'Overlaps 100.72.5.128/25', // only a /25 holds it
      '100.72.5.1': null,
      '2001:db8:70::5': 'Overlaps 2001:db8:70::/48',
      '2001:db8:71::1': null,
      '100.70.5.0/24': nested, // equal to one range, inside another
      '100.72.5.128/25': 'Overlaps 100.72.5.128/25', // equal to a range and nothing else
      '100.72.5.0/24': 'Overlaps 100.72.5.128/25', // around a range and nothing else
      '100.0.0.0/8': 'Overlaps 100.70.0.0/16, 100.70.5.0/24, 100.72.5.128/25',
      '2001:db8::/32': 'Overlaps 2001:db8:70::/48',
    };
    const typeOf = (v: string) => (v.includes('/') ? 'CIDR' : v.includes(':') ? 'IPV6' : 'IPV4');
    const ids = await post(...Object.keys(posted).map((value) => ({ type: typeOf(value), value })));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    const warned: { subject_id: string; summary: string }[] = await app.db.query(
      `SELECT subject_id, summary FROM warnings WHERE kind = 'EXPOSURE' AND subject_id = ANY($1)`,
      [ids],
    );
    const summaries = Object.fromEntries(warned.map((w) => [Object.keys(posted)[ids.indexOf(w.subject_id)], w.summary]));
    expect(warned).toHaveLength(Object.values(posted).filter(Boolean).length);
    expect(summaries).toEqual(Object.fromEntries(Object.entries(posted).filter(([, s]) => s)));
    expect(await exposed(tok.mof)).toEqual(Object.keys(posted).filter((v) => posted[v as keyof typeof posted]).sort());
    // Withdrawing the /25 loses what only it covered; the /24 goes and the /16 still covers its addresses.
    ok(await calls.review(tok.vncert, 'MOF', ['100.72.5.128/25', '100.70.5.0/24'], false, 'Returned to the registry'));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual(['100.0.0.0/8', '100.70.5.0/24', '100.70.5.200', '100.70.9.1', '2001:db8:70::5', '2001:db8::/32']);
  });

  // Withdrawals among nested ranges and many exposures leave exactly the rows that stand for the ranges left.
  it('withdraws ranges of an organisation with many exposures to the same rows', async () => {
    // Both IPv6 rows go (the /32 observable was around the /48 alone).
    ok(await calls.review(tok.vncert, 'MOF', ['2001:db8:70::/48'], false, 'Returned to the registry'));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual(['100.0.0.0/8', '100.70.5.0/24', '100.70.5.200', '100.70.9.1']);
    await post(...Array.from({ length: 30 }, (_, i) => ({ type: 'IPV4', value: `100.70.${20 + (i % 3)}.${i + 1}` })));
    // A /24 inside the /16, approved then withdrawn: what the /16 still covers stays, the /24's own addresses among it.
    ok(await calls.declare(tok.mof, ['100.70.0.0/16', '100.70.20.0/24']));
    ok(await calls.review(tok.vncert, 'MOF', ['100.70.20.0/24'], true));
    const before = await exposed(tok.mof);
    expect(before).toHaveLength(34);
    ok(await calls.review(tok.vncert, 'MOF', ['100.70.20.0/24'], false, 'Returned to the registry'));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual(before);
    // Both ranges in one statement: nothing approved is left, so every row goes, the /8 observable around them too.
    ok(await calls.review(tok.vncert, 'MOF', ['100.70.20.0/24'], true));
    await app.db.query(`DELETE FROM asset_ranges WHERE cidr IN ('100.70.0.0/16', '100.70.20.0/24')`);
    expect(await drift()).toEqual({ extra: [], missing: [] });
    expect(await exposed(tok.mof)).toEqual([]);
  });

  // With statistics that make the planner expect many observables (it planned differently on the tiny tables above).
  it('approves a range among many observables to the same rows', async () => {
    await post(...Array.from({ length: 700 }, (_, i) => ({ type: 'IPV4', value: `100.80.${i % 4}.${1 + (i >> 2)}` })));
    await app.db.query('ANALYZE observables');
    ok(await calls.declare(tok.mof, ['100.80.1.0/24']));
    ok(await calls.review(tok.vncert, 'MOF', ['100.80.1.0/24'], true));
    expect(await drift()).toEqual({ extra: [], missing: [] });
    // The 175 addresses in the /24, and the /8 network posted earlier, which holds it.
    const res = ok(await app.gql<{ exposure: { totalCount: number } }>(tok.mof, '{ exposure(first: 1) { totalCount } }'));
    expect(res.exposure.totalCount).toBe(176);
  });
});
