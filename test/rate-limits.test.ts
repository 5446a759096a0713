import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startAppOn, startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { subscribe, WARNING_SUBSCRIPTION } from './support/ws';

let app: TestApp;
let c: Community;
let admin: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  admin = await c.vncert.token([Role.ADMIN], 'platform-admin');
});
afterAll(() => app?.close());

const SET = `mutation($o: String!, $l: OrganizationLimitsInput!) {
  setOrganizationLimits(organization: $o, limits: $l) { code limits { readsPerMinute bulkItemsPerMinute subscriptions connections overridden } }
}`;
const setLimits = async (org: string, limits: Record<string, number | null>) => {
  const res = await app.gql(admin, SET, { o: org, l: limits });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.setOrganizationLimits.limits;
};
const SUBMIT = 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }';
const items = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ type: 'DOMAIN', value: `${tag}-${i}.limits.example`, tlp: 'GREEN' }));

describe('Organization.limits and setOrganizationLimits', () => {
  it('shows the defaults for the organisation\'s kind, to the organisation itself and to coordinators only', async () => {
    const q = '{ organization(code: "BKAV") { limits { readsPerMinute bulkItemsPerMinute subscriptions connections overridden } } }';
    expect((await app.gql(await c.bkav.token(), q)).body.data?.organization.limits).toEqual({
      readsPerMinute: 3000,
      bulkItemsPerMinute: 300_000,
      subscriptions: 200,
      connections: 100,
      overridden: [],
    });
    expect((await app.gql(await c.vncert.token(), q)).body.data?.organization.limits).toMatchObject({ readsPerMinute: 3000 });
    expect((await app.gql(await c.viettel.token([Role.ADMIN]), q)).body.data?.organization.limits).toBeNull();
  });

  it('a coordinator ADMIN sets and clears overrides; absent fields stay as they are', async () => {
    expect(await setLimits('DANANG', { readsPerMinute: 50, connections: 3 })).toEqual({
      readsPerMinute: 50,
      bulkItemsPerMinute: 20_000,
      subscriptions: 200,
      connections: 3,
      overridden: ['readsPerMinute', 'connections'],
    });
    expect(await setLimits('DANANG', { readsPerMinute: null })).toMatchObject({ readsPerMinute: 1200, connections: 3, overridden: ['connections'] });
    expect(await setLimits('DANANG', { connections: null })).toMatchObject({ connections: 100, overridden: [] });
    const audit = await app.db.query(`SELECT detail FROM audit_events WHERE action = 'organizationLimits.set' AND target_id = 'DANANG' ORDER BY at`);
    expect(audit.map((r: { detail: unknown }) => r.detail)).toEqual([{ readsPerMinute: 50, connections: 3 }, { readsPerMinute: null }, { connections: null }]);
  });

  it('refuses everyone else, and values out of range', async () => {
    const own = await app.gql(await c.danang.token([Role.ADMIN]), SET, { o: 'DANANG', l: { readsPerMinute: 100000 } });
    expect(own.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await app.gql(admin, SET, { o: 'DANANG', l: { readsPerMinute: 0 } });
    expect(bad.body.errors?.[0]).toMatchObject({ message: 'limits.readsPerMinute: must be an integer from 1 to 1000000', extensions: { code: 'BAD_USER_INPUT' } });
    const missing = await app.gql(admin, SET, { o: 'NOPE', l: { readsPerMinute: 5 } });
    expect(missing.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('reads per minute', () => {
  it('answers 429 with Retry-After once an organisation has spent its budget, and leaves the others alone', async () => {
    await setLimits('MOF-TAX', { readsPerMinute: 3 });
    const tax = await c.mofTax.token();
    for (let i = 0; i < 3; i++) expect((await app.gql(tax, '{ me { subject } }')).status).toBe(200);
    const refused = await app.gql(tax, '{ me { subject } }');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // 3 a minute: one more in about 20 s.
    expect(retryAfter).toBeGreaterThanOrEqual(15);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: `MOF-TAX is over its limit of 3 queries per minute: retry after ${retryAfter} s`,
      extensions: { code: 'RATE_LIMITED', retryAfter },
    });
    expect(refused.body.data).toBeUndefined();
    // Another token of the same organisation shares the budget; other organisations, its parent included, do not.
    expect((await app.gql(await c.mofTax.token([Role.ADMIN], 'someone-else'), '{ me { subject } }')).status).toBe(429);
    for (const other of [c.mof, c.danang, c.bkav]) expect((await app.gql(await other.token(), '{ me { subject } }')).status).toBe(200);
  });

  it('refills continuously: a token a second comes back at 60 a minute', async () => {
    await setLimits('VIETTEL', { readsPerMinute: 60 });
    const token = await c.viettel.token();
    let refusedAt = -1;
    for (let i = 0; i < 90 && refusedAt < 0; i++) if ((await app.gql(token, '{ me { subject } }')).status === 429) refusedAt = i;
    expect(refusedAt).toBeGreaterThanOrEqual(60);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await app.gql(token, '{ me { subject } }')).status).toBe(200);
    await setLimits('VIETTEL', { readsPerMinute: null });
  });
});

describe('bulk items per minute', () => {
  it('counts a bulk call by its items: one large call passes on a full budget, the next waits', async () => {
    await setLimits('BKAV', { bulkItemsPerMinute: 100 });
    const bkav = await c.bkav.token([Role.CONTRIBUTOR]);
    expect((await app.gql(bkav, SUBMIT, { i: items(60, 'a') })).body.data?.submitIndicators.created).toBe(60);
    const over = await app.gql(bkav, SUBMIT, { i: items(60, 'b') });
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(11);
    // Nothing of the refused call was stored.
    const stored = await app.db.query(`SELECT count(*)::int AS n FROM observables WHERE value LIKE 'b-%.limits.example'`);
    expect(stored[0].n).toBe(0);
    // Reads have their own budget.
    expect((await app.gql(bkav, '{ me { subject } }')).status).toBe(200);
    // Another vendor posts as usual.
    expect((await app.gql(await c.viettel.token([Role.CONTRIBUTOR]), SUBMIT, { i: items(60, 'v') })).status).toBe(200);
    await setLimits('BKAV', { bulkItemsPerMinute: null });
  });

  it('lets one call larger than the whole budget through on a full bucket, then makes it wait the debt off', async () => {
    await setLimits('VIETTEL', { bulkItemsPerMinute: 30 });
    const token = await c.viettel.token([Role.CONTRIBUTOR]);
    await new Promise((r) => setTimeout(r, 100));
    const big = await app.gql(token, SUBMIT, { i: items(90, 'big') });
    expect(big.status).toBe(200);
    const next = await app.gql(token, 'mutation { revokeIndicator(id: "00000000-0000-4000-8000-000000000000", reason: "x") { id } }');
    expect(next.status).toBe(429);
    // 60 items of debt at 30 a minute, plus the one this call needs: a little over two minutes.
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(120);
    await setLimits('VIETTEL', { bulkItemsPerMinute: null });
  });
});

describe('websocket quotas', () => {
  it('refuses a connection over the organisation\'s limit with close code 4429, and frees the slot when one closes', async () => {
    await setLimits('DANANG', { connections: 1 });
    const token = await c.danang.token();
    const first = subscribe(app.url, token);
    try {
      await first.waitFor(0);
      await new Promise((r) => setTimeout(r, 300));
      const second = subscribe(app.url, token);
      expect(await second.closed).toBe(4429);
      // Another organisation connects as usual.
      const other = subscribe(app.url, await c.mof.token());
      await new Promise((r) => setTimeout(r, 300));
      await other.dispose();
      expect(await other.closed).toBe(1000);
    } finally {
      await first.dispose();
    }
    await first.closed;
    await new Promise((r) => setTimeout(r, 300)); // the slot is given back as the server sees the close
    const again = subscribe(app.url, token);
    await new Promise((r) => setTimeout(r, 500));
    await again.dispose();
    expect(await again.closed).toBe(1000);
    await setLimits('DANANG', { connections: null });
  });

  it('refuses a subscription over the organisation\'s limit with RATE_LIMITED, across connections', async () => {
    await setLimits('MOF', { subscriptions: 2 });
    const token = await c.mof.token();
    const a = subscribe(app.url, token);
    const b = subscribe(app.url, token);
    await new Promise((r) => setTimeout(r, 500));
    const client = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const errors: unknown[] = [];
      await new Promise<void>((resolve) =>
        client.subscribe({ query: WARNING_SUBSCRIPTION }, { next: () => undefined, error: (e) => (errors.push(e), resolve()), complete: () => resolve() }),
      );
      expect(JSON.stringify(errors)).toMatch(/"code":"RATE_LIMITED"/);
      expect(JSON.stringify(errors)).toMatch(/MOF already has its limit of 2 open subscriptions/);
      // Queries on the same socket are reads, not subscriptions.
      const me = await new Promise<unknown>((resolve) => {
        let got: unknown;
        client.subscribe({ query: '{ me { subject } }' }, { next: (v) => (got = v), error: resolve, complete: () => resolve(got) });
      });
      expect(me).toMatchObject({ data: { me: { subject: 'mof-user' } } });
      await a.dispose();
      await new Promise((r) => setTimeout(r, 300));
      const ok = await new Promise<string>((resolve) => {
        const stop = client.subscribe({ query: WARNING_SUBSCRIPTION }, { next: () => undefined, error: () => resolve('refused'), complete: () => resolve('completed') });
        setTimeout(() => {
          stop();
          resolve('open');
        }, 500);
      });
      expect(ok).toBe('open');
    } finally {
      await client.dispose();
      await b.dispose();
      await setLimits('MOF', { subscriptions: null });
    }
  });

  it('sends RATE_LIMITED over the websocket when queries exceed the budget there', async () => {
    await setLimits('MOF-TAX', { readsPerMinute: 1 });
    const client = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${await c.mofTax.token()}` }, retryAttempts: 0 });
    try {
      const err = await new Promise<unknown>((resolve) => client.subscribe({ query: '{ me { subject } }' }, { next: () => undefined, error: resolve, complete: () => resolve(null) }));
      expect(JSON.stringify(err)).toMatch(/"code":"RATE_LIMITED"/);
      expect(JSON.stringify(err)).toMatch(/"retryAfter":\d+/);
    } finally {
      await client.dispose();
    }
  });
});

describe('several instances', () => {
  it('share one budget through PostgreSQL', async () => {
    const other = await startAppOn(app.dbUrl);
    try {
      await setLimits('DANANG', { readsPerMinute: 4, connections: 1 });
      const token = await c.danang.token();
      const codes: number[] = [];
      for (const target of [app, other, app, other, app, other]) codes.push((await target.gql(token, '{ me { subject } }')).status);
      expect(codes).toEqual([200, 200, 200, 200, 429, 429]);

      const onA = subscribe(app.url, token);
      await new Promise((r) => setTimeout(r, 500));
      const onB = subscribe(other.url, token);
      expect(await onB.closed).toBe(4429);
      await onA.dispose();
    } finally {
      await other.close();
      await setLimits('DANANG', { readsPerMinute: null, connections: null });
    }
  });

  it('frees a stopped instance\'s slots at once', async () => {
    const other = await startAppOn(app.dbUrl);
    await setLimits('VIETTEL', { connections: 1 });
    const token = await c.viettel.token();
    const held = subscribe(other.url, token);
    await new Promise((r) => setTimeout(r, 500));
    const refused = subscribe(app.url, token);
    expect(await refused.closed).toBe(4429);
    await other.close();
    expect(await held.closed).toBe(1012);
    const now = subscribe(app.url, token);
    await new Promise((r) => setTimeout(r, 500));
    await now.dispose();
    expect(await now.closed).toBe(1000);
    await setLimits('VIETTEL', { connections: null });
  });
});
