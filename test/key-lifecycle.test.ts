import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, mintToken } from '../src/auth/keys';
import { Role } from '../src/common/enums';
import { AUDIENCE, startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { subscribe } from './support/ws';

let app: TestApp;
let c: Community;
let admin: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  admin = await c.vncert.token([Role.ADMIN], 'platform-admin');
});
afterAll(() => app?.close());

const RETIRE = 'mutation($o: String!, $k: String!, $u: DateTimeISO!) { retireSigningKey(organization: $o, kid: $k, until: $u) { kid status retiredUntil } }';
const REGISTER = 'mutation($o: String!, $k: JSONObject!) { registerSigningKey(organization: $o, jwk: $k) { kid status } }';
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new key pair for `org`, registered by the organisation's own ADMIN token `as`. */
async function newKey(org: string, as: string) {
  const { privateJwk, publicJwk } = await generateSigningKey(org);
  const res = await app.gql(as, REGISTER, { o: org, k: publicJwk });
  expect(res.body.data?.registerSigningKey).toMatchObject({ status: 'ACTIVE' });
  return privateJwk;
}

describe('key lifecycle: ACTIVE → RETIRED → REVOKED', () => {
  it('a rotation with overlap: the retired key verifies until the given time, then stops, on HTTP and on open sockets', async () => {
    const oldKey = c.viettel.key;
    const oldToken = await mintToken(oldKey, { org: 'VIETTEL', sub: 'feed', roles: [Role.ADMIN], audience: AUDIENCE, ttl: 600 });
    const newPrivate = await newKey('VIETTEL', oldToken);
    const portal = subscribe(app.url, await mintToken(oldKey, { org: 'VIETTEL', sub: 'portal', roles: [Role.VIEWER], audience: AUDIENCE, ttl: 600 }));

    const until = inMs(4000);
    const retired = await app.gql(oldToken, RETIRE, { o: 'VIETTEL', k: oldKey.kid, u: until });
    expect(retired.body.data?.retireSigningKey).toEqual({ kid: oldKey.kid, status: 'RETIRED', retiredUntil: until });

    // During the overlap both keys verify.
    expect((await app.gql(oldToken, '{ me { keyId } }')).body.data?.me.keyId).toBe(oldKey.kid);
    const newToken = await mintToken(newPrivate, { org: 'VIETTEL', sub: 'feed', roles: [Role.ADMIN], audience: AUDIENCE, ttl: 600 });
    expect((await app.gql(newToken, '{ me { keyId } }')).body.data?.me.keyId).toBe(newPrivate.kid);
    await sleep(2500);
    expect((await app.gql(oldToken, '{ me { keyId } }')).status).toBe(200);
    let closedAt = 0;
    void portal.closed.then(() => (closedAt = Date.now()));

    // After it, the old key stops: new requests at once, the open socket at the next re-check.
    await sleep(Math.max(0, new Date(until).getTime() - Date.now()) + 50);
    const after = await app.gql(oldToken, '{ me { keyId } }');
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0].message).toBe('Unauthenticated: key is retired');
    expect(await portal.closed).toBe(4403);
    expect(closedAt - new Date(until).getTime()).toBeLessThan(4500);
    expect((await app.gql(newToken, '{ me { keyId } }')).status).toBe(200);

    const keys = await app.gql(newToken, '{ organization(code: "VIETTEL") { signingKeys { kid status retiredUntil } } }');
    expect(keys.body.data?.organization.signingKeys).toEqual([
      { kid: oldKey.kid, status: 'RETIRED', retiredUntil: until },
      { kid: newPrivate.kid, status: 'ACTIVE', retiredUntil: null },
    ]);
    const audit = await app.db.query(`SELECT subject, target_id, detail FROM audit_events WHERE action = 'signingKey.retire'`);
    expect(audit).toEqual([{ subject: 'feed', target_id: `VIETTEL/${oldKey.kid}`, detail: { from: 'ACTIVE', until } }]);
  }, 20_000);

  it('a retired key can have its overlap moved, and be revoked; a revoked key cannot be retired', async () => {
    const own = await c.bkav.token([Role.ADMIN]);
    const spare = await newKey('BKAV', own);
    const token = await mintToken(spare, { org: 'BKAV', sub: 'x', roles: [Role.VIEWER], audience: AUDIENCE, ttl: 600 });
    await app.gql(own, RETIRE, { o: 'BKAV', k: spare.kid, u: inMs(3600_000) });
    expect((await app.gql(token, '{ me { keyId } }')).status).toBe(200);
    // Ending the overlap now stops the key at once.
    await app.gql(own, RETIRE, { o: 'BKAV', k: spare.kid, u: inMs(0) });
    await sleep(20);
    expect((await app.gql(token, '{ me { keyId } }')).body.errors?.[0].message).toBe('Unauthenticated: key is retired');
    const revoked = await app.gql(own, 'mutation($k: String!) { revokeSigningKey(organization: "BKAV", kid: $k) { status } }', { k: spare.kid });
    expect(revoked.body.data?.revokeSigningKey.status).toBe('REVOKED');
    expect((await app.gql(token, '{ me { keyId } }')).body.errors?.[0].message).toBe('Unauthenticated: key has been revoked');
    const again = await app.gql(own, RETIRE, { o: 'BKAV', k: spare.kid, u: inMs(60_000) });
    expect(again.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
  });

  it('checks the time and who asks', async () => {
    const kid = c.danang.key.kid!;
    const past = await app.gql(admin, RETIRE, { o: 'DANANG', k: kid, u: inMs(-3600_000) });
    expect(past.body.errors?.[0]).toMatchObject({ message: 'until: must not be in the past', extensions: { code: 'BAD_USER_INPUT' } });
    const far = await app.gql(admin, RETIRE, { o: 'DANANG', k: kid, u: inMs(91 * 86400_000) });
    expect(far.body.errors?.[0]).toMatchObject({ message: 'until: must be at most 90 days ahead', extensions: { code: 'BAD_USER_INPUT' } });
    const other = await app.gql(await c.mof.token([Role.ADMIN]), RETIRE, { o: 'DANANG', k: kid, u: inMs(60_000) });
    expect(other.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await app.gql(admin, RETIRE, { o: 'DANANG', k: 'no-such-kid', u: inMs(60_000) });
    expect(unknown.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // A coordinator ADMIN may retire any organisation's key.
    const ok = await app.gql(admin, RETIRE, { o: 'DANANG', k: kid, u: inMs(60_000) });
    expect(ok.body.data?.retireSigningKey.status).toBe('RETIRED');
    expect((await app.gql(await c.danang.token(), '{ me { keyId } }')).status).toBe(200);
  });
});
