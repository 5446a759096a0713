import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import { allows, type Authorizer } from '../auth/authorize';
import { checkPublicJwk } from '../auth/jwk';
import type { Principal } from '../auth/principal';
import { KeyStatus, OrgKind, OrgStatus, Role, ROLE_ORDER, Tlp } from '../common/enums';
import { badInput, conflict, InputProblem, notFound } from '../common/errors';
import { groupBy } from '../common/group';
import { ChangeSignal } from '../common/change-signal';
import { LiveCache } from '../common/live-cache';
import type { Page } from '../common/pagination';
import { CLOCK_SKEW_MS, lookupKey, optionalText, pattern, text, textProblem } from '../common/validate';
import { keysetPage } from '../db/paging';
import { OrganizationEntity } from './organization.entity';
import type { OrganizationInput, OrganizationUpdateInput } from './organization.inputs';
import { SigningKeyEntity } from './signing-key.entity';

const CODE_RULE = /^[A-Z][A-Z0-9_-]{1,31}$/;
const MAX_RECIPIENTS = 100;
/** The longest overlap a retired key may keep verifying tokens for. */
const MAX_RETIREMENT_MS = 90 * 86_400_000;

/** Roles an organisation may grant when registration names none. */
export function defaultRolesFor(kind: OrgKind): Role[] {
  switch (kind) {
    case OrgKind.COORDINATOR:
    case OrgKind.MINISTRY:
    case OrgKind.SECTOR_CERT:
      return [...ROLE_ORDER];
    case OrgKind.SECURITY_VENDOR:
    case OrgKind.ISP:
      return [Role.VIEWER, Role.REPORTER, Role.CONTRIBUTOR, Role.ADMIN];
    default:
      return [Role.VIEWER, Role.REPORTER, Role.ADMIN];
  }
}

export interface Recipients {
  orgIds: string[];
  groupIds: string[];
}

/** The organisation directory, keys and sharing groups. Members can see the directory; only admins change it. */
export class OrganizationService {
  /** Fires after each committed change to organisations or keys (this instance's caches drop what they hold). */
  readonly changed = new ChangeSignal();
  /** Directory rows by id, kept while the instance hears every change to organisations (see cacheWhile). */
  private readonly directory = new LiveCache<OrganizationEntity>();

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
  ) {}

  list(_p: Principal, args: { first?: number | null; after?: string | null }): Promise<Page<OrganizationEntity>> {
    return keysetPage(this.db.getRepository(OrganizationEntity).createQueryBuilder('org'), 'org', args);
  }

  async byCode(_p: Principal, code: string): Promise<OrganizationEntity | null> {
    return this.db.getRepository(OrganizationEntity).findOneBy({ code: lookupKey('code', code).toUpperCase() });
  }

  /** Organisations by code (upper case), for federation references: the directory is readable by every member, like `organization(code)`. */
  async byCodes(_p: Principal, codes: readonly string[]): Promise<Map<string, OrganizationEntity>> {
    const rows = await this.db.getRepository(OrganizationEntity).createQueryBuilder('o').where('o.code = ANY(:codes)', { codes }).getMany();
    return new Map(rows.map((r) => [r.code, r]));
  }

  /**
   * Lets `byIds` answer from memory while `live()` is true; the caller must call `forgetDirectory` on every
   * change to organisations and whenever `live()` turns false.
   */
  cacheWhile(live: () => boolean): void {
    this.directory.liveWhile(live);
  }

  forgetDirectory(): void {
    this.directory.invalidate();
  }

  /** For the per-request loader behind `author`, `parent` and the like: every page names a few organisations, again and again. */
  async byIds(_p: Principal, ids: string[]): Promise<Map<string, OrganizationEntity>> {
    return this.directory.getMany(ids, async (missing) => {
      const rows = await this.db.getRepository(OrganizationEntity).createQueryBuilder('o').where('o.id = ANY(:ids)', { ids: missing }).getMany();
      return new Map(rows.map((r) => [r.id, r]));
    });
  }

  /** The children of each of `orgIds`, by code: one query for a whole page of organisations. */
  async childrenOf(_p: Principal, orgIds: readonly string[]): Promise<Map<string, OrganizationEntity[]>> {
    const rows = await this.db
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .where('o.parent_id = ANY(:ids)', { ids: orgIds })
      .orderBy('o.code')
      .getMany();
    return groupBy(rows, (r) => r.parentId!);
  }

  async register(p: Principal, input: OrganizationInput): Promise<OrganizationEntity> {
    await this.authz.authorize(p, 'organization.register', { target: { type: 'Organization', id: input.code } });
    const values = ({
      code: pattern('input.code', input.code.trim(), CODE_RULE, 'must be 2 to 32 upper-case letters, digits, _ or -, starting with a letter'),
      name: text('input.name', input.name, { max: 200 }),
      sector: optionalText('input.sector', input.sector, 64),
      region: optionalText('input.region', input.region, 64),
    });
    const allowedRoles = input.allowedRoles?.length ? [...new Set(input.allowedRoles)] : defaultRolesFor(input.kind);
    return this.changed.after(this.db.transaction(async (m) => {
      let parentId: string | null = null;
      if (input.parent) {
        const parent = await m.findOneBy(OrganizationEntity, { code: lookupKey('input.parent', input.parent!).toUpperCase() });
        if (!parent) throw badInput('input.parent', `unknown organisation "${input.parent}"`);
        parentId = parent.id;
      }
      if (await m.existsBy(OrganizationEntity, { code: values.code })) {
        throw conflict(`organisation ${values.code} already exists`);
      }
      const org = await m.save(
        m.create(OrganizationEntity, {
          ...values,
          kind: input.kind,
          parentId,
          status: OrgStatus.ACTIVE,
          allowedRoles,
          defaultTlp: input.defaultTlp ?? Tlp.AMBER,
        }),
      );
      await this.audit.record(p, { action: 'organization.register', targetType: 'Organization', targetId: org.code }, m);
      return org;
    }));
  }

  async update(p: Principal, code: string, input: OrganizationUpdateInput): Promise<OrganizationEntity> {
    await this.authz.authorize(p, 'organization.update', { target: { type: 'Organization', id: code } });
    return this.changed.after(this.db.transaction(async (m) => {
      const org = await m.findOneBy(OrganizationEntity, { code: lookupKey('code', code).toUpperCase() });
      if (!org) throw notFound('Organization', code);
      if (input.name != null) org.name = text('input.name', input.name, { max: 200 });
      if (input.sector !== undefined) org.sector = optionalText('input.sector', input.sector, 64);
      if (input.region !== undefined) org.region = optionalText('input.region', input.region, 64);
      if (input.allowedRoles != null) {
        if (!input.allowedRoles.length) throw new InputProblem('input.allowedRoles', 'must not be empty');
        org.allowedRoles = [...new Set(input.allowedRoles)];
      }
      if (input.status != null) {
        if (org.id === p.orgId && input.status === OrgStatus.SUSPENDED) {
          throw badInput('input.status', 'an organisation cannot suspend itself');
        }
        org.status = input.status;
      }
      if (input.defaultTlp != null) org.defaultTlp = input.defaultTlp;
      org.updatedAt = new Date();
      await m.save(org);
      await this.audit.record(p, { action: 'organization.update', targetType: 'Organization', targetId: org.code, detail: { ...input } }, m);
      return org;
    }));
  }

  async keysOf(p: Principal, orgId: string): Promise<SigningKeyEntity[]> {
    if (!allows(p, 'signingKey.read', { organizationId: orgId })) return [];
    return this.db.getRepository(SigningKeyEntity).find({ where: { organizationId: orgId }, order: { createdAt: 'ASC' } });
  }

  async registerKey(p: Principal, orgCode: string, rawJwk: unknown): Promise<SigningKeyEntity> {
    const org = await this.managedOrg(p, orgCode, 'signingKey.register');
    const { jwk, kid, alg } = await checkPublicJwk(rawJwk);
    return this.changed.after(this.db.transaction(async (m) => {
      if (await m.existsBy(SigningKeyEntity, { organizationId: org.id, kid })) {
        throw conflict(`organisation ${org.code} already has a key with kid "${kid}"`);
      }
      const key = await m.save(m.create(SigningKeyEntity, { organizationId: org.id, kid, alg, jwk: jwk as Record<string, unknown>, status: KeyStatus.ACTIVE }));
      await this.audit.record(p, { action: 'signingKey.register', targetType: 'SigningKey', targetId: `${org.code}/${kid}` }, m);
      return key;
    }));
  }

  /**
   * ACTIVE (or RETIRED) to RETIRED: the key keeps verifying tokens until
   * `until`, then stops, so that an organisation's systems can move to a new
   * key with an overlap. Calling it again moves `until`. A revoked key stays
   * revoked.
   */
  async retireKey(p: Principal, orgCode: string, kid: string, until: Date): Promise<SigningKeyEntity> {
    const org = await this.managedOrg(p, orgCode, 'signingKey.retire');
    const now = Date.now();
    if (Number.isNaN(until.getTime())) throw badInput('until', 'must be a valid date-time');
    if (until.getTime() < now - CLOCK_SKEW_MS) throw badInput('until', 'must not be in the past');
    if (until.getTime() > now + MAX_RETIREMENT_MS) throw badInput('until', `must be at most ${MAX_RETIREMENT_MS / 86_400_000} days ahead`);
    return this.changed.after(this.db.transaction(async (m) => {
      const key = await m.findOne(SigningKeyEntity, { where: { organizationId: org.id, kid: lookupKey('kid', kid) }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('SigningKey', `${org.code}/${kid}`);
      if (key.status === KeyStatus.REVOKED) throw conflict(`key ${org.code}/${kid} is revoked; a revoked key cannot be retired`);
      const from = key.status;
      key.status = KeyStatus.RETIRED;
      key.retiredUntil = until;
      await m.save(key);
      await this.audit.record(p, { action: 'signingKey.retire', targetType: 'SigningKey', targetId: `${org.code}/${kid}`, detail: { from, until: until.toISOString() } }, m);
      return key;
    }));
  }

  async revokeKey(p: Principal, orgCode: string, kid: string): Promise<SigningKeyEntity> {
    const org = await this.managedOrg(p, orgCode, 'signingKey.revoke');
    return this.changed.after(this.db.transaction(async (m) => {
      const key = await m.findOneBy(SigningKeyEntity, { organizationId: org.id, kid: lookupKey('kid', kid) });
      if (!key) throw notFound('SigningKey', `${org.code}/${kid}`);
      key.status = KeyStatus.REVOKED;
      key.revokedAt ??= new Date();
      await m.save(key);
      await this.audit.record(p, { action: 'signingKey.revoke', targetType: 'SigningKey', targetId: `${org.code}/${kid}` }, m);
      return key;
    }));
  }

  /**
   * Looks up recipient names (organisation codes, case-insensitive, or
   * sharing-group names) in one query. Names not found are absent from the map.
   */
  async lookupRecipients(m: EntityManager, names: string[]): Promise<Map<string, { org?: string; group?: string }>> {
    // A name no code or group can have is left out: pickRecipients then refuses it for its own item, not the whole call.
    const distinct = [...new Set(names.map((n) => n.trim()).filter((n) => !textProblem(n)))];
    const out = new Map<string, { org?: string; group?: string }>();
    if (!distinct.length) return out;
    const rows: { name: string; kind: 'org' | 'group'; id: string }[] = await m.query(
      `SELECT n AS name, 'org' AS kind, o.id FROM unnest($1::text[]) n JOIN organizations o ON o.code = upper(n)
       UNION ALL
       SELECT n, 'group', g.id FROM unnest($1::text[]) n JOIN sharing_groups g ON g.name = n`,
      [distinct],
    );
    for (const r of rows) {
      // An organisation code wins over a group of the same name.
      if (r.kind === 'org' || !out.has(r.name)) out.set(r.name, r.kind === 'org' ? { org: r.id } : { group: r.id });
    }
    return out;
  }

  /** Resolves one object's recipients from a lookup; an unknown name is an InputProblem naming its index. */
  static pickRecipients(found: Map<string, { org?: string; group?: string }>, names: string[] | null | undefined, field: string): Recipients {
    const out: Recipients = { orgIds: [], groupIds: [] };
    if (!names?.length) return out;
    if (names.length > MAX_RECIPIENTS) throw new InputProblem(field, `must have at most ${MAX_RECIPIENTS} items`);
    names.forEach((raw, i) => {
      const hit = found.get(lookupKey(`${field}[${i}]`, raw));
      if (hit?.org) out.orgIds.push(hit.org);
      else if (hit?.group) out.groupIds.push(hit.group);
      else throw new InputProblem(`${field}[${i}]`, `unknown organisation code or sharing group "${raw}"`);
    });
    return { orgIds: [...new Set(out.orgIds)], groupIds: [...new Set(out.groupIds)] };
  }

  /** Recipients of one object; BAD_USER_INPUT for an unknown name. */
  async resolveRecipients(m: EntityManager, names: string[] | null | undefined, field = 'recipients'): Promise<Recipients> {
    const found = await this.lookupRecipients(m, names ?? []);
    return OrganizationService.pickRecipients(found, names, field);
  }

  /** The caller's organisation's default TLP, for objects posted without one. */
  async defaultTlp(p: Principal, m: EntityManager = this.db.manager): Promise<Tlp> {
    const org = await m.findOneByOrFail(OrganizationEntity, { id: p.orgId });
    return org.defaultTlp;
  }

  /** Recipient names for display, in the order organisations then groups. */
  async recipientNames(_p: Principal, r: Recipients): Promise<string[]> {
    if (!r.orgIds.length && !r.groupIds.length) return [];
    const rows: { name: string }[] = await this.db.query(
      `SELECT code AS name FROM organizations WHERE id = ANY($1::uuid[])
       UNION ALL SELECT name FROM sharing_groups WHERE id = ANY($2::uuid[])`,
      [r.orgIds, r.groupIds],
    );
    return rows.map((r) => r.name);
  }

  /**
   * Creates an organisation with one public key, outside any principal: for
   * `init` and the demo seed only, which run before any token can exist.
   * Not reachable from the API.
   */
  async bootstrap(
    input: { code: string; name: string; kind: OrgKind; sector?: string; region?: string; parent?: string; allowedRoles?: Role[]; defaultTlp?: Tlp },
    publicJwk: unknown,
  ): Promise<OrganizationEntity> {
    const { jwk, kid, alg } = await checkPublicJwk(publicJwk);
    return this.changed.after(this.db.transaction(async (m) => {
      const parent = input.parent ? await m.findOneByOrFail(OrganizationEntity, { code: input.parent }) : null;
      const org = await m.save(
        m.create(OrganizationEntity, {
          code: input.code,
          name: input.name,
          kind: input.kind,
          sector: input.sector ?? null,
          region: input.region ?? null,
          parentId: parent?.id ?? null,
          status: OrgStatus.ACTIVE,
          allowedRoles: input.allowedRoles ?? defaultRolesFor(input.kind),
          defaultTlp: input.defaultTlp ?? Tlp.AMBER,
        }),
      );
      await m.save(m.create(SigningKeyEntity, { organizationId: org.id, kid, alg, jwk: jwk as Record<string, unknown>, status: KeyStatus.ACTIVE }));
      await this.audit.record(null, { action: 'organization.bootstrap', targetType: 'Organization', targetId: org.code, detail: { kid } }, m);
      return org;
    }));
  }

  /** Whether any organisation exists yet (bootstrap commands refuse a database that is already set up). */
  async isEmpty(): Promise<boolean> {
    return (await this.db.getRepository(OrganizationEntity).count()) === 0;
  }

  /** The organisation named by `code`, for an administrative action on it; refusals are audited by the authorizer. */
  private async managedOrg(p: Principal, code: string, action: 'signingKey.register' | 'signingKey.revoke' | 'signingKey.retire'): Promise<OrganizationEntity> {
    await this.authz.authorize(p, action);
    const org = await this.byCode(p, lookupKey('organization', code));
    if (!org) throw notFound('Organization', code);
    await this.authz.authorize(p, action, { target: { type: 'Organization', id: org.code }, organizationId: org.id, organizationCode: org.code });
    return org;
  }
}
