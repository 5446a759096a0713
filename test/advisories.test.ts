import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role, ROLE_ORDER } from '../src/common/enums';
import { startTestApp, type GqlResponse, type TestApp } from './support/app';
import { community, createOrg, type Community, type OrgFixture } from './support/fixtures';

let app: TestApp;
let c: Community;
/** A vendor allowed every role, to show that ANALYST alone does not make an organisation a publisher. */
let cmc: OrgFixture;
let bankHn: OrgFixture;
let evnHcm: OrgFixture;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  cmc = await createOrg(app, { code: 'CMC', kind: OrgKind.SECURITY_VENDOR, allowedRoles: [...ROLE_ORDER] });
  bankHn = await createOrg(app, { code: 'BANK-HN', kind: OrgKind.AGENCY, sector: 'Banking', region: 'Hanoi' });
  evnHcm = await createOrg(app, { code: 'EVN-HCM', kind: OrgKind.AGENCY, sector: 'energy', region: 'HCMC' });
});
afterAll(() => app?.close());

const tokens = new Map<string, Promise<string>>();
function tokenOf(org: OrgFixture, roles: Role[]): Promise<string> {
  const key = `${org.code}:${roles.join(',')}`;
  if (!tokens.has(key)) tokens.set(key, org.token(roles));
  return tokens.get(key)!;
}
async function gql(org: OrgFixture, roles: Role[], query: string, variables?: Record<string, unknown>): Promise<GqlResponse> {
  return app.gql(await tokenOf(org, roles), query, variables);
}

const FIELDS = `id title summary body severity cveIds affectedProducts recommendedActions status revision
  publishedAt withdrawnAt withdrawnReason createdAt updatedAt tlp recipients author { code }
  audience { everyone sectors regions organizations { code } } observables { type value }`;

const CREATE = `mutation($input: AdvisoryInput!) { createAdvisory(input: $input) { ${FIELDS} } }`;
const PUBLISH = `mutation($id: ID!) { publishAdvisory(id: $id) { ${FIELDS} } }`;
const REVISE = `mutation($id: ID!, $input: AdvisoryRevisionInput!) { reviseAdvisory(id: $id, input: $input) { ${FIELDS} } }`;
const WITHDRAW = `mutation($id: ID!, $reason: String!) { withdrawAdvisory(id: $id, reason: $reason) { ${FIELDS} } }`;
const BY_ID = `query($id: ID!) { advisory(id: $id) { id title status recipients observables { type value } author { code } } }`;
const LIST = `query($filter: AdvisoryFilter, $first: Int, $after: String) {
  advisories(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title status recipients observables { value } } }
  }
}`;

let cveSeq = 1000;
/** Each advisory gets its own CVE id, so that a test can list exactly its own advisories in a shared database. */
const nextCve = () => `CVE-2099-${++cveSeq}`;

type Adv = Record<string, any>;

async function create(org: OrgFixture, input: Record<string, unknown>, roles: Role[] = [Role.CONTRIBUTOR]): Promise<Adv> {
  const res = await gql(org, roles, CREATE, { input: { title: 'Advisory', summary: 'Summary', cveIds: [nextCve()], ...input } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createAdvisory;
}

async function publish(id: string): Promise<Adv> {
  const res = await gql(c.vncert, [Role.ANALYST], PUBLISH, { id });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.publishAdvisory;
}

function errorOf(res: GqlResponse): { code: string; message: string; field?: string } {
  expect(res.body.errors, JSON.stringify(res.body)).toHaveLength(1);
  const e = res.body.errors![0];
  return { code: e.extensions?.code, message: e.message, field: e.extensions?.field };
}

async function listByCve(org: OrgFixture, cve: string, filter: Record<string, unknown> = {}) {
  const res = await gql(org, [Role.VIEWER], LIST, { filter: { cve, ...filter } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.advisories;
}

/** Asserts what one reader sees of one advisory through by-id, the list and its count. */
async function expectVisibility(reader: OrgFixture, adv: Adv, visible: boolean) {
  const byId = await gql(reader, [Role.VIEWER], BY_ID, { id: adv.id });
  expect(byId.body.errors).toBeUndefined();
  const list = await listByCve(reader, adv.cveIds[0]);
  if (visible) {
    expect(byId.body.data!.advisory?.id, `${reader.code} by id`).toBe(adv.id);
    expect(list.totalCount, `${reader.code} count`).toBe(1);
    expect(list.edges.map((e: any) => e.node.id)).toEqual([adv.id]);
  } else {
    const missing = await gql(reader, [Role.VIEWER], BY_ID, { id: randomUUID() });
    expect(byId.body, `${reader.code} by id`).toEqual(missing.body);
    expect(byId.body.data).toEqual({ advisory: null });
    expect(list.totalCount, `${reader.code} count`).toBe(0);
    expect(list.edges).toEqual([]);
  }
}

describe('createAdvisory', () => {
  it('stores a DRAFT with normalised content, the default TLP and audience, and an audit record', async () => {
    const adv = await create(c.bkav, {
      title: '  Exchange RCE  ',
      body: 'Details',
      severity: 'CRITICAL',
      cveIds: ['cve-2099-0001', 'CVE-2099-0001', 'CVE-2099-99999'],
      affectedProducts: ['Exchange 2019'],
      recommendedActions: ['Patch now'],
      observables: [
        { type: 'DOMAIN', value: 'EVIL.Example.' },
        { type: 'DOMAIN', value: 'evil.example' },
        { type: 'IPV4', value: '203.0.113.9' },
      ],
    });
    expect(adv).toMatchObject({
      title: 'Exchange RCE',
      summary: 'Summary',
      body: 'Details',
      severity: 'CRITICAL',
      cveIds: ['CVE-2099-0001', 'CVE-2099-99999'],
      affectedProducts: ['Exchange 2019'],
      recommendedActions: ['Patch now'],
      status: 'DRAFT',
      revision: 1,
      publishedAt: null,
      withdrawnAt: null,
      tlp: 'AMBER',
      recipients: [],
      author: { code: 'BKAV' },
      audience: { everyone: true, sectors: [], regions: [], organizations: [] },
      observables: [
        { type: 'DOMAIN', value: 'evil.example' },
        { type: 'IPV4', value: '203.0.113.9' },
      ],
    });
    const [audit] = await app.db.query(`SELECT organization_code, action FROM audit_events WHERE target_id = $1`, [adv.id]);
    expect(audit).toEqual({ organization_code: 'BKAV', action: 'advisory.create' });
  });

  it('takes an audience of sectors, regions and organisations, and explicit TLP and recipients', async () => {
    const adv = await create(c.bkav, {
      tlp: 'AMBER_STRICT',
      recipients: ['mof'],
      audience: { sectors: ['Banking'], regions: ['Hanoi'], organizations: ['mof', 'DANANG'] },
    });
    expect(adv.tlp).toBe('AMBER_STRICT');
    expect(adv.recipients).toEqual(['MOF']);
    expect(adv.audience).toEqual({ everyone: false, sectors: ['Banking'], regions: ['Hanoi'], organizations: [{ code: 'MOF' }, { code: 'DANANG' }] });
  });

  it('needs CONTRIBUTOR', async () => {
    const res = await gql(c.bkav, [Role.REPORTER], CREATE, { input: { title: 't', summary: 's' } });
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  describe('rejects bad input naming the field, and stores nothing', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['empty title', { title: '   ' }, 'input.title', /^input\.title: must not be empty$/],
      ['long title', { title: 'x'.repeat(301) }, 'input.title', /at most 300 characters/],
      ['empty summary', { summary: '' }, 'input.summary', /must not be empty/],
      ['bad CVE', { cveIds: ['CVE-2099-1234', 'CVE-24-1'] }, 'input.cveIds[1]', /^input\.cveIds\[1\]: must be a CVE id/],
      ['bad observable', { observables: [{ type: 'DOMAIN', value: 'stored-not.example' }, { type: 'IPV4', value: '999.1.1.1' }] }, 'input.observables[1].value', /IPV4/],
      [
        'unknown audience organisation',
        { observables: [{ type: 'DOMAIN', value: 'stored-not.example' }], audience: { organizations: ['MOF', 'NOPE'] } },
        'input.audience.organizations[1]',
        /unknown organisation "NOPE"/,
      ],
      ['everyone with sectors', { audience: { everyone: true, sectors: ['energy'] } }, 'input.audience.everyone', /must not be true/],
      ['empty audience', { audience: { everyone: false } }, 'input.audience', /must name a sector/],
      ['unknown recipient', { recipients: ['NOPE'] }, 'input.recipients[0]', /unknown organisation code or sharing group/],
    ];
    for (const [name, input, field, message] of cases) {
      it(name, async () => {
        const count = async () => (await app.db.query(
          `SELECT (SELECT count(*) FROM advisories)::int AS a, (SELECT count(*) FROM advisory_observables)::int AS l,
                  (SELECT count(*) FROM observables)::int AS o`,
        ))[0];
        const before = await count();
        const res = await gql(c.bkav, [Role.CONTRIBUTOR], CREATE, { input: { title: 'Advisory', summary: 'Summary', ...input } });
        const err = errorOf(res);
        expect(err).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(err.message).toMatch(message);
        expect(res.body.data).toBeNull();
        expect(await count()).toEqual(before);
      });
    }
  });
});

describe('drafts', () => {
  it('are visible only to the author, its ancestors and coordinators, even at CLEAR', async () => {
    const adv = await create(c.mofTax, { tlp: 'CLEAR' }, [Role.ADMIN]);
    for (const reader of [c.mofTax, c.mof, c.vncert]) await expectVisibility(reader, adv, true);
    for (const reader of [c.bkav, c.viettel, c.danang, cmc]) await expectVisibility(reader, adv, false);
    const drafts = await listByCve(c.viettel, adv.cveIds[0], { statuses: ['DRAFT'] });
    expect(drafts.totalCount).toBe(0);
  });

  it('a vendor\'s draft is hidden from other vendors and from ministries', async () => {
    const adv = await create(c.bkav, { tlp: 'GREEN' });
    for (const reader of [c.bkav, c.vncert]) await expectVisibility(reader, adv, true);
    for (const reader of [c.viettel, c.mof, c.mofTax, c.danang]) await expectVisibility(reader, adv, false);
  });

  it('still obey TLP: a RED draft that does not name the coordinator is hidden from it', async () => {
    const adv = await create(c.bkav, { tlp: 'RED' });
    await expectVisibility(c.vncert, adv, false);
    const hidden = await gql(c.vncert, [Role.ANALYST], PUBLISH, { id: adv.id });
    const missingId = randomUUID();
    const missing = await gql(c.vncert, [Role.ANALYST], PUBLISH, { id: missingId });
    expect(errorOf(hidden).code).toBe('NOT_FOUND');
    expect(JSON.stringify(hidden.body).replaceAll(adv.id, 'X')).toBe(JSON.stringify(missing.body).replaceAll(missingId, 'X'));
  });
});

describe('published advisories follow TLP 2.0', () => {
  const all = () => [c.vncert, c.bkav, c.viettel, c.mof, c.mofTax, c.danang];
  const matrix: [string, string[], () => OrgFixture[]][] = [
    ['CLEAR', [], () => all()],
    ['GREEN', [], () => all()],
    ['AMBER', ['MOF'], () => [c.vncert, c.bkav, c.mof, c.mofTax]],
    ['AMBER_STRICT', ['MOF'], () => [c.vncert, c.bkav, c.mof]],
    ['RED', ['VNCERT', 'MOF'], () => [c.vncert, c.bkav, c.mof]],
  ];
  for (const [tlp, recipients, readers] of matrix) {
    it(`${tlp}${recipients.length ? ` to ${recipients.join(', ')}` : ''}`, async () => {
      const draft = await create(c.bkav, { tlp, recipients, observables: [{ type: 'DOMAIN', value: `${tlp.toLowerCase().replace('_', '-')}.matrix.example` }] });
      const adv = await publish(draft.id);
      expect(adv).toMatchObject({ status: 'PUBLISHED', revision: 1 });
      expect(adv.publishedAt).not.toBeNull();
      const allowed = new Set(readers().map((r) => r.code));
      for (const reader of all()) {
        const visible = allowed.has(reader.code);
        await expectVisibility(reader, adv, visible);
        if (!visible) continue;
        const res = await gql(reader, [Role.VIEWER], BY_ID, { id: adv.id });
        const node = res.body.data!.advisory;
        expect(node.observables).toHaveLength(1);
        // Only the author, its ancestors and coordinators learn who else received it.
        if (reader === c.bkav || reader === c.vncert) expect(node.recipients).toEqual(recipients);
        else expect(node.recipients).toBeNull();
      }
    });
  }

  it('the author\'s ancestor reads every level but RED', async () => {
    const strict = await publish((await create(c.mofTax, { tlp: 'AMBER_STRICT' }, [Role.ADMIN])).id);
    const red = await publish((await create(c.mofTax, { tlp: 'RED', recipients: ['VNCERT'] }, [Role.ADMIN])).id);
    await expectVisibility(c.mof, strict, true);
    await expectVisibility(c.mof, red, false);
    await expectVisibility(c.mofTax, red, true);
  });

  it('hides a hidden advisory\'s observables from the observable lookup too', async () => {
    const adv = await publish((await create(c.bkav, { tlp: 'RED', recipients: ['VNCERT'], observables: [{ type: 'DOMAIN', value: 'red-only.example' }] })).id);
    const res = await gql(c.danang, [Role.VIEWER], `{ observable(type: DOMAIN, value: "red-only.example") { id } }`);
    expect(res.body).toEqual({ data: { observable: null } });
    await expectVisibility(c.danang, adv, false);
  });
});

describe('publishAdvisory', () => {
  it('only a coordinator organisation\'s ANALYST publishes', async () => {
    const adv = await create(c.bkav, { tlp: 'GREEN' });
    const attempts: [OrgFixture, Role[]][] = [
      [c.bkav, [Role.CONTRIBUTOR]], // no ANALYST role
      [c.bkav, [Role.ADMIN]], // the author, with every capability, but not a coordinator
      [c.vncert, [Role.VIEWER]],
      [c.vncert, [Role.CONTRIBUTOR]],
    ];
    for (const [org, roles] of attempts) {
      const res = await gql(org, roles, PUBLISH, { id: adv.id });
      expect(errorOf(res).code, `${org.code} ${roles}`).toBe('FORBIDDEN');
    }
    // A vendor allowed ANALYST is still no publisher, even of its own draft.
    const own = await create(cmc, { tlp: 'GREEN' });
    expect(errorOf(await gql(cmc, [Role.ANALYST], PUBLISH, { id: own.id })).code).toBe('FORBIDDEN');
    // A non-coordinator ANALYST that cannot see the draft learns nothing, not even that it is forbidden.
    const hidden = await gql(c.mof, [Role.ANALYST], PUBLISH, { id: adv.id });
    expect(errorOf(hidden)).toMatchObject({ code: 'NOT_FOUND', message: `Advisory ${adv.id} not found` });
    expect((await gql(c.vncert, [Role.VIEWER], BY_ID, { id: adv.id })).body.data!.advisory.status).toBe('DRAFT');

    const published = await publish(adv.id);
    expect(published.status).toBe('PUBLISHED');
    const [audit] = await app.db.query(`SELECT organization_code FROM audit_events WHERE target_id = $1 AND action = 'advisory.publish' AND outcome = 'OK'`, [adv.id]);
    expect(audit).toEqual({ organization_code: 'VNCERT' });
  });

  it('rejects ids that are not UUIDs', async () => {
    const res = await gql(c.vncert, [Role.ANALYST], PUBLISH, { id: 'nope' });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('lifecycle', () => {
  it('DRAFT → PUBLISHED → revised → WITHDRAWN, and nothing else', async () => {
    const draft = await create(c.bkav, { tlp: 'CLEAR', observables: [{ type: 'DOMAIN', value: 'first.example' }] });
    expect(errorOf(await gql(c.bkav, [Role.ADMIN], WITHDRAW, { id: draft.id, reason: 'x' })).code).toBe('CONFLICT');

    // Drafts: the author edits freely, and so does a coordinator's analyst; the revision stays 1.
    let adv = (await gql(c.bkav, [Role.CONTRIBUTOR], REVISE, { id: draft.id, input: { title: 'Draft 2', body: '' } })).body.data!.reviseAdvisory;
    expect(adv).toMatchObject({ title: 'Draft 2', body: null, revision: 1, status: 'DRAFT' });
    adv = (await gql(c.vncert, [Role.ANALYST], REVISE, { id: draft.id, input: { severity: 'HIGH' } })).body.data!.reviseAdvisory;
    expect(adv).toMatchObject({ severity: 'HIGH', revision: 1, title: 'Draft 2' });
    expect(errorOf(await gql(c.viettel, [Role.CONTRIBUTOR], REVISE, { id: draft.id, input: { title: 'x' } })).code).toBe('NOT_FOUND');

    adv = await publish(draft.id);
    expect(errorOf(await gql(c.vncert, [Role.ANALYST], PUBLISH, { id: adv.id }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already published/) });

    // Published: only coordinators revise, and each revision counts.
    expect(errorOf(await gql(c.bkav, [Role.ADMIN], REVISE, { id: adv.id, input: { title: 'x' } })).code).toBe('FORBIDDEN');
    expect(errorOf(await gql(c.viettel, [Role.CONTRIBUTOR], REVISE, { id: adv.id, input: { title: 'x' } })).code).toBe('FORBIDDEN');
    const rev = await gql(c.vncert, [Role.ANALYST], REVISE, {
      id: adv.id,
      input: { title: 'Revised', cveIds: [adv.cveIds[0], 'CVE-2099-424242'], observables: [{ type: 'URL', value: 'HTTP://Second.Example/x' }] },
    });
    expect(rev.body.errors).toBeUndefined();
    adv = rev.body.data!.reviseAdvisory;
    expect(adv).toMatchObject({ title: 'Revised', revision: 2, status: 'PUBLISHED', observables: [{ type: 'URL', value: 'http://second.example/x' }] });
    adv = (await gql(c.vncert, [Role.ANALYST], REVISE, { id: adv.id, input: { audience: { regions: ['Hanoi'] } } })).body.data!.reviseAdvisory;
    expect(adv).toMatchObject({ revision: 3, audience: { everyone: false, regions: ['Hanoi'] } });
    expect(errorOf(await gql(c.vncert, [Role.ANALYST], REVISE, { id: adv.id, input: {} }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    expect(errorOf(await gql(c.vncert, [Role.ANALYST], REVISE, { id: adv.id, input: { cveIds: ['CVE-1'] } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.cveIds[0]',
    });

    // Withdrawal: a reason, by the author's or a coordinator's analyst.
    expect(errorOf(await gql(c.bkav, [Role.ADMIN], WITHDRAW, { id: adv.id, reason: '  ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(errorOf(await gql(c.viettel, [Role.ADMIN], WITHDRAW, { id: adv.id, reason: 'mine now' })).code).toBe('FORBIDDEN');
    expect(errorOf(await gql(c.bkav, [Role.CONTRIBUTOR], WITHDRAW, { id: adv.id, reason: 'x' })).code).toBe('FORBIDDEN');
    const w = await gql(c.bkav, [Role.ADMIN], WITHDRAW, { id: adv.id, reason: 'False positive' });
    expect(w.body.errors).toBeUndefined();
    expect(w.body.data!.withdrawAdvisory).toMatchObject({ status: 'WITHDRAWN', withdrawnReason: 'False positive', revision: 3 });
    expect(w.body.data!.withdrawAdvisory.withdrawnAt).not.toBeNull();

    for (const [org, roles, query, vars] of [
      [c.vncert, [Role.ANALYST], PUBLISH, { id: adv.id }],
      [c.vncert, [Role.ANALYST], WITHDRAW, { id: adv.id, reason: 'again' }],
      [c.vncert, [Role.ANALYST], REVISE, { id: adv.id, input: { title: 'x' } }],
    ] as [OrgFixture, Role[], string, Record<string, unknown>][]) {
      expect(errorOf(await gql(org, roles, query, vars)).code).toBe('CONFLICT');
    }
    const seen = await listByCve(c.danang, adv.cveIds[0], { statuses: ['WITHDRAWN'] });
    expect(seen.totalCount).toBe(1);
    const actions = await app.db.query(`SELECT action FROM audit_events WHERE target_id = $1 ORDER BY at, action`, [adv.id]);
    expect(actions.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['advisory.create', 'advisory.publish', 'advisory.revise', 'advisory.withdraw']),
    );
  });

  it('a coordinator withdraws any advisory it can see', async () => {
    const adv = await publish((await create(c.viettel, { tlp: 'GREEN' })).id);
    const res = await gql(c.vncert, [Role.ANALYST], WITHDRAW, { id: adv.id, reason: 'Superseded' });
    expect(res.body.data!.withdrawAdvisory.status).toBe('WITHDRAWN');
  });
});

describe('advisories filter and paging', () => {
  it('forMe matches the audience by everyone, sector, region or organisation', async () => {
    const cve = nextCve();
    const mk = async (title: string, audience: Record<string, unknown> | undefined) =>
      publish((await create(c.vncert, { title, tlp: 'CLEAR', cveIds: [cve], audience }, [Role.ANALYST])).id);
    await mk('everyone', undefined);
    await mk('banking', { sectors: ['BANKING'] });
    await mk('hcmc', { regions: ['hcmc'] });
    await mk('danang', { organizations: ['DANANG'] });
    const titles = async (org: OrgFixture, forMe: boolean) => {
      const res = await gql(org, [Role.VIEWER], `query($f: AdvisoryFilter) { advisories(filter: $f) { totalCount edges { node { title } } } }`, {
        f: { cve, forMe },
      });
      const conn = res.body.data!.advisories;
      expect(conn.totalCount).toBe(conn.edges.length);
      return conn.edges.map((e: any) => e.node.title).sort();
    };
    expect(await titles(bankHn, true)).toEqual(['banking', 'everyone']);
    expect(await titles(evnHcm, true)).toEqual(['everyone', 'hcmc']);
    expect(await titles(c.danang, true)).toEqual(['danang', 'everyone']);
    expect(await titles(c.viettel, true)).toEqual(['everyone']);
    expect(await titles(c.viettel, false)).toEqual(['banking', 'danang', 'everyone', 'hcmc']);
  });

  it('filters by status, severity, author and publication time', async () => {
    const cve = nextCve();
    const start = new Date(Date.now() - 1000).toISOString();
    const low = await publish((await create(c.bkav, { tlp: 'CLEAR', severity: 'LOW', cveIds: [cve] })).id);
    const high = await publish((await create(c.viettel, { tlp: 'CLEAR', severity: 'HIGH', cveIds: [cve] })).id);
    const draft = await create(c.bkav, { tlp: 'CLEAR', severity: 'CRITICAL', cveIds: [cve] });
    const ids = async (filter: Record<string, unknown>, org: OrgFixture = c.bkav) =>
      (await listByCve(org, cve.toLowerCase(), filter)).edges.map((e: any) => e.node.id);
    expect(await ids({})).toEqual([draft.id, high.id, low.id]);
    expect(await ids({ statuses: ['PUBLISHED'] })).toEqual([high.id, low.id]);
    expect(await ids({ minSeverity: 'HIGH' })).toEqual([draft.id, high.id]);
    expect(await ids({ authors: ['viettel'] })).toEqual([high.id]);
    expect(await ids({ publishedAfter: start })).toEqual([high.id, low.id]);
    expect(await ids({ publishedBefore: start })).toEqual([]);
    expect(await ids({}, c.viettel)).toEqual([high.id, low.id]);
    const bad = await gql(c.bkav, [Role.VIEWER], LIST, { filter: { cve: 'CVE-x' } });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.cve' });
  });

  it('pages newest first with keyset cursors and counts under the same predicate', async () => {
    const cve = nextCve();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.unshift((await publish((await create(c.bkav, { tlp: 'AMBER', cveIds: [cve] })).id)).id);
    await create(c.bkav, { tlp: 'CLEAR', cveIds: [cve] }); // a draft vncert sees and viettel does not
    const page1 = (await gql(c.viettel, [Role.VIEWER], LIST, { filter: { cve }, first: 2 })).body.data!.advisories;
    expect(page1.totalCount).toBe(0);
    const v1 = (await gql(c.vncert, [Role.VIEWER], LIST, { filter: { cve, statuses: ['PUBLISHED'] }, first: 2 })).body.data!.advisories;
    expect(v1.totalCount).toBe(3);
    expect(v1.pageInfo.hasNextPage).toBe(true);
    const v2 = (await gql(c.vncert, [Role.VIEWER], LIST, { filter: { cve, statuses: ['PUBLISHED'] }, first: 2, after: v1.pageInfo.endCursor })).body.data!
      .advisories;
    expect(v2.pageInfo.hasNextPage).toBe(false);
    expect([...v1.edges, ...v2.edges].map((e: any) => e.node.id)).toEqual(made);
  });
});
