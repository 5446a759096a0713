import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { INDICATORS_COLLECTION, TAXII_TYPE } from '../src/interop/taxii/server';
import { communityApp } from './support/fixtures';
import { taxii } from './support/taxii';

/** TAXII 2.1 over real HTTP: discovery, authentication, paging by next and by added_after, the TLP matrix, POST. */
const t = communityApp();
const tokens: Record<string, string> = {};
const base = () => t.app.url.replace(/\/graphql$/, '/taxii2');
const objectsUrl = () => `${base()}/api/collections/${INDICATORS_COLLECTION}/objects/`;

async function submit(token: string, items: Record<string, unknown>[]) {
  const res = await t.app.gql(token, `mutation($input: [IndicatorInput!]!) { submitIndicators(input: $input) { rejected } }`, { input: items });
  expect(res.body.data?.submitIndicators.rejected).toBe(0);
}

const ip = (i: number, prefix = '10.1') => `${prefix}.${Math.floor(i / 250)}.${i % 250}`;

beforeAll(async () => {
  tokens.bkav = await t.c.bkav.token([Role.CONTRIBUTOR]);
  tokens.danang = await t.c.danang.token([Role.VIEWER]);
  tokens.viettel = await t.c.viettel.token([Role.CONTRIBUTOR]);
  tokens.viettelViewer = await t.c.viettel.token([Role.VIEWER]);
  tokens.mof = await t.c.mof.token([Role.VIEWER]);
});

describe('TAXII 2.1', () => {
  it('answers discovery, API root and collections with the TAXII media type, and the spec\'s 401/404', async () => {
    const anon = await taxii(null, `${base()}/`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toContain('application/taxii+json');
    expect(anon.body).toMatchObject({ http_status: '401' });
    expect(anon.headers.get('www-authenticate')).toMatch(/Bearer/);
    const d = await taxii(tokens.danang, `${base()}/`, {}, true);
    expect(d.status).toBe(200);
    expect(d.body.api_roots).toEqual(['/taxii2/api/']);
    const root = await taxii(tokens.danang, `${base()}/api/`);
    expect(root.body.versions).toEqual([TAXII_TYPE]);
    const cols = await taxii(tokens.danang, `${base()}/api/collections/`);
    expect(cols.body.collections.map((c: any) => c.id)).toContain(INDICATORS_COLLECTION);
    expect((await taxii(tokens.danang, `${base()}/api/collections/00000000-0000-4000-8000-000000000000/objects/`)).status).toBe(404);
    expect((await taxii(tokens.danang, `${base()}/`, { headers: { accept: 'text/html' } })).status).toBe(406);
  });

  it('pages by next and by added_after with each object exactly once, while objects are being added', async () => {
    // 150 in one call share one date_added.
    await submit(tokens.bkav, Array.from({ length: 150 }, (_, i) => ({ type: 'IPV4', value: ip(i), tlp: 'CLEAR' })));
    const seenNext: string[] = [];
    let url = `${objectsUrl()}?limit=7`;
    let added = 0;
    for (let n = 0; n < 100; n++) {
      const res = await taxii(tokens.danang, url);
      expect(res.status).toBe(200);
      seenNext.push(...res.body.objects.map((o: any) => o.id));
      if (n % 5 === 0 && added < 20) {
        await submit(tokens.bkav, [{ type: 'IPV4', value: ip(added, '10.2'), tlp: 'CLEAR' }]);
        added++;
      }
      if (!res.body.more) break;
      url = `${objectsUrl()}?limit=7&next=${encodeURIComponent(res.body.next)}`;
    }
    expect(new Set(seenNext).size).toBe(seenNext.length);
    expect(seenNext.length).toBeGreaterThanOrEqual(150);

    const seenAfter: string[] = [];
    let addedAfter: string | null = null;
    let last = '';
    for (let n = 0; n < 200; n++) {
      const res = await taxii(tokens.danang, `${objectsUrl()}?limit=9${addedAfter ? `&added_after=${encodeURIComponent(addedAfter)}` : ''}`);
      expect(res.status).toBe(200);
      seenAfter.push(...res.body.objects.map((o: any) => o.id));
      const first = res.headers.get('x-taxii-date-added-first');
      if (first) {
        expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        expect(first >= last).toBe(true);
        last = res.headers.get('x-taxii-date-added-last')!;
      }
      if (!res.body.more) break;
      addedAfter = last;
    }
    expect(new Set(seenAfter).size).toBe(seenAfter.length);
    expect(new Set(seenAfter)).toEqual(new Set([...seenNext, ...seenAfter]));
    expect(seenAfter.length).toBe(150 + added);
  });

  it('applies the sharing policy: hidden objects are absent from lists and manifests and 404 by id', async () => {
    await submit(tokens.bkav, [{ type: 'DOMAIN', value: 'amber-to-mof.example', tlp: 'AMBER', recipients: ['MOF'] }, { type: 'DOMAIN', value: 'red-bkav.example', tlp: 'RED' }]);
    const res = await t.app.gql(tokens.bkav, `{ indicators(filter: { types: [DOMAIN] }) { edges { node { id observable { value } } } } }`);
    const idOf = (v: string) => res.body.data!.indicators.edges.find((e: any) => e.node.observable.value === v).node.id;
    const amber = `indicator--${idOf('amber-to-mof.example')}`;
    const red = `indicator--${idOf('red-bkav.example')}`;
    const all = async (token: string, path: string) => {
      const ids: string[] = [];
      let url = `${base()}/api/collections/${INDICATORS_COLLECTION}/${path}?limit=500`;
      for (;;) {
        const r = await taxii(token, url);
        ids.push(...r.body.objects.map((o: any) => o.id));
        if (!r.body.more) return ids;
        url = `${base()}/api/collections/${INDICATORS_COLLECTION}/${path}?limit=500&next=${encodeURIComponent(r.body.next)}`;
      }
    };
    const matrix: [string, boolean, boolean][] = [['bkav', true, true], ['mof', true, false], ['danang', false, false], ['viettelViewer', false, false]];
    for (const [who, seesAmber, seesRed] of matrix) {
      for (const path of ['objects/', 'manifest/']) {
        const ids = await all(tokens[who], path);
        expect(ids.includes(amber), `${who} ${path} amber`).toBe(seesAmber);
        expect(ids.includes(red), `${who} ${path} red`).toBe(seesRed);
      }
      expect((await taxii(tokens[who], `${objectsUrl()}${amber}/`)).status, `${who} amber by id`).toBe(seesAmber ? 200 : 404);
      expect((await taxii(tokens[who], `${objectsUrl()}${red}/versions/`)).status, `${who} red versions`).toBe(seesRed ? 200 : 404);
    }
    const versions = await taxii(tokens.bkav, `${objectsUrl()}${red}/versions/`);
    const v = versions.body.versions[0];
    expect((await taxii(tokens.bkav, `${objectsUrl()}${red}/?match[version]=${v}`)).body.objects).toHaveLength(1);
    expect((await taxii(tokens.bkav, `${objectsUrl()}${red}/?match[version]=2001-01-01T00:00:00.000Z`)).status).toBe(404);
    expect((await taxii(tokens.bkav, `${objectsUrl()}?match[spec_version]=2.0`)).body.objects).toEqual([]);
    expect((await taxii(tokens.bkav, `${objectsUrl()}?match[spec_version]=2.1&match[version]=all&limit=1`)).body.objects.length).toBeGreaterThan(0);
  });

  it('imports POSTed envelopes through the STIX path, refuses viewers and oversized bodies', async () => {
    const envelope = { objects: [
      { type: 'indicator', spec_version: '2.1', id: 'indicator--6b4d5e5a-0000-4000-8000-000000000001', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', pattern: "[domain-name:value = 'posted.example']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
      { type: 'malware', id: 'malware--6b4d5e5a-0000-4000-8000-000000000002' },
    ] };
    const post = (token: string, body: string) => taxii(token, objectsUrl(), { method: 'POST', body, headers: { 'content-type': TAXII_TYPE } });
    const ok = await post(tokens.viettel, JSON.stringify(envelope));
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ status: 'complete', total_count: 2, success_count: 1, failure_count: 1 });
    expect(ok.body.failures[0].message).toMatch(/malware/);
    const mine = await t.app.gql(tokens.viettel, `{ indicators(filter: { value: "posted.example" }) { edges { node { author { code } } } } }`);
    expect(mine.body.data!.indicators.edges.map((e: any) => e.node.author.code)).toEqual(['VIETTEL']);
    expect((await post(tokens.viettelViewer, JSON.stringify(envelope))).status).toBe(403);
    const big = await post(tokens.viettel, JSON.stringify({ objects: [{ pad: 'x'.repeat(1_100_000) }] }));
    expect(big.status).toBe(413);
    expect(big.body.http_status).toBe('413');
  });
});
