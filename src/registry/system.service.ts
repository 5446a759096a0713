import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { registryVisibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import type { SystemLifecycle } from '../common/enums';
import { badInput, conflict, InputProblem } from '../common/errors';
import { groupBy } from '../common/group';
import { checkId } from '../common/ids';
import type { Page } from '../common/pagination';
import { lookupKey, lookupKeys, optionalText, text } from '../common/validate';
import { visibleById, visibleByIds } from '../db/filters';
import { keysetPage } from '../db/paging';
import { toCidr } from '../intel/asset-range.checks';
import type { InformationSystemFilter, InformationSystemInput, InformationSystemUpdateInput } from './registry.inputs';
import {
  approvalStatusSql,
  containsPattern,
  lockVisibleSystem,
  reviewerOf,
  safetyLevel,
  subtreeIdsSql,
  syncChecklist,
  systemSubject,
  usableAssetRangeSql,
  type RegistryChanges,
} from './registry.shared';
import { InformationSystemEntity, ReviewState } from './system.entity';

const MAX_RANGES = 100;

export interface SystemRange {
  cidr: string;
  /** Still inside one of the owner's usable asset ranges. */
  covered: boolean;
}

interface CheckedUpdate {
  name?: string;
  purpose?: string | null;
  proposedLevel?: number;
  ranges?: string[];
  lifecycle?: SystemLifecycle;
}

/** Information systems: registered and described by their owner, read by the owner, its ancestors and coordinators. */
export class InformationSystemService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
    private readonly changes: RegistryChanges,
  ) {}

  /** A new system of the caller's organisation, with its (empty) checklist. */
  async register(p: Principal, input: InformationSystemInput): Promise<InformationSystemEntity> {
    await this.authz.authorize(p, 'system.register');
    const name = text('input.name', input.name, { max: 200 });
    const purpose = optionalText('input.purpose', input.purpose, 10_000, { multiline: true });
    const proposedLevel = safetyLevel('input.proposedLevel', input.proposedLevel);
    const cidrs = checkRanges(input.ranges, 'input.ranges');
    const sys = await this.db.transaction(async (m) => {
      await ownedRanges(m, p.orgId, cidrs, 'input.ranges');
      if (await m.existsBy(InformationSystemEntity, { ownerId: p.orgId, name })) throw conflict(`your organisation already has a system named "${name}"`);
      const inserted = await m.insert(InformationSystemEntity, { ownerId: p.orgId, name, purpose, proposedLevel, ranges: cidrs, createdBy: actorName(p) });
      const id = String(inserted.identifiers[0].id);
      await syncChecklist(m, [id]);
      await this.audit.record(p, { action: 'system.register', targetType: 'InformationSystem', targetId: id, detail: { proposedLevel, ranges: cidrs.length } }, m);
      return m.findOneByOrFail(InformationSystemEntity, { id });
    });
    this.changes.changed([p.orgId]);
    return sys;
  }

  /** Name, purpose, ranges, lifecycle; the proposed level only while no dossier is open. */
  async update(p: Principal, id: string, input: InformationSystemUpdateInput): Promise<InformationSystemEntity> {
    await this.authz.authorize(p, 'system.update');
    const ch = checkUpdate(input);
    const sys = await this.db.transaction(async (m) => {
      const current = await lockVisibleSystem(m, p, id);
      await this.authz.authorize(p, 'system.update', systemSubject(current, await reviewerOf(m, current.ownerId)));
      if (ch.proposedLevel !== undefined && ch.proposedLevel !== current.proposedLevel && current.reviewState !== ReviewState.NONE) {
        throw conflict('a dossier of this system is open: revise or withdraw it to change the proposed level');
      }
      if (ch.name !== undefined && ch.name !== current.name && (await m.existsBy(InformationSystemEntity, { ownerId: current.ownerId, name: ch.name }))) {
        throw conflict(`your organisation already has a system named "${ch.name}"`);
      }
      if (ch.ranges) await ownedRanges(m, current.ownerId, ch.ranges, 'input.ranges');
      const patch: QueryDeepPartialEntity<InformationSystemEntity> = { ...ch, updatedAt: () => 'now()' };
      await m.update(InformationSystemEntity, { id: current.id }, patch);
      if (ch.proposedLevel !== undefined) await syncChecklist(m, [current.id]);
      await this.audit.record(p, { action: 'system.update', targetType: 'InformationSystem', targetId: current.id, detail: { changed: Object.keys(ch) } }, m);
      return m.findOneByOrFail(InformationSystemEntity, { id: current.id });
    });
    this.changes.changed([sys.ownerId]);
    return sys;
  }

  /** The visible systems matching `filter`, newest first. */
  async list(p: Principal, filter: InformationSystemFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<InformationSystemEntity>> {
    const pol = registryVisibleTo(p, 't');
    const qb = this.db.getRepository(InformationSystemEntity).createQueryBuilder('t').where(pol.sql, pol.params);
    const f = filter ?? {};
    if (f.owners?.length) {
      qb.andWhere('t.owner_id IN (SELECT id FROM organizations WHERE code = ANY(:sysOwners))', {
        sysOwners: lookupKeys('filter.owners', f.owners).map((c) => c.toUpperCase()),
      });
    }
    if (f.subtreeOf != null) qb.andWhere(`t.owner_id IN ${subtreeIdsSql('sysSubtree')}`, { sysSubtree: lookupKey('filter.subtreeOf', f.subtreeOf).toUpperCase() });
    if (f.statuses?.length) qb.andWhere(`${approvalStatusSql('t')} IN (:...sysStatuses)`, { sysStatuses: f.statuses });
    if (f.levels?.length) qb.andWhere('t.proposed_level IN (:...sysLevels)', { sysLevels: f.levels.map((l, i) => safetyLevel(`filter.levels[${i}]`, l)) });
    if (f.lifecycle) qb.andWhere('t.lifecycle = :sysLifecycle', { sysLifecycle: f.lifecycle });
    if (f.nameContains != null) qb.andWhere('t.name ILIKE :sysName', { sysName: containsPattern(lookupKey('filter.nameContains', f.nameContains)) });
    return keysetPage(qb, 't', args);
  }

  /** One system if the caller may read it; null for hidden and missing alike. */
  async byId(p: Principal, id: string): Promise<InformationSystemEntity | null> {
    return visibleById(this.db.manager, InformationSystemEntity, registryVisibleTo(p, 't'), checkId(id));
  }

  async byIds(p: Principal, ids: readonly string[]): Promise<Map<string, InformationSystemEntity>> {
    return visibleByIds(this.db.manager, InformationSystemEntity, registryVisibleTo(p, 't'), ids);
  }

  /** Each visible system's ranges and whether each still lies inside one of its owner's usable asset ranges. */
  async rangesOf(p: Principal, ids: readonly string[]): Promise<Map<string, SystemRange[]>> {
    const pol = registryVisibleTo(p, 't');
    const [sql, params] = this.db.driver.escapeQueryWithParameters(
      `SELECT t.id, r.cidr::text AS cidr,
              EXISTS (SELECT 1 FROM asset_ranges a WHERE a.organization_id = t.owner_id AND r.cidr <<= a.cidr AND ${usableAssetRangeSql('a')}) AS covered
         FROM information_systems t CROSS JOIN LATERAL unnest(t.ranges) WITH ORDINALITY AS r(cidr, n)
        WHERE t.id = ANY(CAST(:ids AS uuid[])) AND ${pol.sql}
        ORDER BY t.id, r.n`,
      { ids, ...pol.params },
    );
    const rows: { id: string; cidr: string; covered: boolean }[] = await this.db.query(sql, params);
    const byId = groupBy(rows, (r) => r.id);
    return new Map([...byId].map(([id, list]) => [id, list.map((r) => ({ cidr: r.cidr, covered: r.covered }))]));
  }
}

function checkRanges(ranges: string[] | null | undefined, field: string): string[] {
  if (!ranges) return [];
  if (ranges.length > MAX_RANGES) throw badInput(field, `must have at most ${MAX_RANGES} items`);
  return [...new Set(ranges.map((r, i) => toCidr(r, `${field}[${i}]`)))];
}

/** Each CIDR must lie inside one of the owner's usable asset ranges; the first that does not is named by its index. */
async function ownedRanges(m: EntityManager, ownerId: string, cidrs: string[], field: string): Promise<void> {
  if (!cidrs.length) return;
  const rows: { ok: boolean }[] = await m.query(
    `SELECT EXISTS (SELECT 1 FROM asset_ranges a WHERE a.organization_id = $2 AND u.r <<= a.cidr AND ${usableAssetRangeSql('a')}) AS ok
       FROM unnest($1::cidr[]) WITH ORDINALITY AS u(r, n) ORDER BY u.n`,
    [cidrs, ownerId],
  );
  const bad = rows.findIndex((r) => !r.ok);
  if (bad >= 0) throw new InputProblem(`${field}[${bad}]`, "must lie within one of the owner organisation's asset ranges (set them with setAssetRanges)");
}

function checkUpdate(input: InformationSystemUpdateInput): CheckedUpdate {
  const out: CheckedUpdate = {};
  if (input.name != null) out.name = text('input.name', input.name, { max: 200 });
  if (input.purpose !== undefined) out.purpose = optionalText('input.purpose', input.purpose, 10_000, { multiline: true });
  if (input.proposedLevel != null) out.proposedLevel = safetyLevel('input.proposedLevel', input.proposedLevel);
  if (input.ranges != null) out.ranges = checkRanges(input.ranges, 'input.ranges');
  if (input.lifecycle != null) out.lifecycle = input.lifecycle;
  if (!Object.keys(out).length) throw new InputProblem('input', 'must change at least one of name, purpose, proposedLevel, ranges or lifecycle');
  return out;
}
