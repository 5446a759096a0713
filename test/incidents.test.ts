import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type GqlResponse, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';

let app: TestApp;
let c: Community;
/** Read-only tokens per organisation code. */
const viewer: Record<string, string> = {};
let mofTaxReporter: string;
let mofReporter: string;
let mofAnalyst: string;
let vncertAnalyst: string;
let vncertReporter: string;
let bkavReporter: string;
let danangReporter: string;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  for (const o of [c.vncert, c.bkav, c.viettel, c.mof, c.mofTax, c.danang]) viewer[o.code] = await o.token([Role.VIEWER]);
  mofTaxReporter = await c.mofTax.token([Role.REPORTER], 'it.officer');
  mofReporter = await c.mof.token([Role.REPORTER], 'mof.soc');
  mofAnalyst = await c.mof.token([Role.ANALYST], 'mof.analyst');
  vncertAnalyst = await c.vncert.token([Role.ANALYST], 'analyst.1');
  vncertReporter = await c.vncert.token([Role.REPORTER], 'vncert.desk');
  bkavReporter = await c.bkav.token([Role.REPORTER]);
  danangReporter = await c.danang.token([Role.REPORTER]);
});
afterAll(() => app?.close());

const ALL = ['VNCERT', 'BKAV', 'VIETTEL', 'MOF', 'MOF-TAX', 'DANANG'];
const FIELDS = `id title description category severity status occurredAt detectedAt affectedSystems assignee createdAt updatedAt
  tlp recipients nextStatuses author { code } observables { type value }
  timeline { kind fromStatus toStatus note at actorSubject actorOrganization { code } }`;
const REPORT = `mutation($input: IncidentInput!) { reportIncident(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: IncidentUpdateInput!) { updateIncident(id: $id, input: $input) { ${FIELDS} } }`;
const SHARE = `mutation($id: ID!, $r: [String!]!) { shareIncident(id: $id, recipients: $r) { ${FIELDS} } }`;
const BY_ID = `query($id: ID!) { incident(id: $id) { ${FIELDS} } }`;
const LIST = `query($f: IncidentFilter, $first: Int, $after: String) {
  incidents(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id title tlp status recipients author { code } observables { value } timeline { kind actorOrganization { code } } } }
  }
}`;

type Incident = Record<string, any>;

async function report(token: string, input: Record<string, unknown>): Promise<Incident> {
  const res = await app.gql(token, REPORT, { input: { category: 'INTRUSION', ...input } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.reportIncident;
}
const update = (token: string, id: string, input: Record<string, unknown>) => app.gql(token, UPDATE, { id, input });
const share = (token: string, id: string, r: string[]) => app.gql(token, SHARE, { id, r });
const byId = async (token: string, id: string) => (await app.gql(token, BY_ID, { id })).body.data!.incident as Incident | null;
async function list(token: string, f: Record<string, unknown>, first = 100, after?: string) {
  const res = await app.gql(token, LIST, { f, first, after });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.incidents;
}

/** The one error of a failed call, which must have left no data. */
function failure(res: GqlResponse, field: string) {
  expect(res.body.data?.[field] ?? null).toBeNull();
  expect(res.body.errors).toHaveLength(1);
  return res.body.errors![0];
}

describe('who reads an incident reported by MOF-TAX, per TLP', () => {
  const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
  const ambers = ['MOF-TAX', 'MOF', 'VNCERT'];
  const plainReaders: Record<string, string[]> = { CLEAR: ALL, GREEN: ALL, AMBER: ambers, AMBER_STRICT: ambers, RED: ['MOF-TAX'] };
  const made: { inc: Incident; readers: string[] }[] = [];

  beforeAll(async () => {
    for (const tlp of TLPS) {
      const plain = await report(mofTaxReporter, { title: `${tlp} plain`, tlp, category: 'DEFACEMENT', observables: [{ type: 'DOMAIN', value: `${tlp.toLowerCase().replace('_', '-')}.gov.example` }] });
      made.push({ inc: plain, readers: plainReaders[tlp] });
      const shared = await report(mofTaxReporter, { title: `${tlp} shared with BKAV`, tlp, category: 'DEFACEMENT', recipients: ['bkav'] });
      made.push({ inc: shared, readers: [...new Set([...plainReaders[tlp], 'BKAV'])] });
    }
  });

  it('lists to each organisation exactly what it may read, and counts the same', async () => {
    for (const org of ALL) {
      const page = await list(viewer[org], { authors: ['MOF-TAX'], categories: ['DEFACEMENT'] });
      const expected = made.filter((m) => m.readers.includes(org)).map((m) => m.inc.title);
      expect(page.edges.map((e: any) => e.node.title).sort(), org).toEqual(expected.sort());
      expect(page.totalCount, org).toBe(expected.length);
    }
  });

  it('answers by id exactly when the organisation may read it', async () => {
    for (const { inc, readers } of made) {
      for (const org of ALL) {
        const got = await byId(viewer[org], inc.id);
        expect(got?.id ?? null, `${org} reading "${inc.title}"`).toBe(readers.includes(org) ? inc.id : null);
      }
    }
  });

  it('shows nested fields to readers, and recipients only to the author side and coordinators', async () => {
    const amber = made.find((m) => m.inc.title === 'AMBER shared with BKAV')!.inc;
    for (const org of ['MOF-TAX', 'MOF', 'VNCERT']) expect((await byId(viewer[org], amber.id))!.recipients, org).toEqual(['BKAV']);
    const asBkav = (await byId(viewer.BKAV, amber.id))!;
    expect(asBkav.recipients).toBeNull();
    expect(asBkav.author.code).toBe('MOF-TAX');
    expect(asBkav.timeline).toMatchObject([{ kind: 'REPORTED', toStatus: 'REPORTED', actorOrganization: { code: 'MOF-TAX' }, actorSubject: 'it.officer' }]);
    const red = made.find((m) => m.inc.title === 'RED plain')!.inc;
    expect((await byId(viewer['MOF-TAX'], red.id))!.observables).toEqual([{ type: 'DOMAIN', value: 'red.gov.example' }]);
  });

  it('answers a hidden incident exactly like a random missing id', async () => {
    const red = made.find((m) => m.inc.title === 'RED plain')!.inc;
    const hidden = await app.gql(viewer.DANANG, BY_ID, { id: red.id });
    const missing = await app.gql(viewer.DANANG, BY_ID, { id: randomUUID() });
    expect(hidden.status).toBe(missing.status);
    expect(hidden.body).toEqual({ data: { incident: null } });
    expect(missing.body).toEqual(hidden.body);
    // Coordinators do not read RED either.
    expect((await app.gql(viewer.VNCERT, BY_ID, { id: red.id })).body).toEqual(missing.body);
  });

  it('gives AMBER, not AMBER_STRICT, to the departments of a recipient', async () => {
    const amber = await report(danangReporter, { title: 'province AMBER to MOF', tlp: 'AMBER', recipients: ['MOF'], category: 'DDOS' });
    const strict = await report(danangReporter, { title: 'province AMBER_STRICT to MOF', tlp: 'AMBER_STRICT', recipients: ['MOF'], category: 'DDOS' });
    expect((await byId(viewer['MOF-TAX'], amber.id))?.id).toBe(amber.id);
    expect(await byId(viewer['MOF-TAX'], strict.id)).toBeNull();
    expect((await byId(viewer.MOF, strict.id))?.id).toBe(strict.id);
    expect((await list(viewer.BKAV, { authors: ['DANANG'], categories: ['DDOS'] })).totalCount).toBe(0);
  });
});

describe('reportIncident', () => {
  it('takes RED when no TLP is given and the organisation\'s default is RED; never a looser default', async () => {
    const admin = await c.vncert.token([Role.ADMIN]);
    const set = (tlp: string) => app.gql(admin, 'mutation($t: Tlp!) { updateOrganization(code: "DANANG", input: { defaultTlp: $t }) { defaultTlp } }', { t: tlp });
    expect((await set('RED')).body.errors).toBeUndefined();
    expect((await report(danangReporter, { title: 'Defaced provincial portal' })).tlp).toBe('RED');
    expect((await set('GREEN')).body.errors).toBeUndefined();
    expect((await report(danangReporter, { title: 'Phishing at the provincial office' })).tlp).toBe('AMBER_STRICT');
  });

  it('stores what was reported, normalised, AMBER_STRICT by default, with a REPORTED entry', async () => {
    const before = Date.now();
    const inc = await report(mofTaxReporter, {
      title: '  Ransomware on the tax filing portal ',
      description: 'Files encrypted on two servers.',
      category: 'RANSOMWARE',
      severity: 'HIGH',
      occurredAt: '2025-03-01T08:00:00Z',
      detectedAt: '2025-03-01T09:30:00Z',
      affectedSystems: ['etax-web-01', 'etax-db-01'],
      observables: [
        { type: 'DOMAIN', value: 'Pay-Now.Example.' },
        { type: 'IPV4', value: '203.0.113.45' },
        { type: 'DOMAIN', value: 'pay-now.example' },
      ],
    });
    expect(inc).toMatchObject({
      title: 'Ransomware on the tax filing portal',
      category: 'RANSOMWARE',
      severity: 'HIGH',
      status: 'REPORTED',
      tlp: 'AMBER_STRICT',
      recipients: [],
      assignee: null,
      occurredAt: '2025-03-01T08:00:00.000Z',
      detectedAt: '2025-03-01T09:30:00.000Z',
      affectedSystems: ['etax-web-01', 'etax-db-01'],
      author: { code: 'MOF-TAX' },
      nextStatuses: ['TRIAGED', 'CLOSED'],
    });
    expect(inc.observables).toEqual([
      { type: 'DOMAIN', value: 'pay-now.example' },
      { type: 'IPV4', value: '203.0.113.45' },
    ]);
    expect(inc.timeline).toMatchObject([{ kind: 'REPORTED', fromStatus: null, toStatus: 'REPORTED', actorSubject: 'it.officer', actorOrganization: { code: 'MOF-TAX' } }]);
    const at = Date.parse(inc.timeline[0].at);
    expect(at).toBeGreaterThanOrEqual(before - 2000);
    expect(at).toBeLessThanOrEqual(Date.now() + 2000);
    expect(await byId(viewer.VIETTEL, inc.id)).toBeNull();
  });

  it('needs the REPORTER role', async () => {
    const res = await app.gql(viewer['MOF-TAX'], REPORT, { input: { title: 'x', category: 'OTHER' } });
    expect(failure(res, 'reportIncident').extensions?.code).toBe('FORBIDDEN');
  });

  describe('rejects bad input naming the field, and stores nothing', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['an empty title', { title: '   ' }, 'input.title', /^input\.title: must not be empty$/],
      ['a bad observable value', { observables: [{ type: 'DOMAIN', value: 'kept-out.example' }, { type: 'IPV4', value: '198.51.100.9' }, { type: 'IPV4', value: '999.1.1.1' }] }, 'input.observables[2].value', /IPV4 must be a dotted-quad/],
      ['an unknown recipient', { recipients: ['BKAV', 'NO-SUCH-ORG'], observables: [{ type: 'DOMAIN', value: 'kept-out.example' }] }, 'input.recipients[1]', /unknown organisation code or sharing group "NO-SUCH-ORG"/],
      ['detection before occurrence', { occurredAt: '2025-03-02T00:00:00Z', detectedAt: '2025-03-01T00:00:00Z' }, 'input.detectedAt', /must not be before occurredAt/],
      ['an occurrence in the future', { occurredAt: new Date(Date.now() + 86_400_000).toISOString() }, 'input.occurredAt', /must not be in the future/],
    ];
    for (const [what, bad, field, message] of cases) {
      it(what, async () => {
        const res = await app.gql(mofTaxReporter, REPORT, { input: { title: 'a breach', category: 'DATA_BREACH', ...bad } });
        const err = failure(res, 'reportIncident');
        expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(err.message).toMatch(message);
        expect((await list(mofTaxReporter, { categories: ['DATA_BREACH'] })).totalCount).toBe(0);
        const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM observables WHERE value = 'kept-out.example'`);
        expect(n).toBe(0);
      });
    }

    it('an unknown category literal', async () => {
      const res = await app.gql(mofTaxReporter, REPORT, { input: { title: 'a breach', category: 'NOT_A_CATEGORY' } });
      const err = failure(res, 'reportIncident');
      expect(err.extensions?.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(/NOT_A_CATEGORY/);
      expect(err.message).toMatch(/category/);
      expect((await list(mofTaxReporter, { categories: ['DATA_BREACH'] })).totalCount).toBe(0);
    });
  });
});

describe('updateIncident: the status life cycle and who may move it', () => {
  it('follows an incident from report to closure, recording who did what', async () => {
    const inc = await report(mofTaxReporter, { title: 'web shell on portal', tlp: 'AMBER' });

    const triage = await update(vncertAnalyst, inc.id, { status: 'TRIAGED', assignee: 'tran.thi.b', note: 'Confirmed, web shell found.' });
    expect(triage.body.errors).toBeUndefined();
    const t = triage.body.data!.updateIncident;
    expect(t).toMatchObject({ status: 'TRIAGED', assignee: 'tran.thi.b', nextStatuses: ['CONTAINED', 'RESOLVED', 'CLOSED'] });
    expect(Date.parse(t.updatedAt)).toBeGreaterThan(Date.parse(inc.createdAt));
    expect(t.timeline.slice(1)).toMatchObject([
      { kind: 'STATUS_CHANGED', fromStatus: 'REPORTED', toStatus: 'TRIAGED', actorSubject: 'analyst.1', actorOrganization: { code: 'VNCERT' } },
      { kind: 'ASSIGNED', note: 'tran.thi.b', actorOrganization: { code: 'VNCERT' } },
      { kind: 'NOTE', note: 'Confirmed, web shell found.', actorOrganization: { code: 'VNCERT' } },
    ]);

    const contained = await update(mofTaxReporter, inc.id, { status: 'CONTAINED', note: 'Server isolated.' });
    expect(contained.body.data!.updateIncident.status).toBe('CONTAINED');
    const parentNote = await update(mofReporter, inc.id, { note: 'Ministry informed.' });
    expect(parentNote.body.data!.updateIncident.timeline.at(-1)).toMatchObject({ kind: 'NOTE', note: 'Ministry informed.', actorSubject: 'mof.soc', actorOrganization: { code: 'MOF' } });
    expect((await update(mofReporter, inc.id, { status: 'RESOLVED' })).body.data!.updateIncident.status).toBe('RESOLVED');

    const reopenByReporter = await update(mofTaxReporter, inc.id, { status: 'TRIAGED' });
    expect(failure(reopenByReporter, 'updateIncident').extensions?.code).toBe('FORBIDDEN');
    expect((await update(vncertAnalyst, inc.id, { status: 'TRIAGED', note: 'Reinfected.' })).body.data!.updateIncident.status).toBe('TRIAGED');
    const closed = (await update(mofTaxReporter, inc.id, { status: 'CLOSED' })).body.data!.updateIncident;
    expect(closed).toMatchObject({ status: 'CLOSED', nextStatuses: [] });
    expect(closed.timeline.filter((e: any) => e.kind === 'STATUS_CHANGED').map((e: any) => `${e.fromStatus}>${e.toStatus}`)).toEqual([
      'REPORTED>TRIAGED', 'TRIAGED>CONTAINED', 'CONTAINED>RESOLVED', 'RESOLVED>TRIAGED', 'TRIAGED>CLOSED',
    ]);

    const afterClose = failure(await update(vncertAnalyst, inc.id, { status: 'TRIAGED' }), 'updateIncident');
    expect(afterClose.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.status' });
    expect(afterClose.message).toMatch(/CLOSED is final/);
  });

  it('refuses a move the life cycle does not allow, naming the allowed next statuses', async () => {
    const inc = await report(mofTaxReporter, { title: 'phishing wave' });
    for (const status of ['RESOLVED', 'CONTAINED', 'REPORTED']) {
      const err = failure(await update(vncertAnalyst, inc.id, { status }), 'updateIncident');
      expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.status' });
      expect(err.message).toBe(`input.status: cannot move an incident from REPORTED to ${status}; allowed next statuses: TRIAGED, CLOSED`);
    }
    const empty = failure(await update(vncertAnalyst, inc.id, {}), 'updateIncident');
    expect(empty.message).toBe('input: must set at least one of status, note or assignee');
    expect(failure(await update(vncertAnalyst, inc.id, { note: '  ' }), 'updateIncident').extensions?.field).toBe('input.note');
    expect(failure(await update(vncertAnalyst, 'not-an-id', { note: 'x' }), 'updateIncident').extensions?.field).toBe('id');
    expect((await byId(viewer['MOF-TAX'], inc.id))!.timeline).toHaveLength(1);
  });

  it('lets only coordinator analysts triage and assign; FORBIDDEN changes leave nothing behind', async () => {
    const inc = await report(mofTaxReporter, { title: 'suspicious logins', tlp: 'AMBER', recipients: ['BKAV'] });
    const attempts: [string, string, Record<string, unknown>][] = [
      ['reporting organisation triaging', mofTaxReporter, { status: 'TRIAGED', note: 'self-triage' }],
      ['parent ministry analyst triaging', mofAnalyst, { status: 'TRIAGED' }],
      ['coordinator without ANALYST', vncertReporter, { status: 'TRIAGED' }],
      ['reporting organisation assigning', mofTaxReporter, { assignee: 'me' }],
      ['recipient adding a note', bkavReporter, { note: 'we saw this too' }],
    ];
    for (const [who, token, input] of attempts) {
      expect(failure(await update(token, inc.id, input), 'updateIncident').extensions?.code, who).toBe('FORBIDDEN');
    }
    const now = (await byId(viewer['MOF-TAX'], inc.id))!;
    expect(now).toMatchObject({ status: 'REPORTED', assignee: null, updatedAt: inc.updatedAt });
    expect(now.timeline).toHaveLength(1);
    const denied = await app.db.query(`SELECT action FROM audit_events WHERE target_id = $1 AND outcome = 'DENIED'`, [inc.id]);
    expect(denied).toHaveLength(attempts.length);

    // The reporting side may close it straight away (e.g. a false alarm).
    expect((await update(mofTaxReporter, inc.id, { status: 'CLOSED', note: 'False alarm.' })).body.data!.updateIncident.status).toBe('CLOSED');
  });

  it('is NOT_FOUND, exactly as for a missing id, to whoever cannot read the incident', async () => {
    const red = await report(mofTaxReporter, { title: 'red incident', tlp: 'RED' });
    const missingId = randomUUID();
    for (const token of [danangReporter, vncertAnalyst]) {
      const hidden = await update(token, red.id, { note: 'hello' });
      const missing = await update(token, missingId, { note: 'hello' });
      expect(failure(hidden, 'updateIncident').extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(hidden.body).replaceAll(red.id, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(missingId, 'ID'));
    }
  });
});

describe('shareIncident', () => {
  it('adds recipients for the author, who then read it; recipients see no recipient list', async () => {
    const inc = await report(mofTaxReporter, { title: 'leaked credentials' });
    expect(await byId(viewer.VIETTEL, inc.id)).toBeNull();
    const res = await share(mofTaxReporter, inc.id, ['VIETTEL', 'bkav']);
    expect(res.body.errors).toBeUndefined();
    const shared = res.body.data!.shareIncident;
    expect(shared.recipients.sort()).toEqual(['BKAV', 'VIETTEL']);
    expect(shared.timeline.at(-1)).toMatchObject({ kind: 'SHARED', note: 'BKAV, VIETTEL', actorOrganization: { code: 'MOF-TAX' } });

    const again = (await share(mofTaxReporter, inc.id, ['VIETTEL'])).body.data!.shareIncident;
    expect(again.timeline).toHaveLength(shared.timeline.length);

    const asViettel = (await byId(viewer.VIETTEL, inc.id))!;
    expect(asViettel.recipients).toBeNull();
    expect(asViettel.timeline.at(-1)).toMatchObject({ kind: 'SHARED', note: null });
    expect(await byId(viewer.DANANG, inc.id)).toBeNull();
  });

  it('lets coordinator analysts pass AMBER on, but only the author share RED', async () => {
    const amber = await report(mofTaxReporter, { title: 'for the vendors', tlp: 'AMBER_STRICT' });
    expect(failure(await share(vncertReporter, amber.id, ['BKAV']), 'shareIncident').extensions?.code).toBe('FORBIDDEN');
    expect((await share(vncertAnalyst, amber.id, ['BKAV'])).body.data!.shareIncident.recipients).toEqual(['BKAV']);
    expect((await byId(viewer.BKAV, amber.id))?.id).toBe(amber.id);

    const red = await report(mofTaxReporter, { title: 'red, shared with the centre', tlp: 'RED', recipients: ['VNCERT'] });
    expect(failure(await share(vncertAnalyst, red.id, ['BKAV']), 'shareIncident').extensions?.code).toBe('FORBIDDEN');
    expect(await byId(viewer.BKAV, red.id)).toBeNull();
  });

  it('is FORBIDDEN to readers who are not the author, NOT_FOUND to others', async () => {
    const inc = await report(mofTaxReporter, { title: 'shared once', tlp: 'AMBER', recipients: ['BKAV'] });
    expect(failure(await share(bkavReporter, inc.id, ['VIETTEL']), 'shareIncident').extensions?.code).toBe('FORBIDDEN');
    expect(failure(await share(mofReporter, inc.id, ['VIETTEL']), 'shareIncident').extensions?.code).toBe('FORBIDDEN');
    const hidden = failure(await share(danangReporter, inc.id, ['VIETTEL']), 'shareIncident');
    expect(hidden).toMatchObject({ message: `Incident ${inc.id} not found`, extensions: { code: 'NOT_FOUND' } });
    expect(await byId(viewer.VIETTEL, inc.id)).toBeNull();
  });

  it('shares with a sharing group, and rejects an unknown name without changing anything', async () => {
    const admin = await c.vncert.token([Role.ADMIN]);
    const group = await app.gql(admin, 'mutation { createSharingGroup(name: "vendor alliance", members: ["BKAV", "VIETTEL"]) { name } }');
    expect(group.body.errors).toBeUndefined();
    const inc = await report(mofTaxReporter, { title: 'for the alliance', tlp: 'RED' });
    const bad = failure(await share(mofTaxReporter, inc.id, ['vendor alliance', 'NOBODY']), 'shareIncident');
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'recipients[1]' });
    expect(await byId(viewer.BKAV, inc.id)).toBeNull();
    expect(failure(await share(mofTaxReporter, inc.id, []), 'shareIncident').extensions?.field).toBe('recipients');

    expect((await share(mofTaxReporter, inc.id, ['vendor alliance'])).body.data!.shareIncident.recipients).toEqual(['vendor alliance']);
    for (const org of ['BKAV', 'VIETTEL']) expect((await byId(viewer[org], inc.id))?.id, org).toBe(inc.id);
    expect(await byId(viewer.VNCERT, inc.id)).toBeNull();
  });
});

describe('incidents list', () => {
  it('pages newest first with first/after, stable and complete', async () => {
    const titles: string[] = [];
    for (let i = 1; i <= 5; i++) titles.push((await report(mofTaxReporter, { title: `phish ${i}`, category: 'PHISHING' })).title);
    const seen: string[] = [];
    let after: string | undefined;
    const pages: boolean[] = [];
    do {
      const page = await list(mofTaxReporter, { categories: ['PHISHING'] }, 2, after);
      expect(page.totalCount).toBe(5);
      seen.push(...page.edges.map((e: any) => e.node.title));
      pages.push(page.pageInfo.hasNextPage);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after);
    expect(seen).toEqual([...titles].reverse());
    expect(pages).toEqual([true, true, false]);
    const bad = await app.gql(mofTaxReporter, LIST, { f: {}, first: 2, after: 'garbage' });
    expect(failure(bad, 'incidents').extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('filters by status, severity, author, assignee and report time', async () => {
    const start = new Date().toISOString();
    const low = await report(danangReporter, { title: 'low malware', category: 'MALWARE', severity: 'LOW', tlp: 'AMBER' });
    const high = await report(danangReporter, { title: 'critical malware', category: 'MALWARE', severity: 'CRITICAL', tlp: 'AMBER' });
    await update(vncertAnalyst, high.id, { status: 'TRIAGED', assignee: 'Le.Van.C' });
    const titles = async (f: Record<string, unknown>) =>
      (await list(vncertAnalyst, { categories: ['MALWARE'], ...f })).edges.map((e: any) => e.node.title);
    expect(await titles({})).toEqual(['critical malware', 'low malware']);
    expect(await titles({ statuses: ['TRIAGED'] })).toEqual(['critical malware']);
    expect(await titles({ minSeverity: 'HIGH' })).toEqual(['critical malware']);
    expect(await titles({ assignee: 'le.van.c' })).toEqual(['critical malware']);
    expect(await titles({ authors: ['danang'] })).toEqual(['critical malware', 'low malware']);
    expect(await titles({ authors: ['MOF-TAX'] })).toEqual([]);
    expect(await titles({ reportedAfter: start, reportedBefore: high.createdAt })).toEqual(['low malware']);
    expect(low.tlp).toBe('AMBER');
  });
});
