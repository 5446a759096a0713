import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { mintToken } from '../src/auth/keys';
import { AUDIENCE, startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';

let app: TestApp;
let c: Community;
let admin: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  admin = await c.vncert.token([Role.ADMIN], 'platform-admin');
});
afterAll(() => app?.close());

const REGISTER_KEY = 'mutation($o: String!, $k: JSONObject!) { registerSigningKey(organization: $o, jwk: $k) { kid alg status jwk } }';

async function ecPublic(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { pub: { ...(await exportJWK(publicKey)), kid }, priv: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' } };
}

describe('registerSigningKey', () => {
  it('registers a public key that then verifies the organisation\'s tokens', async () => {
    const { pub, priv } = await ecPublic('bkav-rotated-1');
    const own = await c.bkav.token([Role.ADMIN]);
    const res = await app.gql(own, REGISTER_KEY, { o: 'BKAV', k: pub });
    expect(res.body.data?.registerSigningKey).toMatchObject({ kid: 'bkav-rotated-1', alg: 'ES256', status: 'ACTIVE' });
    expect(res.body.data?.registerSigningKey.jwk).not.toHaveProperty('d');
    const token = await mintToken(priv, { org: 'BKAV', sub: 'svc', roles: [Role.VIEWER], audience: AUDIENCE, ttl: 60 });
    expect((await app.gql(token, '{ me { keyId } }')).body.data?.me.keyId).toBe('bkav-rotated-1');
  });

  it.each([
    ['a private key', async () => (await ecPublic('p1')).priv, /jwk: contains private key material \(d\)/],
    ['a symmetric key', async () => ({ kty: 'oct', k: 'c2VjcmV0', kid: 'sym' }), /jwk.kty: symmetric keys are not accepted/],
    ['RSA under 2048 bits', async () => ({ ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'weak' }), /jwk.n: RSA keys must be at least 2048 bits \(got 1024\)/],
    ['a key without kid', async () => {
      const { pub } = await ecPublic('x');
      delete (pub as Record<string, unknown>).kid;
      return pub;
    }, /jwk.kid: is required/],
    ['an unsupported curve', async () => ({ ...(await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey)), kid: 'p384' }), /jwk.crv: EC keys must use P-256/],
  ])('refuses %s', async (_name, make, rule) => {
    const res = await app.gql(admin, REGISTER_KEY, { o: 'VIETTEL', k: await make() });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(rule);
    const keys = await app.gql(admin, '{ organization(code: "VIETTEL") { signingKeys { kid } } }');
    expect(keys.body.data?.organization.signingKeys).toHaveLength(1);
  });

  it('accepts RSA 2048 (RS256) and Ed25519 (EdDSA)', async () => {
    const rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'rsa-2048' };
    const ed = { ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'ed-1' };
    expect((await app.gql(admin, REGISTER_KEY, { o: 'DANANG', k: rsa })).body.data?.registerSigningKey).toMatchObject({ alg: 'RS256' });
    expect((await app.gql(admin, REGISTER_KEY, { o: 'DANANG', k: ed })).body.data?.registerSigningKey).toMatchObject({ alg: 'EdDSA' });
  });

  it('refuses a duplicate kid with CONFLICT', async () => {
    const res = await app.gql(admin, REGISTER_KEY, { o: 'BKAV', k: { ...(await ecPublic('dup')).pub, kid: c.bkav.key.kid } });
    expect(res.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('lets an organisation manage only its own keys unless it is a coordinator', async () => {
    const viettelAdmin = await c.viettel.token([Role.ADMIN]);
    const res = await app.gql(viettelAdmin, REGISTER_KEY, { o: 'BKAV', k: (await ecPublic('intruder')).pub });
    expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const viewer = await c.bkav.token([Role.VIEWER]);
    const res2 = await app.gql(viewer, REGISTER_KEY, { o: 'BKAV', k: (await ecPublic('viewer')).pub });
    expect(res2.body.errors?.[0]).toMatchObject({ message: 'requires role ADMIN', extensions: { code: 'FORBIDDEN' } });
  });

  it('shows keys only to the organisation\'s admin and coordinator admins', async () => {
    const q = '{ organization(code: "BKAV") { code signingKeys { kid } } }';
    expect((await app.gql(await c.viettel.token([Role.ADMIN]), q)).body.data?.organization).toEqual({ code: 'BKAV', signingKeys: [] });
    expect((await app.gql(admin, q)).body.data?.organization.signingKeys.length).toBeGreaterThan(0);
  });
});

describe('organisations', () => {
  const REGISTER = 'mutation($i: OrganizationInput!) { registerOrganization(input: $i) { code kind allowedRoles parent { code } defaultTlp } }';

  it('a coordinator admin registers an organisation under a parent, with default roles for its kind', async () => {
    const res = await app.gql(admin, REGISTER, { i: { code: 'MOF-CUSTOMS', name: 'Customs', kind: 'AGENCY', parent: 'MOF' } });
    expect(res.body.data?.registerOrganization).toEqual({
      code: 'MOF-CUSTOMS', kind: 'AGENCY', allowedRoles: ['VIEWER', 'REPORTER', 'ADMIN'], parent: { code: 'MOF' }, defaultTlp: 'AMBER',
    });
    const tree = await app.gql(admin, '{ organization(code: "MOF") { children { code } } }');
    expect(tree.body.data?.organization.children.map((o: { code: string }) => o.code)).toEqual(['MOF-CUSTOMS', 'MOF-TAX']);
  });

  it('refuses bad codes, unknown parents and duplicates with clear errors', async () => {
    const bad = await app.gql(admin, REGISTER, { i: { code: 'lower case', name: 'x', kind: 'ISP' } });
    expect(bad.body.errors?.[0].message).toMatch(/^input.code: must be 2 to 32 upper-case letters/);
    const parent = await app.gql(admin, REGISTER, { i: { code: 'ORPHAN', name: 'x', kind: 'ISP', parent: 'NOPE' } });
    expect(parent.body.errors?.[0].message).toBe('input.parent: unknown organisation "NOPE"');
    const dup = await app.gql(admin, REGISTER, { i: { code: 'BKAV', name: 'again', kind: 'SECURITY_VENDOR' } });
    expect(dup.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('only a coordinator admin registers organisations', async () => {
    const res = await app.gql(await c.mof.token([Role.ADMIN]), REGISTER, { i: { code: 'MOF-NEW', name: 'x', kind: 'AGENCY', parent: 'MOF' } });
    expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lists the directory with Relay paging', async () => {
    const first = await app.gql(admin, '{ organizations(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }');
    const conn = first.body.data?.organizations;
    expect(conn.edges).toHaveLength(2);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    const rest = await app.gql(admin, 'query($a: String) { organizations(first: 100, after: $a) { edges { node { code } } } }', { a: conn.pageInfo.endCursor });
    expect(rest.body.data?.organizations.edges.length + 2).toBe(conn.totalCount);
  });

  it('restricting allowed roles invalidates tokens with the removed role at once', async () => {
    const token = await c.danang.token([Role.REPORTER]);
    expect((await app.gql(token, '{ me { roles } }')).status).toBe(200);
    const res = await app.gql(admin, 'mutation { updateOrganization(code: "DANANG", input: { allowedRoles: [VIEWER] }) { allowedRoles } }');
    expect(res.body.data?.updateOrganization.allowedRoles).toEqual(['VIEWER']);
    const after = await app.gql(token, '{ me { roles } }');
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0].message).toMatch(/role not allowed for DANANG: REPORTER/);
  });
});

describe('sharing groups', () => {
  it('creates a group from organisation codes, naming an unknown member by index', async () => {
    const bad = await app.gql(admin, 'mutation { createSharingGroup(name: "energy", members: ["BKAV", "NOPE"]) { name } }');
    expect(bad.body.errors?.[0].message).toBe('members[1]: unknown organisation "NOPE"');
    const ok = await app.gql(admin, 'mutation { createSharingGroup(name: "energy", members: ["bkav", "VIETTEL"]) { name owner { code } members { code } } }');
    expect(ok.body.data?.createSharingGroup).toEqual({ name: 'energy', owner: { code: 'VNCERT' }, members: [{ code: 'BKAV' }, { code: 'VIETTEL' }] });
    const dup = await app.gql(admin, 'mutation { createSharingGroup(name: "energy", members: []) { name } }');
    expect(dup.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });
});

describe('kinds', () => {
  it('uses the organisation kind enum in the API', async () => {
    const res = await app.gql(admin, '{ organization(code: "MOF-TAX") { kind parent { code kind } } }');
    expect(res.body.data?.organization).toEqual({ kind: OrgKind.AGENCY, parent: { code: 'MOF', kind: OrgKind.MINISTRY } });
  });
});

describe('audit of denied attempts', () => {
  it('records a refused role and a refused admin action with who tried', async () => {
    const viewer = await c.viettel.token([Role.VIEWER], 'curious-viewer');
    await app.gql(viewer, 'mutation { submitIndicators(input: [{ type: DOMAIN, value: "denied.example" }]) { created } }');
    const vendorAdmin = await c.viettel.token([Role.ADMIN], 'vendor-admin');
    await app.gql(vendorAdmin, 'mutation { updateOrganization(code: "BKAV", input: { status: SUSPENDED }) { status } }');
    const rows = await app.db.query(
      `SELECT action, target_id, subject, organization_code FROM audit_events WHERE outcome = 'DENIED' AND subject IN ('curious-viewer', 'vendor-admin') ORDER BY at`,
    );
    expect(rows).toEqual([
      { action: 'indicator.submit', target_id: null, subject: 'curious-viewer', organization_code: 'VIETTEL' },
      { action: 'organization.update', target_id: 'BKAV', subject: 'vendor-admin', organization_code: 'VIETTEL' },
    ]);
  });
});
