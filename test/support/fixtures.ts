import type { JWK } from 'jose';
import { generateSigningKey, mintToken } from '../../src/auth/keys';
import { OrgKind, Role } from '../../src/common/enums';
import type { OrganizationEntity } from '../../src/organizations/organization.entity';
import { afterAll, beforeAll } from 'vitest';
import { AUDIENCE, startTestApp, type TestApp } from './app';

export interface OrgFixture {
  org: OrganizationEntity;
  code: string;
  key: JWK;
  /** A fresh, valid token for this organisation with `roles`. */
  token(roles?: Role[], sub?: string): Promise<string>;
}

/** An organisation with its own ES256 key, registered the way `init`/seed do it. */
export async function createOrg(
  app: TestApp,
  input: { code: string; kind: OrgKind; parent?: string; allowedRoles?: Role[]; sector?: string; region?: string },
): Promise<OrgFixture> {
  const { privateJwk, publicJwk } = await generateSigningKey(input.code);
  const org = await app.services.organizations.bootstrap({ name: `${input.code} (test)`, ...input }, publicJwk);
  return {
    org,
    code: input.code,
    key: privateJwk,
    token: (roles = [Role.VIEWER], sub = `${input.code.toLowerCase()}-user`) =>
      mintToken(privateJwk, { org: input.code, sub, roles, audience: AUDIENCE, ttl: 600 }),
  };
}

/**
 * The standard community for sharing tests: a coordinator, two vendors, a
 * ministry with a child department, and an unrelated province.
 */
export async function community(app: TestApp) {
  const vncert = await createOrg(app, { code: 'VNCERT', kind: OrgKind.COORDINATOR });
  const bkav = await createOrg(app, { code: 'BKAV', kind: OrgKind.SECURITY_VENDOR });
  const viettel = await createOrg(app, { code: 'VIETTEL', kind: OrgKind.SECURITY_VENDOR });
  const mof = await createOrg(app, { code: 'MOF', kind: OrgKind.MINISTRY });
  const mofTax = await createOrg(app, { code: 'MOF-TAX', kind: OrgKind.AGENCY, parent: 'MOF' });
  const danang = await createOrg(app, { code: 'DANANG', kind: OrgKind.PROVINCE });
  return { vncert, bkav, viettel, mof, mofTax, danang };
}
export type Community = Awaited<ReturnType<typeof community>>;

/** The organisation codes of `community`, one persona each. */
export type Persona = 'VNCERT' | 'BKAV' | 'VIETTEL' | 'MOF' | 'MOF-TAX' | 'DANANG';
export const PERSONAS: Persona[] = ['VNCERT', 'BKAV', 'VIETTEL', 'MOF', 'MOF-TAX', 'DANANG'];

/** Looks a persona's fixture up by organisation code, `extra` organisations included. */
export function personas<E extends string = never>(c: Community, extra: Record<E, OrgFixture> = {} as Record<E, OrgFixture>) {
  const all: Record<Persona | E, OrgFixture> = { VNCERT: c.vncert, BKAV: c.bkav, VIETTEL: c.viettel, MOF: c.mof, 'MOF-TAX': c.mofTax, DANANG: c.danang, ...extra };
  return (code: Persona | E): OrgFixture => all[code];
}

/**
 * A test file's app over its own database with the standard community, set up
 * before its tests and closed after them: `const t = communityApp();` then
 * `t.app`, `t.c` inside tests.
 */
export function communityApp(): { app: TestApp; c: Community } {
  const ctx = {} as { app: TestApp; c: Community };
  beforeAll(async () => {
    ctx.app = await startTestApp();
    ctx.c = await community(ctx.app);
  });
  afterAll(() => ctx.app?.close());
  return ctx;
}

/** One row of the TLP 2.0 matrix: an object by `author` at `tlp` to `recipients` (codes or the groups alliance = [VIETTEL], finance = [MOF]), and who reads it. */
export interface TlpCase {
  name: string;
  author: Persona;
  tlp: string;
  recipients: string[];
  readers: Persona[];
}

export const TLP_CASES: TlpCase[] = [
  { name: 'CLEAR', author: 'MOF-TAX', tlp: 'CLEAR', recipients: [], readers: PERSONAS },
  { name: 'GREEN', author: 'MOF-TAX', tlp: 'GREEN', recipients: [], readers: PERSONAS },
  { name: 'AMBER to VIETTEL', author: 'MOF-TAX', tlp: 'AMBER', recipients: ['VIETTEL'], readers: ['MOF-TAX', 'MOF', 'VNCERT', 'VIETTEL'] },
  { name: 'AMBER_STRICT to VIETTEL', author: 'MOF-TAX', tlp: 'AMBER_STRICT', recipients: ['VIETTEL'], readers: ['MOF-TAX', 'MOF', 'VNCERT', 'VIETTEL'] },
  { name: 'RED to VIETTEL (no ancestor, no coordinator)', author: 'MOF-TAX', tlp: 'RED', recipients: ['VIETTEL'], readers: ['MOF-TAX', 'VIETTEL'] },
  { name: 'RED with no recipients', author: 'MOF-TAX', tlp: 'RED', recipients: [], readers: ['MOF-TAX'] },
  { name: 'AMBER to MOF reaches its department', author: 'BKAV', tlp: 'AMBER', recipients: ['MOF'], readers: ['BKAV', 'VNCERT', 'MOF', 'MOF-TAX'] },
  { name: 'AMBER_STRICT to MOF stops at MOF', author: 'BKAV', tlp: 'AMBER_STRICT', recipients: ['MOF'], readers: ['BKAV', 'VNCERT', 'MOF'] },
  { name: 'RED to MOF', author: 'BKAV', tlp: 'RED', recipients: ['MOF'], readers: ['BKAV', 'MOF'] },
  { name: 'AMBER to a group', author: 'BKAV', tlp: 'AMBER', recipients: ['alliance'], readers: ['BKAV', 'VNCERT', 'VIETTEL'] },
  { name: 'AMBER to a group reaches members\' descendants', author: 'BKAV', tlp: 'AMBER', recipients: ['finance'], readers: ['BKAV', 'VNCERT', 'MOF', 'MOF-TAX'] },
  { name: 'RED to a group reaches members only', author: 'BKAV', tlp: 'RED', recipients: ['finance'], readers: ['BKAV', 'MOF'] },
];
