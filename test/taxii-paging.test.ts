import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { INDICATORS_COLLECTION } from '../src/interop/taxii/server';
import { communityApp } from './support/fixtures';
import { taxii, taxiiBase } from './support/taxii';

/**
 * The paging test: 10,000 objects, thousands of them sharing one
 * date_added, paged by `next` and separately by `added_after` while other
 * objects are being added, yield every object exactly once.
 */
const t = communityApp();
const tok: Record<string, string> = {};
const objectsUrl = () => `${taxiiBase(t.app)}/api/collections/${INDICATORS_COLLECTION}/objects/`;
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

beforeAll(async () => {
  tok.bkav = await t.c.bkav.token([Role.CONTRIBUTOR]);
  tok.danang = await t.c.danang.token([Role.VIEWER]);
  // Straight into the test's own database: 4,000 objects share one date_added, 3,000 another, then groups of three a millisecond apart.
  await t.app.db.query(
    `WITH o AS (
       INSERT INTO observables (type, value) SELECT 'DOMAIN', 'bulk' || g || '.paging.example' FROM generate_series(1, 10000) g RETURNING id, value),
     n AS (SELECT id, CAST(split_part(substr(value, 5), '.', 1) AS int) AS n FROM o),
     ts AS (SELECT id, now() - interval '10 minutes' + CASE WHEN n <= 4000 THEN interval '0' WHEN n <= 7000 THEN interval '1 second'
                   ELSE interval '2 seconds' + ((n - 7001) / 3) * interval '1 millisecond' END AS at FROM n)
     INSERT INTO indicators (observable_id, author_id, tlp, confidence, severity, valid_from, first_reported, last_reported, created_by, updated_by)
     SELECT id, $1, 'CLEAR', 50, 'MEDIUM', at, at, at, 'bulk', 'bulk' FROM ts`,
    [t.c.bkav.org.id],
  );
});

/** Posts new indicators in small batches until stopped: objects being added while a client pages. */
function writer(prefix: string) {
  let stop = false;
  let batches = 0;
  const done = (async () => {
    while (!stop) {
      const input = Array.from({ length: 20 }, (_, i) => ({ type: 'DOMAIN', value: `${prefix}${batches}-${i}.live.example`, tlp: 'CLEAR' }));
      const res = await t.app.gql(tok.bkav, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { rejected } }', { i: input });
      expect(res.body.data?.submitIndicators.rejected).toBe(0);
      batches++;
    }
  })();
  return { stop: async () => { stop = true; await done; return batches; } };
}

/**
 * Pages the whole collection by `next` (or by `added_after` = the last
 * X-TAXII-Date-Added-Last), with a writer adding objects meanwhile; at the
 * end of what is there, stops the writer and resumes by added_after as a
 * polling client would, until nothing is left.
 */
async function pageAll(mode: 'next' | 'added_after', limit: number) {
  const w = writer(mode);
  const seen: string[] = [];
  let next: string | undefined;
  let last: string | undefined;
  let stopped = false;
  let pages = 0;
  for (;;) {
    const q = next ? `next=${encodeURIComponent(next)}` : last ? `added_after=${encodeURIComponent(last)}` : '';
    const res = await taxii(tok.danang, `${objectsUrl()}?limit=${limit}&${q}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages++;
    seen.push(...res.body.objects.map((o: { id: string }) => o.id));
    const first = res.headers.get('x-taxii-date-added-first');
    if (first) {
      expect(first).toMatch(STAMP);
      // Ascending date_added, and no group of one date_added split across pages.
      if (last) expect(first > last, `${first} after ${last}`).toBe(true);
      last = res.headers.get('x-taxii-date-added-last')!;
      expect(last >= first).toBe(true);
    }
    if (res.body.more) {
      next = mode === 'next' ? res.body.next : undefined;
      continue;
    }
    if (stopped) break;
    await w.stop();
    stopped = true;
    next = undefined;
  }
  return { seen, pages };
}

describe('TAXII paging at 10,000 objects', () => {
  for (const mode of ['next', 'added_after'] as const) {
    it(`by ${mode}: every object exactly once, while objects are being added`, async () => {
      const { seen, pages } = await pageAll(mode, 250);
      const all: { id: string }[] = await t.app.db.query(`SELECT 'indicator--' || id AS id FROM indicators`);
      expect(all.length).toBeGreaterThan(10_000);
      const dupes = seen.filter((id, i) => seen.indexOf(id) !== i);
      expect(dupes.slice(0, 5)).toEqual([]);
      expect(seen.length).toBe(all.length);
      expect(new Set(seen)).toEqual(new Set(all.map((r) => r.id)));
      // Two pages of one whole group each, then 3,000 objects in groups of three at 250 a page, then the live ones.
      expect(pages).toBeGreaterThan(2 + 3000 / 250);
    }, 60_000);
  }

  it('manifest pages agree with objects, and a page holding a whole group of one date_added says so', async () => {
    const first = await taxii(tok.danang, `${objectsUrl()}?limit=100`);
    // The first 4,000 share one date_added: the page is that whole group (a smaller page would strand a client resuming by added_after).
    expect(first.body.objects).toHaveLength(4000);
    expect(first.headers.get('x-taxii-date-added-first')).toBe(first.headers.get('x-taxii-date-added-last'));
    const manifest = await taxii(tok.danang, `${objectsUrl().replace(/objects\/$/, 'manifest/')}?limit=100`);
    expect(manifest.body.objects.map((m: { id: string }) => m.id)).toEqual(first.body.objects.map((o: { id: string }) => o.id));
    // A next belongs to its query.
    const other = await taxii(tok.danang, `${objectsUrl()}?limit=100&match[type]=indicator&next=${encodeURIComponent(first.body.next)}`);
    expect(other.status).toBe(400);
  });
});
