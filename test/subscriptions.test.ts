import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { subscribe } from './support/ws';

let app: TestApp;
let c: Community;
let bkav: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  bkav = await c.bkav.token([Role.CONTRIBUTOR]);
});
afterAll(() => app?.close());

let n = 0;
/** Posts `count` new HIGH-severity GREEN indicators: each raises one INDICATOR_HIGH_SEVERITY warning everyone may read. */
async function raise(count: number, token = bkav): Promise<void> {
  const input = Array.from({ length: count }, () => ({ type: 'DOMAIN', value: `w${n++}.warn.example`, tlp: 'GREEN', severity: 'HIGH' }));
  const res = await app.gql(token, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', { i: input });
  expect(res.body.data?.submitIndicators.created).toBe(count);
}

describe('subscription { warnings }', () => {
  it('delivers a warning live, with a cursor', async () => {
    const sub = subscribe(app.url, await c.danang.token());
    try {
      await new Promise((r) => setTimeout(r, 300));
      await raise(1);
      const [ev] = await sub.waitFor(1);
      expect(ev.warning).toMatchObject({ kind: 'INDICATOR_HIGH_SEVERITY', severity: 'HIGH' });
      expect(ev.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } finally {
      await sub.dispose();
    }
  });
});
