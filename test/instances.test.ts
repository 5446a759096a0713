import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';
import { raiseWarnings, subscribe, titles } from './support/ws';

/** Two server processes on one database, as in a deployment with several instances. */
let a: TestApp;
let b: ServerProcess;
let c: Community;
let bkav: string;
beforeAll(async () => {
  a = await startTestApp();
  c = await community(a);
  bkav = await c.bkav.token([Role.CONTRIBUTOR]);
  b = await startServerProcess(a.dbUrl);
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
});

const raiseVia = (url: string, count: number) => raiseWarnings(url, bkav, count, { severity: 'CRITICAL' });
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('several server instances', () => {
  it('a warning raised through one instance reaches subscribers on the other, both ways', async () => {
    const token = await c.danang.token();
    const onB = subscribe(b.url, token);
    const onA = subscribe(a.url, token);
    try {
      await settle();
      const viaA = await raiseVia(a.url, 2);
      const viaB = await raiseVia(b.url, 2);
      expect(titles(await onB.waitFor(4))).toEqual([...viaA, ...viaB]);
      expect(titles(await onA.waitFor(4))).toEqual([...viaA, ...viaB]);
    } finally {
      await onA.dispose();
      await onB.dispose();
    }
  });

  it('a portal that resumes with `after` keeps every warning through a server restart', async () => {
    const token = await c.mof.token();
    let portal = subscribe(b.url, token);
    await settle();
    const before = await raiseVia(a.url, 2);
    await portal.waitFor(2);
    const seen = [...portal.events];

    // Restart instance B; the portal is told to reconnect (1012) and resumes from its last cursor.
    const closing = portal.closed;
    await b.stop('SIGTERM');
    expect(await closing).toBe(1012);
    const during = await raiseVia(a.url, 3);
    b = await startServerProcess(a.dbUrl);
    portal = subscribe(b.url, token, { after: seen[seen.length - 1].cursor });
    try {
      await portal.waitFor(3);
      const after = await raiseVia(a.url, 2);
      await portal.waitFor(5);
      expect(titles([...seen, ...portal.events])).toEqual([...before, ...during, ...after]);
    } finally {
      await portal.dispose();
    }
  });
});
