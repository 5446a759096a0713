import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';

let app: TestApp;
let c: Community;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
});
afterAll(() => app?.close());

describe('smoke', () => {
  it('answers me for a valid token', async () => {
    const res = await app.gql(await c.bkav.token([Role.VIEWER]), '{ me { subject roles organization { code } } }');
    expect(res.status).toBe(200);
    expect(res.body.data?.me).toEqual({ subject: 'bkav-user', roles: ['VIEWER'], organization: { code: 'BKAV' } });
  });
});
