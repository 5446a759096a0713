import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { ok, rangeCalls } from './support/ranges';

// `exposure` reads range_exposures, which triggers keep. After every kind of change to ranges or observables,
// the table must equal what it stands for: (organisation, observable) for each observable overlapping one of
// the organisation's APPROVED ranges.

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
});
afterAll(() => app?.close());

/** Rows that are in the table but should not be, and rows that should be but are not. */
async function drift(): Promise<{ extra: unknown[]; missing: unknown[] }> {
  const truth = `SELECT DISTINCT a.organization_id, o.id AS observable_id FROM asset_ranges a
                   JOIN observables o ON o.net && a.cidr AND o.net IS NOT NULL WHERE a.status = 'APPROVED'`;
  const kept = 'SELECT organization_id, observable_id FROM range_exposures';
  return {
    extra: await app.db.query(`${kept} EXCEPT ${truth}`),
    missing: await app.db.query(`${truth} EXCEPT ${kept}`),
  };
}

async function exposed(token: string): Promise<string[]> {
  const res = ok(await app.gql<{ exposure: { totalCount: number; edges: { node: { observable: { value: string } } }[] } }>(
    token,
    '{ exposure(first: 100) { totalCount edges { node { observable { value } } } } }',
  ));
  expect(res.exposure.totalCount).toBe(res.exposure.edges.length);
  return res.exposure.edges.map((e) => e.node.observable.value).sort();
}

async function post(...items: { type: string; value: string }[]) {
  const res = ok(await app.gql<{ submitIndicators: { rejected: number } }>(
    tok.bkav,
    'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { rejected } }',
    { i: items.map((i) => ({ ...i, tlp: 'GREEN' })) },
  ));
  expect(res.submitIndicators.rejected).toBe(0);
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

  it('pages the same way whichever shape the query takes (read from the exposures, or walking the indicators)', async () => {
    ok(await calls.declare(tok.mof, [A, B]));
    ok(await calls.review(tok.vncert, 'MOF', [A, B], true));
    await post(...Array.from({ length: 7 }, (_, i) => ({ type: 'IPV4', value: `100.64.1.${100 + i}` })));
    const pages = async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      for (;;) {
        const res: { exposure: { totalCount: number; edges: { node: { observable: { value: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } = ok(
          await app.gql(tok.mof, 'query($a: String) { exposure(first: 2, after: $a) { totalCount edges { node { observable { value } } } pageInfo { hasNextPage endCursor } } }', { a: after }),
        );
        total = res.exposure.totalCount;
        seen.push(...res.exposure.edges.map((e) => e.node.observable.value));
        if (!res.exposure.pageInfo.hasNextPage) return { seen, total };
        after = res.exposure.pageInfo.endCursor;
      }
    };
    // The service reads the shape off the table's size estimate: against a million indicators, eleven exposures are
    // read from range_exposures; against none, any walk looks cheap.
    await app.db.query(`UPDATE pg_class SET reltuples = 1000000 WHERE oid = 'indicators'::regclass`);
    const fromExposures = await pages();
    await app.db.query(`UPDATE pg_class SET reltuples = 0 WHERE oid = 'indicators'::regclass`);
    const walking = await pages();
    expect(fromExposures.seen).toHaveLength(11);
    expect(new Set(fromExposures.seen).size).toBe(11);
    expect(fromExposures.total).toBe(11);
    expect(walking).toEqual(fromExposures);
  });
});
