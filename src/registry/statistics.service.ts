import type { DataSource } from 'typeorm';
import type { Authorizer } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { StatisticsGrouping, type OrgKind } from '../common/enums';
import { notFound } from '../common/errors';
import { lookupKey } from '../common/validate';
import type { StatisticsArgs } from './registry.inputs';
import { RequirementEntity } from './requirement.entity';
import { addCounters, emptyCounters, figuresOf, hasFigures, type Counters, type Figures } from './statistics.figures';
import { countersByOrganization, type StatisticsScope } from './statistics.store';

/** What grouping and ranking need of an organisation (the directory is readable by every member). */
export interface OrgInfo {
  id: string;
  code: string;
  name: string;
  kind: OrgKind;
  sector: string | null;
  region: string | null;
  parentId: string | null;
}

export interface StatisticsGroupResult extends Figures {
  /** The organisation's code, the kind, sector or region (`(none)` when unset), or `ALL`. */
  key: string;
  organizationId: string | null;
}

export interface StatisticsResult {
  groupBy: StatisticsGrouping;
  /** The organisation whose subtree was asked for; null for the caller's whole scope. */
  organizationId: string | null;
  computedAt: Date;
  total: StatisticsGroupResult;
  groups: StatisticsGroupResult[];
}

/** Per-organisation counters over a scope, with the directory entries of the scope's organisations. */
export interface ScopedCounters {
  rootId: string | null;
  scope: StatisticsScope;
  counters: Map<string, Counters>;
  orgs: Map<string, OrgInfo>;
  /** The requirement catalogue (retired ones too), by id. */
  requirements: Map<string, RequirementEntity>;
}

const NONE = '(none)';

/**
 * Registry statistics over the caller's visible scope — its own
 * organisation and those below it; a coordinator's, everything — or over the
 * subtree of the organisation asked for, counted only over what the caller
 * may read (an organisation it may not read looks like one with nothing).
 */
export class StatisticsService {
  constructor(
    private readonly db: DataSource,
    private readonly authz: Authorizer,
  ) {}

  async statistics(p: Principal, args: StatisticsArgs): Promise<StatisticsResult> {
    await this.authz.authorize(p, 'read');
    const groupBy = args.groupBy ?? StatisticsGrouping.NONE;
    const sc = await this.countersFor(p, args.organization);
    const total = emptyCounters();
    const groups = new Map<string, { orgId: string | null; c: Counters }>();
    for (const [orgId, c] of sc.counters) {
      if (!hasFigures(c)) continue;
      addCounters(total, c);
      if (groupBy === StatisticsGrouping.NONE) continue;
      const org = sc.orgs.get(orgId);
      const key = groupKey(groupBy, org);
      const g = groups.get(key) ?? { orgId: groupBy === StatisticsGrouping.ORGANIZATION ? orgId : null, c: emptyCounters() };
      groups.set(key, { ...g, c: addCounters(g.c, c) });
    }
    const list = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => ({ key, organizationId: g.orgId, ...figuresOf(g.c, sc.requirements) }));
    const all = { key: 'ALL', organizationId: sc.rootId, ...figuresOf(total, sc.requirements) };
    return { groupBy, organizationId: sc.rootId, computedAt: new Date(), total: all, groups: groupBy === StatisticsGrouping.NONE ? [all] : list };
  }

  /** The scope of a statistics or ranking request, its counters per organisation, and the directory entries involved. */
  async countersFor(p: Principal, organization: string | null | undefined): Promise<ScopedCounters> {
    const { scope, rootId } = await this.scopeOf(p, organization);
    const [counters, orgs, requirements] = await Promise.all([
      countersByOrganization(this.db, p, scope),
      this.directory(scope),
      this.db.getRepository(RequirementEntity).find(),
    ]);
    return { rootId, scope, counters, orgs, requirements: new Map(requirements.map((r) => [r.id, r])) };
  }

  /**
   * The organisations whose figures a request covers: the subtree of the one
   * named (NOT_FOUND for an unknown code: the directory is public, so this
   * hides nothing), else the caller's own subtree, or all for a coordinator.
   */
  async scopeOf(p: Principal, organization: string | null | undefined): Promise<{ scope: StatisticsScope; rootId: string | null }> {
    if (organization != null) {
      const code = lookupKey('organization', organization).toUpperCase();
      const rows: { id: string; root: boolean }[] = await this.db.query(
        `WITH RECURSIVE sub(id, root) AS (SELECT id, true FROM organizations WHERE code = $1
           UNION SELECT o.id, false FROM organizations o JOIN sub ON o.parent_id = sub.id)
         SELECT id, root FROM sub`,
        [code],
      );
      if (!rows.length) throw notFound('Organization', organization);
      return { scope: { orgIds: rows.map((r) => r.id) }, rootId: rows.find((r) => r.root)!.id };
    }
    return { scope: p.isCoordinator ? 'all' : { orgIds: [p.orgId, ...p.descendants] }, rootId: null };
  }

  private async directory(scope: StatisticsScope): Promise<Map<string, OrgInfo>> {
    const rows: { id: string; code: string; name: string; kind: OrgKind; sector: string | null; region: string | null; parent_id: string | null }[] =
      await this.db.query(
        'SELECT id, code, name, kind, sector, region, parent_id FROM organizations WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[])',
        [scope === 'all' ? null : scope.orgIds],
      );
    return new Map(rows.map((r) => [r.id, { id: r.id, code: r.code, name: r.name, kind: r.kind, sector: r.sector, region: r.region, parentId: r.parent_id }]));
  }
}

function groupKey(groupBy: StatisticsGrouping, org: OrgInfo | undefined): string {
  switch (groupBy) {
    case StatisticsGrouping.ORGANIZATION:
      return org?.code ?? NONE;
    case StatisticsGrouping.KIND:
      return org?.kind ?? NONE;
    case StatisticsGrouping.SECTOR:
      return org?.sector?.toLowerCase() ?? NONE;
    case StatisticsGrouping.REGION:
      return org?.region?.toLowerCase() ?? NONE;
    default:
      return 'ALL';
  }
}
