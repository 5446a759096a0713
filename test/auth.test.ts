import { createHmac, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStatus, OrgKind, OrgStatus, Role } from '../src/common/enums';
import { AUDIENCE, startTestApp, type TestApp } from './support/app';
import { createOrg, type OrgFixture } from './support/fixtures';

let app: TestApp;
let vncert: OrgFixture;
let bkav: OrgFixture;
let viettel: OrgFixture;
let danang: OrgFixture;

beforeAll(async () => {
  app = await startTestApp();
  vncert = await createOrg(app, { code: 'VNCERT', kind: OrgKind.COORDINATOR });
  bkav = await createOrg(app, { code: 'BKAV', kind: OrgKind.SECURITY_VENDOR });
  viettel = await createOrg(app, { code: 'VIETTEL', kind: OrgKind.SECURITY_VENDOR });
  danang = await createOrg(app, { code: 'DANANG', kind: OrgKind.PROVINCE });
});
afterAll(() => app?.close());

const now = () => Math.floor(Date.now() / 1000);

function claims(org: OrgFixture, extra: JWTPayload = {}): JWTPayload {
  return { iss: org.code, sub: 'tester', aud: AUDIENCE, iat: now(), exp: now() + 300, jti: randomUUID(), roles: ['VIEWER'], ...extra };
}

/** Signs arbitrary claims and header with a private JWK, so each rule can be broken on its own. */
async function sign(key: JWK, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const k = await importJWK(key, key.alg!);
  const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  return new SignJWT(clean).setProtectedHeader({ alg: key.alg!, kid: key.kid!, ...header }).sign(k);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function expectRejected(token: string | null, reason: RegExp) {
  const res = await app.gql(token, '{ me { subject } }');
  expect(res.status).toBe(401);
  expect(res.body.data ?? null).toBeNull();
  expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(res.body.errors?.[0].message).toMatch(reason);
  return res;
}

describe('token verification', () => {
  it('accepts a well-formed token signed with the issuer\'s registered key', async () => {
    const res = await app.gql(await sign(bkav.key, claims(bkav)), '{ me { subject organization { code } } }');
    expect(res.status).toBe(200);
    expect(res.body.data?.me).toEqual({ subject: 'tester', organization: { code: 'BKAV' } });
  });

  it('refuses a request without a token', async () => {
    await expectRejected(null, /missing bearer token/);
  });

  it('refuses alg "none"', async () => {
    const token = `${b64({ alg: 'none', kid: bkav.key.kid })}.${b64(claims(bkav))}.`;
    await expectRejected(token, /algorithm "none" is not allowed/);
  });

  it('refuses HS256 signed with the organisation\'s public key as the secret', async () => {
    const { d: _d, ...pub } = bkav.key;
    const header = b64({ alg: 'HS256', kid: bkav.key.kid, typ: 'JWT' });
    const body = b64(claims(bkav));
    const mac = createHmac('sha256', JSON.stringify(pub)).update(`${header}.${body}`).digest('base64url');
    await expectRejected(`${header}.${body}.${mac}`, /algorithm "HS256" is not allowed/);
  });

  it('refuses a token that carries its own key in a jwk header', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const attacker = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: bkav.key.kid };
    const token = await sign(attacker, claims(bkav), { jwk: await exportJWK(publicKey) });
    await expectRejected(token, /header jwk is not accepted/);
  });

  it('refuses a jku header', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav), { jku: 'http://127.0.0.1:1/keys' }), /header jku is not accepted/);
  });

  it('never lets one organisation\'s key vouch for another\'s iss', async () => {
    // Signed by BKAV with BKAV's kid, claiming to be VIETTEL.
    await expectRejected(await sign(bkav.key, claims(viettel)), /unknown key for this issuer/);
  });

  it('refuses an unknown issuer', async () => {
    await expectRejected(await sign(bkav.key, { ...claims(bkav), iss: 'NOBODY' }), /unknown issuer/);
  });

  it('refuses a bad signature', async () => {
    const token = await sign(bkav.key, claims(bkav));
    const [h, , s] = token.split('.');
    await expectRejected(`${h}.${b64(claims(bkav, { roles: ['ADMIN'] }))}.${s}`, /bad signature/);
  });

  it('refuses an expired token (beyond the 30 s clock tolerance)', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav, { iat: now() - 600, exp: now() - 60 })), /token expired/);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const res = await app.gql(await sign(bkav.key, claims(bkav, { iat: now() - 300, exp: now() - 10 })), '{ me { subject } }');
    expect(res.status).toBe(200);
  });

  it('refuses nbf in the future', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav, { nbf: now() + 600 })), /not yet valid/);
  });

  it.each(['exp', 'iat', 'sub', 'jti'])('refuses a token without %s', async (claim) => {
    await expectRejected(await sign(bkav.key, claims(bkav, { [claim]: undefined })), new RegExp(`claim ${claim} is required`));
  });

  it('refuses an overlong subject', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav, { sub: 'x'.repeat(129) })), /claim sub must be a string of at most 128 characters/);
  });

  it('refuses a lifetime over the cap', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav, { exp: now() + 7200 })), /lifetime 7200s exceeds the maximum of 3600s/);
  });

  it('refuses the wrong audience', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav, { aud: 'another-platform' })), /wrong audience/);
  });

  it('refuses roles beyond the organisation\'s allowed roles', async () => {
    await expectRejected(await sign(danang.key, claims(danang, { roles: ['CONTRIBUTOR'] })), /role not allowed for DANANG: CONTRIBUTOR/);
  });

  it('refuses unknown roles and an empty role list', async () => {
    await expectRejected(await sign(bkav.key, claims(bkav, { roles: ['ROOT'] })), /unknown role/);
    await expectRejected(await sign(bkav.key, claims(bkav, { roles: [] })), /roles must be a non-empty array/);
  });

  it('never echoes key material in a rejection', async () => {
    const res = await expectRejected(await sign(bkav.key, claims(viettel)), /unknown key/);
    const text = JSON.stringify(res.body);
    for (const member of [bkav.key.x, bkav.key.y, bkav.key.d]) expect(text).not.toContain(member);
  });
});

describe('revocation takes effect at once', () => {
  it('a revoked key fails on the next request', async () => {
    const org = await createOrg(app, { code: 'FPT', kind: OrgKind.SECURITY_VENDOR });
    const token = await org.token();
    expect((await app.gql(token, '{ me { subject } }')).status).toBe(200);
    const admin = await vncert.token([Role.ADMIN]);
    const res = await app.gql(admin, 'mutation($o: String!, $k: String!) { revokeSigningKey(organization: $o, kid: $k) { status } }', { o: 'FPT', k: org.key.kid });
    expect(res.body.data?.revokeSigningKey.status).toBe(KeyStatus.REVOKED);
    await expectRejected(token, /key has been revoked/);
  });

  it('a suspended organisation fails on the next request', async () => {
    const org = await createOrg(app, { code: 'CMC', kind: OrgKind.SECURITY_VENDOR });
    const token = await org.token();
    expect((await app.gql(token, '{ me { subject } }')).status).toBe(200);
    const admin = await vncert.token([Role.ADMIN]);
    const res = await app.gql(admin, 'mutation { updateOrganization(code: "CMC", input: { status: SUSPENDED }) { status } }');
    expect(res.body.data?.updateOrganization.status).toBe(OrgStatus.SUSPENDED);
    await expectRejected(token, /suspended/);
  });
});
