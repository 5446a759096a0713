import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/api/server';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';

const t = communityApp();
let bkav: string;
beforeAll(async () => {
  bkav = await t.c.bkav.token([Role.CONTRIBUTOR]);
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(t.app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bkav}`, ...headers }, body });

describe('sealed cursors', () => {
  const SUBMIT = 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }';
  const PAGE = 'query($after: String) { indicators(first: 1, after: $after) { edges { cursor node { id } } } }';

  it('reveal nothing of the position: no sequence number, no gap between a reader\'s own rows', async () => {
    await t.app.gql(bkav, SUBMIT, { i: [{ type: 'DOMAIN', value: 'first.cursor.example', tlp: 'GREEN' }] });
    // Rows by another organisation, hidden from BKAV, written in between.
    const mof = await t.c.mof.token([Role.ADMIN]);
    await t.app.gql(mof, SUBMIT, { i: Array.from({ length: 7 }, (_, i) => ({ type: 'DOMAIN', value: `hidden${i}.cursor.example`, tlp: 'RED' })) });
    await t.app.gql(bkav, SUBMIT, { i: [{ type: 'DOMAIN', value: 'second.cursor.example', tlp: 'GREEN' }] });
    const page = await t.app.gql(bkav, 'query { indicators(first: 2, filter: { valueContains: "cursor.example" }) { edges { cursor } } }');
    const [a, b] = (page.body.data!.indicators.edges as { cursor: string }[]).map((e) => Buffer.from(e.cursor, 'base64url'));
    const [{ seq }] = await t.app.db.query(`SELECT i.seq::text AS seq FROM indicators i JOIN observables o ON o.id = i.observable_id WHERE o.value = 'second.cursor.example'`);
    for (const raw of [a, b]) {
      // Neither the old plain form (v1:<seq>) nor the sealed payload ({"s":"<seq>"}) shows through.
      expect(raw.toString('latin1')).not.toContain(`v1:${seq}`);
      expect(raw.toString('latin1')).not.toContain(`"s":"${seq}"`);
      expect(raw.toString('latin1')).not.toContain('"s"');
    }
    // Same length whatever the gap: nothing to subtract.
    expect(a.length).toBe(b.length);
  });

  it('cannot be forged or altered: BAD_USER_INPUT naming `after`', async () => {
    const res = await t.app.gql(bkav, PAGE);
    const cursor: string = res.body.data!.indicators.edges[0].cursor;
    const flipped = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    for (const bad of [flipped, Buffer.from('v1:1').toString('base64url'), 'not a cursor', '']) {
      const r = await t.app.gql(bkav, PAGE, { after: bad });
      expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    expect((await t.app.gql(bkav, PAGE, { after: cursor })).body.errors).toBeUndefined();
  });

  it('of one list are refused by another: a warnings cursor does not page indicators', async () => {
    await t.app.gql(bkav, SUBMIT, { i: [{ type: 'DOMAIN', value: 'warn.cursor.example', tlp: 'GREEN', severity: 'HIGH' }] });
    const w = await t.app.gql(bkav, '{ warnings(first: 1) { edges { cursor } } }');
    const warningCursor = w.body.data!.warnings.edges[0].cursor;
    const r = await t.app.gql(bkav, PAGE, { after: warningCursor });
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(r.body.errors?.[0].message).toMatch(/not a cursor this API returned for this list/);
  });
});

describe('HTTP timeouts', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, isDev: false }, t.app.services, { timeouts: { headersMs: 1000, requestMs: 1500 } });
  });
  afterAll(() => server?.close());

  it('closes a connection whose body is shorter than its Content-Length instead of holding it', async () => {
    const started = Date.now();
    let answer = '';
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`);
      });
      socket.on('data', (d) => (answer += d));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
      setTimeout(() => reject(new Error('connection still open after 10 s')), 10_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfter).toBeLessThan(8000);
  });
});

describe('clear errors for malformed requests', () => {
  it('a subscription sent over HTTP says where subscriptions are served', async () => {
    const res = await post(JSON.stringify({ query: 'subscription { warnings { cursor } }' }));
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(res.status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/WebSocket/);
  });

  it('a persisted-query hash is answered PERSISTED_QUERY_NOT_SUPPORTED, not an internal error', async () => {
    const res = await post(JSON.stringify({ query: '{ me { subject } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }));
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('ten copies of one unknown directive give one error', async () => {
    const fields = Array.from({ length: 10 }, (_, i) => `a${i}: __typename @nope`).join(' ');
    const res = await t.app.gql(bkav, `{ ${fields} }`);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0].message).toMatch(/Unknown directive "@nope"/);
  });

  it('a bad DateTime is BAD_USER_INPUT, as a literal and as a variable', async () => {
    const literal = await t.app.gql(bkav, '{ indicators(filter: { reportedAfter: "yesterday" }) { totalCount } }');
    expect(literal.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const variable = await t.app.gql(bkav, 'query($d: DateTimeISO) { indicators(filter: { reportedAfter: $d }) { totalCount } }', { d: 'yesterday' });
    expect(variable.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a body that is not a JSON object or array is malformed JSON, whatever way it arrives', async () => {
    for (const [body, headers] of [
      ['{"query": ', {}],
      ['"{ me { subject } }"', {}],
      ['{"query": "{ me { subject } }"', { 'content-type': 'application/json; charset=UTF-8' }],
    ] as [string, Record<string, string>][]) {
      const res = await post(body, headers);
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toEqual({ errors: [{ message: 'malformed JSON request body', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    // Chunked, without a Content-Length.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(t.app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bkav}` } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"query": ');
      req.end();
    });
    expect(chunked.status).toBe(400);
    expect(JSON.parse(chunked.body).errors[0].message).toBe('malformed JSON request body');
  });

  it('POST /graphql/ (Express\'s route) answers as POST /graphql (served straight from the HTTP server)', async () => {
    const via = (path: string, body: string) =>
      fetch(t.app.url.replace(/\/graphql$/, path), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bkav}` }, body });
    for (const path of ['/graphql', '/graphql/']) {
      const ok = await via(path, JSON.stringify({ query: '{ me { organization { code } } }' }));
      expect(ok.status, path).toBe(200);
      expect(ok.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await ok.json()) as { data: { me: { organization: { code: string } } } }).data.me.organization.code, path).toBe('BKAV');
      const bad = await via(path, '{"query": ');
      expect(bad.status, path).toBe(400);
      expect(bad.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(await bad.json(), path).toEqual({ errors: [{ message: 'malformed JSON request body', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  });

  it('a UTF-8 body is read with or without a byte-order mark, plain or compressed', async () => {
    const query = JSON.stringify({ query: '{ me { subject organization { code } } }' });
    for (const [body, headers] of [
      [query, { 'content-type': 'application/json; charset=utf-8' }],
      [`\ufeff${query}`, {}],
      [gzipSync(query), { 'content-encoding': 'gzip' }],
    ] as [string | Buffer, Record<string, string>][]) {
      const res = await fetch(t.app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bkav}`, ...headers }, body });
      const json = (await res.json()) as { data?: { me: { organization: { code: string } } } };
      expect(res.status).toBe(200);
      expect(json.data?.me.organization.code).toBe('BKAV');
    }
  });

  it('a charset other than UTF-8 is named, not called malformed JSON', async () => {
    const res = await post(JSON.stringify({ query: '{ me { subject } }' }), { 'content-type': 'application/json; charset=latin1' });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(res.status).toBe(415);
    expect(body.errors[0].message).toMatch(/unsupported charset "latin1": send JSON in UTF-8/);
  });

  it('a bad enum in a websocket subscription\'s variables is BAD_USER_INPUT, as over HTTP', async () => {
    const query = 'subscription($f: WarningFilter) { warnings(filter: $f) { cursor } }';
    const variables = { f: { kinds: ['NOT_A_KIND'] } };
    const client = createClient({ url: t.app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bkav}` }, retryAttempts: 0 });
    try {
      const errors = await new Promise<{ extensions?: { code?: string } }[]>((resolve) => {
        client.subscribe({ query, variables }, {
          next: (r) => resolve((r.errors ?? []) as unknown as { extensions?: { code?: string } }[]),
          error: (e) => resolve(e as { extensions?: { code?: string } }[]),
          complete: () => undefined,
        });
      });
      expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await client.dispose();
    }
    const overHttp = await t.app.gql(bkav, 'query($f: WarningFilter) { warnings(filter: $f) { totalCount } }', variables);
    expect(overHttp.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
