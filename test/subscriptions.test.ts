import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../src/auth/keys';
import { decodeCursor } from '../src/common/cursor';
import { OrgKind, Role, Severity } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, type Community } from './support/fixtures';
import { raiseWarnings, subscribe, titles, WARNING_SUBSCRIPTION } from './support/ws';
import { NUMBER_AT_INSERT_FROM } from '../src/warnings/warning.service';

let app: TestApp;
let c: Community;
let bkav: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  bkav = await c.bkav.token([Role.CONTRIBUTOR]);
});
afterAll(() => app?.close());

/** `count` new HIGH GREEN indicators (one readable warning each), through `target`. */
const raise = (count: number, target: TestApp = app, token = bkav) => raiseWarnings(target.url, token, count);
const settle = () => new Promise((r) => setTimeout(r, 300));

/** A raw websocket speaking graphql-transport-ws, for what the client library will not do. */
function rawSocket(url: string): { ws: WebSocket; closed: Promise<{ code: number; reason: string }>; opened: Promise<void> } {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve) => ws.on('open', () => resolve()));
  ws.on('error', () => undefined);
  return { ws, closed, opened };
}

describe('delivery', () => {
  it('delivers live warnings in order, each with a cursor', async () => {
    const sub = subscribe(app.url, await c.danang.token());
    try {
      await settle();
      const values = await raise(3);
      const events = await sub.waitFor(3);
      expect(titles(events)).toEqual(values);
      expect(events.every((e) => e.warning.kind === 'INDICATOR_HIGH_SEVERITY')).toBe(true);
      expect(new Set(events.map((e) => e.cursor)).size).toBe(3);
    } finally {
      await sub.dispose();
    }
  });

  it('resumes with `after` across a disconnect: replays what was missed, then continues live', async () => {
    const token = await c.danang.token();
    const first = subscribe(app.url, token);
    await settle();
    const before = await raise(2);
    const got = await first.waitFor(2);
    expect(titles(got)).toEqual(before);
    await first.dispose();

    const missed = await raise(3); // while the portal is away
    const second = subscribe(app.url, token, { after: got[1].cursor });
    try {
      await second.waitFor(3);
      const live = await raise(2);
      const events = await second.waitFor(5);
      expect(titles(events)).toEqual([...missed, ...live]);
    } finally {
      await second.dispose();
    }
  });

  it('has no gap and no duplicate at the replay/live switch while warnings keep arriving', async () => {
    const token = await c.viettel.token();
    const anchor = subscribe(app.url, token);
    await settle();
    await raise(1);
    const [start] = await anchor.waitFor(1);
    await anchor.dispose();

    // Publish continuously from two writers while a subscriber replays from `start` and switches to live.
    const backlog = await raise(40);
    let stop = false;
    const writers = [0, 1].map(async () => {
      const out: string[] = [];
      while (!stop) out.push(...(await raise(3)));
      return out;
    });
    const resumed = subscribe(app.url, token, { after: start.cursor });
    try {
      await resumed.waitFor(60, 15_000);
      stop = true;
      const written = (await Promise.all(writers)).flat();
      const expected = new Set([...backlog, ...written]);
      const events = await resumed.waitFor(expected.size, 15_000);
      await settle();
      const got = titles(resumed.events);
      expect(got.length).toBe(expected.size);
      expect(new Set(got).size).toBe(got.length);
      expect(new Set(got)).toEqual(expected);
      // In log order: the positions the (sealed) cursors stand for strictly increase; the test holds the deployment's key.
      const seqs = events.map((e) => BigInt(decodeCursor('warnings', e.cursor)!));
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
    } finally {
      stop = true;
      await resumed.dispose();
    }
  });

  it('the warnings query shows the same log, newest first, with the same cursors', async () => {
    const token = await c.danang.token();
    const sub = subscribe(app.url, token);
    try {
      await settle();
      await raise(2);
      const events = await sub.waitFor(2);
      const res = await app.gql(token, '{ warnings(first: 2) { edges { cursor node { title } } } }');
      const edges = res.body.data?.warnings.edges;
      expect(edges.map((e: { cursor: string }) => e.cursor)).toEqual([events[1].cursor, events[0].cursor]);
    } finally {
      await sub.dispose();
    }
  });
});

describe('the log', () => {
  /** A warning as a producer appends it, straight through WarningService.raise. */
  const draft = (title: string) => ({
    kind: 'INDICATOR_HIGH_SEVERITY' as never, severity: 'HIGH' as never, title, summary: null, subjectType: 'Indicator' as const,
    subjectId: c.bkav.org.id, authorId: c.bkav.org.id, tlp: 'GREEN' as never, recipientOrgIds: [], recipientGroupIds: [], audienceOrgIds: null,
  });

  it('is numbered in commit order, so a reader of "after seq" never skips a late commit', async () => {
    const early = app.db.createQueryRunner();
    const late = app.db.createQueryRunner();
    await early.startTransaction();
    await late.startTransaction();
    // `early` appends first but commits last.
    await app.services.warnings.raise(early.manager, [draft('appended first, committed last')]);
    await app.services.warnings.raise(late.manager, [draft('appended last, committed first')]);
    await late.commitTransaction();
    await early.commitTransaction();
    await early.release();
    await late.release();
    const rows: { title: string }[] = await app.db.query(
      `SELECT title FROM warnings WHERE title LIKE 'appended %' ORDER BY seq`,
    );
    expect(rows.map((r) => r.title)).toEqual(['appended last, committed first', 'appended first, committed last']);
  });

  it('numbers each transaction\'s warnings together at its commit, in the order they were written', async () => {
    const a = app.db.createQueryRunner();
    const b = app.db.createQueryRunner();
    await a.startTransaction();
    await b.startTransaction();
    await app.services.warnings.raise(a.manager, [draft('batch a1'), draft('batch a2')]);
    await app.services.warnings.raise(b.manager, [draft('batch b1')]);
    await app.services.warnings.raise(a.manager, [draft('batch a3')]);
    await app.services.warnings.raise(b.manager, [draft('batch b2'), draft('batch b3')]);
    // Before its commit a transaction's warnings are not in the log for anyone else.
    expect(await app.db.query(`SELECT 1 FROM warnings WHERE title LIKE 'batch %'`)).toEqual([]);
    await b.commitTransaction();
    await a.commitTransaction();
    await a.release();
    await b.release();
    const rows: { title: string; seq: string }[] = await app.db.query(`SELECT title, seq FROM warnings WHERE title LIKE 'batch %' ORDER BY seq`);
    expect(rows.map((r) => r.title)).toEqual(['batch b1', 'batch b2', 'batch b3', 'batch a1', 'batch a2', 'batch a3']);
    expect(rows.every((r) => BigInt(r.seq) > 0n)).toBe(true);
  });

  /** A HIGH indicator as an ingest hands it to the warnings. */
  const high = (value: string) => ({
    id: randomUUID(), seq: '1', tlp: 'GREEN', recipient_org_ids: [], recipient_group_ids: [], severity: Severity.HIGH,
    threat_types: ['MALWARE'], type: 'DOMAIN', value, net: null,
  });
  const order = async (like: string) =>
    ((await app.db.query(`SELECT title FROM warnings WHERE title LIKE $1 ORDER BY seq`, [like])) as { title: string }[]).map((r) => r.title);

  it('numbers an ingest\'s warnings as it writes them, holding the lock to its commit; other writers wait for it', async () => {
    const ingest = app.db.createQueryRunner();
    const other = app.db.createQueryRunner();
    await ingest.startTransaction();
    await other.startTransaction();
    // A bulk call's worth: below NUMBER_AT_INSERT_FROM, numbering stays at the commit.
    const bulk = Array.from({ length: NUMBER_AT_INSERT_FROM }, () => high('held.example'));
    await app.services.warnings.raiseForNewIndicators(ingest.manager, c.bkav.org.id, bulk, { numberNow: true });
    await app.services.warnings.raise(other.manager, [draft('held: the other writer')]);
    let otherDone = false;
    const otherCommit = other.commitTransaction().then(() => (otherDone = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(otherDone).toBe(false); // its commit waits for the lock the ingest holds
    await ingest.commitTransaction();
    await otherCommit;
    await ingest.release();
    await other.release();
    expect(await order('%held%')).toEqual([...bulk.map(() => 'HIGH DOMAIN indicator: held.example'), 'held: the other writer']);
  });

  it('still renumbers at commit what a transaction wrote before it took the lock', async () => {
    const a = app.db.createQueryRunner();
    const b = app.db.createQueryRunner();
    await a.startTransaction();
    await app.services.warnings.raise(a.manager, [draft('mixed: written before the lock')]);
    await b.startTransaction();
    await app.services.warnings.raise(b.manager, [draft('mixed: committed in between')]);
    await b.commitTransaction();
    await b.release();
    const bulk = Array.from({ length: NUMBER_AT_INSERT_FROM }, () => high('mixed.example'));
    await app.services.warnings.raiseForNewIndicators(a.manager, c.bkav.org.id, bulk, { numberNow: true });
    await a.commitTransaction();
    await a.release();
    // The first is numbered at a's commit, after the one committed in between; the ingest's kept the number it was
    // written with, drawn under the lock after that commit.
    expect(await order('%mixed%')).toEqual([
      'mixed: committed in between', ...bulk.map(() => 'HIGH DOMAIN indicator: mixed.example'), 'mixed: written before the lock',
    ]);
  });

  it('leaves a small call\'s warnings to the commit, taking no lock before it', async () => {
    const small = app.db.createQueryRunner();
    const other = app.db.createQueryRunner();
    await small.startTransaction();
    await other.startTransaction();
    await app.services.warnings.raiseForNewIndicators(small.manager, c.bkav.org.id, [high('small.example')], { numberNow: true });
    await app.services.warnings.raise(other.manager, [draft('small: the other writer')]);
    await other.commitTransaction(); // does not wait for the open small call
    await small.commitTransaction();
    await small.release();
    await other.release();
    expect(await order('%small%')).toEqual(['small: the other writer', 'HIGH DOMAIN indicator: small.example']);
  });
});

describe('authentication on the socket', () => {
  it('closes with 4403 on a bad token, without an exception on the server', async () => {
    const sub = subscribe(app.url, 'not-a-jwt');
    expect(await sub.closed).toBe(4403);
    const forged = subscribe(app.url, (await c.bkav.token()).slice(0, -4) + 'AAAA');
    expect(await forged.closed).toBe(4403);
  });

  it('closes with 4403 when the token expires', async () => {
    const short = await mintToken(c.danang.key, { org: 'DANANG', sub: 'portal', roles: [Role.VIEWER], audience: 'threatfed', ttl: 2 });
    const sub = subscribe(app.url, short);
    const t0 = Date.now();
    expect(await sub.closed).toBe(4403);
    expect(Date.now() - t0).toBeGreaterThan(1000);
  });

  it('closes with 4403 within seconds when the key is revoked', async () => {
    const org = await createOrg(app, { code: 'HUE', kind: OrgKind.PROVINCE });
    const sub = subscribe(app.url, await org.token());
    await settle();
    const admin = await c.vncert.token([Role.ADMIN]);
    await app.gql(admin, 'mutation($k: String!) { revokeSigningKey(organization: "HUE", kid: $k) { status } }', { k: org.key.kid });
    const t0 = Date.now();
    expect(await sub.closed).toBe(4403);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('closes with 4403 within seconds when the organisation is suspended', async () => {
    const org = await createOrg(app, { code: 'CANTHO', kind: OrgKind.PROVINCE });
    const sub = subscribe(app.url, await org.token());
    await settle();
    await app.gql(await c.vncert.token([Role.ADMIN]), 'mutation { updateOrganization(code: "CANTHO", input: { status: SUSPENDED }) { status } }');
    const t0 = Date.now();
    expect(await sub.closed).toBe(4403);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('closes with 4403 when the organisation no longer allows the token\'s role', async () => {
    const org = await createOrg(app, { code: 'DALAT', kind: OrgKind.PROVINCE });
    const sub = subscribe(app.url, await org.token([Role.REPORTER]));
    await settle();
    await app.gql(await c.vncert.token([Role.ADMIN]), 'mutation { updateOrganization(code: "DALAT", input: { allowedRoles: [VIEWER] }) { code } }');
    expect(await sub.closed).toBe(4403);
  });
});

describe('websocket limits', () => {
  it('closes a connection that does not initialise within 3 s with 4408', async () => {
    const { closed } = rawSocket(app.url);
    const t0 = Date.now();
    expect((await closed).code).toBe(4408);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
  });

  it('closes on a message over 64 KiB with 1009', async () => {
    const { ws, closed, opened } = rawSocket(app.url);
    await opened;
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await c.danang.token()}`, pad: 'x'.repeat(70_000) } }));
    expect((await closed).code).toBe(1009);
  });

  it('refuses a 21st subscription on one socket', async () => {
    const token = await c.danang.token();
    const client = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const errors: unknown[] = [];
    const disposers = Array.from({ length: 21 }, () =>
      client.subscribe({ query: WARNING_SUBSCRIPTION }, { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined }),
    );
    try {
      for (let i = 0; i < 50 && !errors.length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(errors).toHaveLength(1);
      expect(JSON.stringify(errors[0])).toMatch(/at most 20 subscriptions per connection/);
      expect(JSON.stringify(errors[0])).toMatch(/RATE_LIMITED/);
    } finally {
      disposers.forEach((d) => d());
      await client.dispose();
    }
  });

  it('frees a subscription as soon as the client completes it, even while nothing matches it', async () => {
    const client = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${await c.danang.token()}` }, retryAttempts: 0 });
    const errors: unknown[] = [];
    try {
      // 25 subscribe/complete cycles on one socket: more than the 20 allowed at once.
      for (let i = 0; i < 25; i++) {
        const done = client.subscribe(
          { query: WARNING_SUBSCRIPTION, variables: { filter: { kinds: ['ADVISORY_WITHDRAWN'] } } },
          { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
        );
        await new Promise((r) => setTimeout(r, 30));
        done();
      }
      await settle();
      expect(errors).toEqual([]);
      expect(app.services.warningHub.subscriberCount).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it('applies the HTTP validation rules: depth, aliases and introspection', async () => {
    const token = await c.danang.token();
    const client = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const run = (query: string) =>
      new Promise<unknown>((resolve) => {
        client.subscribe({ query }, { next: (v) => resolve(v), error: (e) => resolve(e), complete: () => resolve('complete') });
      });
    try {
      const deep = await run(`subscription { warnings { warning { author { ${'parent { '.repeat(9)}code${' }'.repeat(9)} } } } }`);
      expect(JSON.stringify(deep)).toMatch(/QUERY_TOO_COMPLEX/);
      const aliases = await run(`subscription { ${Array.from({ length: 16 }, (_, i) => `a${i}: warnings { cursor }`).join(' ')} }`);
      expect(JSON.stringify(aliases)).toMatch(/aliases exceed the limit of 15/);
      const intro = await run('{ __schema { types { name } } }');
      expect(JSON.stringify(intro)).toMatch(/introspection/i);
    } finally {
      await client.dispose();
    }
  });
});

describe('slow consumers and shutdown', () => {
  it('cuts off a subscriber that stops reading with 4008 instead of growing the server\'s memory', async () => {
    // Its own server, whose keep-alive waits longer than the raising below can take on a loaded machine: with the
    // default (a ping every 12 s), a client paused for 24 s is dropped as dead (1006) before its queue overflows.
    const slow = await startTestApp({ wsKeepAliveMs: 120_000 });
    try {
      const vendor = await (await createOrg(slow, { code: 'BKAV', kind: OrgKind.SECURITY_VENDOR })).token([Role.CONTRIBUTOR]);
      const token = await (await createOrg(slow, { code: 'DANANG', kind: OrgKind.PROVINCE })).token();
      const { ws, closed, opened } = rawSocket(slow.url);
      await opened;
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      await new Promise<void>((resolve) => ws.once('message', () => resolve())); // connection_ack
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { warnings { cursor warning { title summary } } }' } }));
      await settle();
      // Stop reading: the kernel buffers fill, the server's writes stall and its queue for us grows.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      // Raise until the server drops the subscriber (it has then sent its close frame), and no longer:
      // a paused client that stays paused past ws's 30 s close timeout would see 1006 instead.
      const hub = slow.services.warningHub;
      const subscribers = hub.subscriberCount;
      for (let batch = 0; batch < 12 && hub.subscriberCount >= subscribers; batch++) await raise(5000, slow, vendor);
      (ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await closed).code).toBe(4008);
      expect((await slow.services.metrics.slowConsumerCloses.get()).values[0].value).toBe(1);
    } finally {
      await slow.close();
    }
  }, 120_000);

  it('closes subscribers with 1012 on shutdown, telling them to reconnect', async () => {
    const other = await startTestApp();
    const org = await createOrg(other, { code: 'VNCERT', kind: OrgKind.COORDINATOR });
    const sub = subscribe(other.url, await org.token());
    await settle();
    await other.close();
    expect(await sub.closed).toBe(1012);
  });
});
