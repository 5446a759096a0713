import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { ADVISORIES_COLLECTION, groupCollectionId, INCIDENTS_COLLECTION, INDICATORS_COLLECTION, SIGHTINGS_COLLECTION, TAXII_TYPE } from '../src/interop/taxii/server';
import { communityApp } from './support/fixtures';
import { postEnvelope, taxii, taxiiBase } from './support/taxii';

/** TAXII writes over real HTTP: POST and its kept status, DELETE and the specification's 401/403/404/406/415. */
const t = communityApp();
const tok: Record<string, string> = {};
const coll = (id: string) => `${taxiiBase(t.app)}/api/collections/${id}/`;

async function gql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await t.app.gql(token, query, variables);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!;
}

const indicator = (n: number, value: string) => ({
  type: 'indicator', spec_version: '2.1', id: `indicator--6b4d5e5a-0000-4000-8000-00000000000${n}`,
  created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z',
  pattern: `[domain-name:value = '${value}']`, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z',
});

beforeAll(async () => {
  const { bkav, viettel, vncert } = t.c;
  tok.vncertAdmin = await vncert.token([Role.ADMIN]);
  await gql(tok.vncertAdmin, 'mutation { createSharingGroup(name: "alliance", members: ["BKAV", "VIETTEL"]) { name } }');
  tok.bkav = await bkav.token([Role.CONTRIBUTOR]);
  tok.bkavOther = await bkav.token([Role.CONTRIBUTOR], 'another-bkav-user');
  tok.bkavViewer = await bkav.token([Role.VIEWER]);
  tok.bkavReporter = await bkav.token([Role.REPORTER]);
  tok.vncertContributor = await vncert.token([Role.CONTRIBUTOR]);
  tok.vncertAnalyst = await vncert.token([Role.ANALYST]);
  tok.viettel = await viettel.token([Role.CONTRIBUTOR]);
  tok.viettelAdmin = await viettel.token([Role.ADMIN]);
});

describe('TAXII POST and status', () => {
  it('answers 202 with a status resource that the posting organisation reads again, and no one else', async () => {
    const posted = await postEnvelope(tok.bkav, coll(INDICATORS_COLLECTION), { objects: [indicator(1, 'status.example'), { type: 'malware', id: `malware--${randomUUID()}` }] });
    expect(posted.status).toBe(202);
    expect(posted.headers.get('content-type')).toBe(TAXII_TYPE);
    expect(posted.body).toMatchObject({ status: 'complete', total_count: 2, success_count: 1, failure_count: 1, pending_count: 0 });
    expect(posted.body.request_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(posted.body.successes).toEqual([{ id: indicator(1, '').id }]);
    const url = `${taxiiBase(t.app)}/api/status/${posted.body.id}/`;
    const again = await taxii(tok.bkavOther, url);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(posted.body);
    const other = await taxii(tok.viettel, url);
    const missing = await taxii(tok.viettel, `${taxiiBase(t.app)}/api/status/${randomUUID()}/`);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body.title).toBe(missing.body.title);
    expect((await taxii(tok.bkav, `${taxiiBase(t.app)}/api/status/not-a-uuid/`)).status).toBe(404);
    // Statuses older than the retention period go when the organisation posts again.
    await t.app.db.query(`UPDATE taxii_statuses SET request_timestamp = now() - interval '31 days' WHERE id = $1`, [posted.body.id]);
    await postEnvelope(tok.bkav, coll(INDICATORS_COLLECTION), { objects: [indicator(3, 'status2.example')] });
    expect((await taxii(tok.bkav, url)).status).toBe(404);
    expect((await taxii(null, url)).status).toBe(401);
  });

  it('refuses a POST that is not TAXII 2.1 (415), a read-only collection (403), a viewer (403), and an Accept it cannot serve (406)', async () => {
    const env = { objects: [indicator(2, 'refused.example')] };
    for (const type of ['application/json', 'application/taxii+json;version=2.0', 'text/plain']) {
      const r = await postEnvelope(tok.bkav, coll(INDICATORS_COLLECTION), env, type);
      expect(r.status, type).toBe(415);
      expect(r.body).toMatchObject({ http_status: '415' });
    }
    const [alliance] = await t.app.db.query(`SELECT id FROM sharing_groups WHERE name = 'alliance'`);
    expect((await postEnvelope(tok.bkav, coll(groupCollectionId(alliance.id)), env)).status).toBe(403);
    expect((await postEnvelope(tok.bkavViewer, coll(INDICATORS_COLLECTION), env)).status).toBe(403);
    const unauth = await postEnvelope('not-a-token', coll(INDICATORS_COLLECTION), env);
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('www-authenticate')).toMatch(/Basic/);
    expect((await postEnvelope(tok.bkav, coll(randomUUID()), env)).status).toBe(404);
    for (const accept of ['application/taxii+json;version=2.0', 'application/json', 'text/html']) {
      expect((await taxii(tok.bkav, coll(INDICATORS_COLLECTION), { headers: { accept } })).status, accept).toBe(406);
    }
    for (const accept of ['application/taxii+json', '*/*', 'application/taxii+json;version=2.1, text/html;q=0.1']) {
      expect((await taxii(tok.bkav, coll(INDICATORS_COLLECTION), { headers: { accept } })).status, accept).toBe(200);
    }
    const check = await t.app.gql(tok.bkav, '{ indicators(filter: { value: "refused.example" }) { totalCount } }');
    expect(check.body.data!.indicators.totalCount).toBe(0);
  });
});

describe('TAXII DELETE', () => {
  const del = (token: string, collection: string, id: string) => taxii(token, `${coll(collection)}objects/${id}/`, { method: 'DELETE' });

  it('revokes the author\'s own indicator (a new version with revoked: true); 403 to readers who may not, 404 to those who cannot read it', async () => {
    const d = await gql(tok.bkav, `mutation { submitIndicators(input: [{ type: DOMAIN, value: "clear-del.example", tlp: CLEAR }, { type: DOMAIN, value: "red-del.example", tlp: RED }]) { results { indicator { id } } } }`);
    const [clear, red] = d.submitIndicators.results.map((r: any) => `indicator--${r.indicator.id}`);
    const before = await taxii(tok.bkav, `${coll(INDICATORS_COLLECTION)}objects/${clear}/`);
    expect((await del(tok.viettel, INDICATORS_COLLECTION, red)).status).toBe(404);
    expect((await del(tok.viettel, INDICATORS_COLLECTION, `indicator--${randomUUID()}`)).status).toBe(404);
    expect((await del(tok.viettelAdmin, INDICATORS_COLLECTION, clear)).status).toBe(403);
    expect((await del(tok.bkavViewer, INDICATORS_COLLECTION, clear)).status).toBe(403);
    expect((await del(tok.bkav, SIGHTINGS_COLLECTION, clear)).status).toBe(404);
    const ok = await del(tok.bkavOther, INDICATORS_COLLECTION, clear);
    expect(ok.status).toBe(200);
    const after = await taxii(tok.viettel, `${coll(INDICATORS_COLLECTION)}objects/${clear}/`);
    expect(after.body.objects[0].revoked).toBe(true);
    expect(after.body.objects[0].modified > before.body.objects[0].modified).toBe(true);
    // Clients polling by date_added receive the revocation.
    const since = before.headers.get('x-taxii-date-added-last')!;
    const polled = await taxii(tok.viettel, `${coll(INDICATORS_COLLECTION)}objects/?added_after=${since}`);
    expect(polled.body.objects.map((o: any) => o.id)).toContain(clear);
    expect((await del(tok.bkav, INDICATORS_COLLECTION, clear)).status).toBe(200);
  });

  it('deletes the author\'s own sighting (by a CONTRIBUTOR), which then is gone', async () => {
    const d = await gql(tok.bkavReporter, `mutation { reportSightings(input: [{ type: DOMAIN, value: "seen.example", tlp: GREEN }]) { results { sighting { id } } } }`);
    const id = `sighting--${d.reportSightings.results[0].sighting.id}`;
    expect((await del(tok.bkavReporter, SIGHTINGS_COLLECTION, id)).status).toBe(403);
    expect((await del(tok.viettelAdmin, SIGHTINGS_COLLECTION, id)).status).toBe(403);
    expect((await del(tok.bkav, SIGHTINGS_COLLECTION, id)).status).toBe(200);
    expect((await taxii(tok.bkav, `${coll(SIGHTINGS_COLLECTION)}objects/${id}/`)).status).toBe(404);
    expect((await del(tok.bkav, SIGHTINGS_COLLECTION, id)).status).toBe(404);
  });

  it('withdraws the organisation\'s own advisory (its ANALYST\'s right), and refuses to delete incidents, which are closed instead', async () => {
    const publish = async (token: string) => {
      const a = await gql(token, 'mutation { createAdvisory(input: { title: "t", summary: "s", tlp: GREEN }) { id } }');
      await gql(tok.vncertAdmin, 'mutation($id: ID!) { publishAdvisory(id: $id) { id } }', { id: a.createAdvisory.id });
      return `report--${a.createAdvisory.id}`;
    };
    const own = await publish(tok.vncertAdmin);
    const bkavs = await publish(tok.bkav);
    expect((await del(tok.vncertContributor, ADVISORIES_COLLECTION, own)).status).toBe(403);
    // A coordinator may withdraw anyone's advisory through GraphQL, but TAXII DELETE is for the author's own objects.
    expect((await del(tok.vncertAnalyst, ADVISORIES_COLLECTION, bkavs)).status).toBe(403);
    expect((await del(tok.vncertAnalyst, ADVISORIES_COLLECTION, own)).status).toBe(200);
    const after = await taxii(tok.viettel, `${coll(ADVISORIES_COLLECTION)}objects/${own}/`);
    expect(after.body.objects[0].labels).toContain('withdrawn');
    expect((await del(tok.vncertAnalyst, ADVISORIES_COLLECTION, own)).status).toBe(200);

    const inc = await gql(tok.bkav, 'mutation { reportIncident(input: { title: "i", category: PHISHING, tlp: GREEN }) { id } }');
    const incident = `incident--${inc.reportIncident.id}`;
    const refused = await del(tok.bkav, INCIDENTS_COLLECTION, incident);
    expect(refused.status).toBe(403);
    expect(refused.body.description).toMatch(/closes it/);
    const hidden = await gql(tok.bkav, 'mutation { reportIncident(input: { title: "h", category: PHISHING }) { id } }');
    expect((await del(tok.viettelAdmin, INCIDENTS_COLLECTION, `incident--${hidden.reportIncident.id}`)).status).toBe(404);
    const audit = await t.app.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'incident.delete'`);
    expect(audit[0].n).toBeGreaterThan(0);
  });
});
