import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../src/auth/token-verifier';
import { OrgKind, Role } from '../src/common/enums';
import { AUDIENCE, startTestApp, type TestApp } from './support/app';
import { community, createOrg, type Community } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';

/** Two server processes on one database: each caches keys and principals, and hears every change. */
let a: TestApp;
let b: ServerProcess;
let c: Community;
beforeAll(async () => {
  a = await startTestApp();
  c = await community(a);
  b = await startServerProcess(a.dbUrl);
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
});

const ME = '{ me { organization { code } } }';
async function me(url: string, token: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: ME }) });
  const body = (await res.json()) as { data?: { me: { organization: { code: string } } }; errors?: { extensions: { code: string } }[] };
  return body.data?.me.organization.code ?? body.errors![0].extensions.code;
}

/** Milliseconds until `url` refuses `token`, polling; fails after 1 s. */
async function refusedWithin(url: string, token: string): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < 1000) {
    if ((await me(url, token)) === 'UNAUTHENTICATED') return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} still accepted the token after 1 s`);
}

describe('cached tokens across instances', () => {
  it('a revoked key is refused by every instance within a second', async () => {
    const fpt = await createOrg(a, { code: 'FPT', kind: OrgKind.SECURITY_VENDOR });
    const token = await fpt.token();
    // Twice on each instance: the second answer comes from the cache.
    for (const url of [a.url, b.url, a.url, b.url]) expect(await me(url, token)).toBe('FPT');
    const admin = await c.vncert.token([Role.ADMIN]);
    const res = await a.gql(admin, 'mutation($k: String!) { revokeSigningKey(organization: "FPT", kid: $k) { status } }', { k: fpt.key.kid });
    expect(res.body.data?.revokeSigningKey.status).toBe('REVOKED');
    await refusedWithin(b.url, token);
    await refusedWithin(a.url, token);
  });

  it('a suspended organisation is refused by every instance within a second, and readmitted when reactivated', async () => {
    const cmc = await createOrg(a, { code: 'CMC', kind: OrgKind.SECURITY_VENDOR });
    const token = await cmc.token();
    for (const url of [b.url, a.url, b.url, a.url]) expect(await me(url, token)).toBe('CMC');
    const admin = await c.vncert.token([Role.ADMIN]);
    const res = await a.gql(admin, 'mutation { updateOrganization(code: "CMC", input: { status: SUSPENDED }) { status } }');
    expect(res.body.data?.updateOrganization.status).toBe('SUSPENDED');
    await refusedWithin(b.url, token);
    await refusedWithin(a.url, token);
    await a.gql(admin, 'mutation { updateOrganization(code: "CMC", input: { status: ACTIVE }) { status } }');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await me(b.url, token)).toBe('CMC');
  });

  it('while the instance cannot hear changes, status is read on every request (never stale)', async () => {
    const org = await createOrg(a, { code: 'CYRADAR', kind: OrgKind.SECURITY_VENDOR });
    const token = await org.token();
    const deaf = new TokenVerifier(a.db, AUDIENCE, 3600);
    deaf.cacheWhile(() => false);
    // A control that caches and is never told: proves the cache is real, so the deaf verifier's answer means something.
    const stale = new TokenVerifier(a.db, AUDIENCE, 3600);
    stale.cacheWhile(() => true);
    await deaf.verify(token);
    await stale.verify(token);
    await a.db.query(`UPDATE organizations SET status = 'SUSPENDED' WHERE code = 'CYRADAR'`);
    await expect(deaf.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(stale.verify(token)).resolves.toMatchObject({ orgCode: 'CYRADAR' });
  });
});
