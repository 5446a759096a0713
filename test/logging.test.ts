import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { createPino, Logger } from '../src/common/logger';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';
import { raiseWarnings, subscribe } from './support/ws';

describe('redaction', () => {
  it('blanks out tokens, connection parameters and key material wherever a caller passes them', () => {
    let out = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk.toString()), done()) });
    const log = new Logger(createPino('info', sink));
    log.info('careless', {
      authorization: 'Bearer eyJsecret.one',
      token: 'eyJsecret.two',
      connectionParams: { authorization: 'Bearer eyJsecret.three' },
      headers: { authorization: 'Bearer eyJsecret.four' },
      key: { kty: 'EC', d: 'private-scalar', x: 'public-x' },
      request: { jwk: { d: 'also-private' }, token: 'eyJsecret.five' },
      kept: 'visible',
    });
    const line = JSON.parse(out.trim());
    expect(out).not.toMatch(/eyJsecret|private-scalar|also-private/);
    expect(line).toMatchObject({ level: 'info', msg: 'careless', authorization: '[REDACTED]', token: '[REDACTED]', kept: 'visible' });
    expect(line.key).toEqual({ kty: 'EC', d: '[REDACTED]', x: 'public-x' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
    log.debug('below the level');
    expect(out.trim().split('\n')).toHaveLength(1);
  });
});

describe('a running server\'s log (JSON lines on stderr)', () => {
  let app: TestApp;
  let c: Community;
  let server: ServerProcess;
  beforeAll(async () => {
    app = await startTestApp();
    c = await community(app);
    server = await startServerProcess(app.dbUrl, { LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await server?.stop();
    await app?.close();
  });

  const lines = () =>
    server
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitForLine = async (match: (l: Record<string, unknown>) => boolean) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = lines().filter(match);
      if (found.length || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('one line per request, with its request id, caller, operation, duration and outcome; never the token', async () => {
    const token = await c.bkav.token([Role.VIEWER], 'log-reader');
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query WhoAmI { me { subject } }' }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    const [line] = await waitForLine((l) => l.requestId === requestId);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      transport: 'http',
      organization: 'BKAV',
      subject: 'log-reader',
      operationName: 'WhoAmI',
      operationType: 'query',
      operation: 'me',
      status: 200,
      outcome: 'ok',
    });
    expect(typeof line.durationMs).toBe('number');
    expect(typeof line.time).toBe('string');

    const bad = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}x` },
      body: JSON.stringify({ query: '{ me { subject } }' }),
    });
    expect(bad.status).toBe(401);
    const [refused] = await waitForLine((l) => l.msg === 'request' && l.requestId === bad.headers.get('x-request-id'));
    expect(refused).toMatchObject({ outcome: 'error', errorCode: 'UNAUTHENTICATED', status: 401 });
    expect(refused.organization).toBeUndefined();
    expect(lines().find((l) => l.msg === 'token rejected')).toMatchObject({ level: 'warn', transport: 'http', reason: 'Unauthenticated: bad signature' });
    expect(server.stderr()).not.toContain(token.split('.')[2]);
  });

  it('one line per websocket connection and per subscription, and one per warning batch', async () => {
    const portalToken = await c.danang.token([Role.VIEWER], 'portal-7');
    const portal = subscribe(server.url, portalToken);
    await new Promise((r) => setTimeout(r, 500));
    await raiseWarnings(server.url, await c.bkav.token([Role.CONTRIBUTOR]), 2);
    await portal.waitFor(2);
    await portal.dispose();

    const [sub] = await waitForLine((l) => l.msg === 'subscription' && l.subject === 'portal-7');
    expect(sub).toMatchObject({ transport: 'websocket', organization: 'DANANG', operationType: 'subscription', operation: 'warnings', outcome: 'ok' });
    const [conn] = await waitForLine((l) => l.msg === 'websocket connection' && l.subject === 'portal-7');
    expect(conn).toMatchObject({ organization: 'DANANG', connectionId: sub.connectionId, operations: 1, closeCode: 1000, outcome: 'ok' });
    const batches = await waitForLine((l) => l.msg === 'warning batch');
    expect(batches.reduce((n, l) => n + Number(l.warnings), 0)).toBeGreaterThanOrEqual(2);
    expect(batches[0]).toMatchObject({ level: 'info', subscribers: expect.any(Number), queued: expect.any(Number) });
    expect(server.stderr()).not.toContain(portalToken.split('.')[2]);
  });
});
