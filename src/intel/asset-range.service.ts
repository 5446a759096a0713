import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { policyShape, visibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { badInput } from '../common/errors';
import { decodeCursor } from '../common/cursor';
import { pageSize, type Page } from '../common/pagination';
import { prefixedColumns } from '../db/hydrate';
import { keysetPage, pageOfRows } from '../db/paging';
import { compileNamed, preparedRead } from '../db/prepared';
import { checkWidth, lockAddressSpace, MAX_RANGES, toCidr } from './asset-range.checks';
import { AssetRangeEntity } from './asset-range.entity';
import { IndicatorEntity } from './indicator.entity';
import { ObservableEntity } from './observable.entity';

/** An organisation's declared address space, and the indicators that fall inside its approved part. */
export class AssetRangeService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
  ) {}

  /** The caller's organisation's ranges, whatever their status. */
  async list(p: Principal): Promise<AssetRangeEntity[]> {
    return this.db.getRepository(AssetRangeEntity).find({ where: { organizationId: p.orgId }, order: { cidr: 'ASC' } });
  }

  /**
   * Replaces the caller's organisation's declared ranges with `ranges`, all or
   * nothing. A range declared again exactly as before keeps its review
   * (approved, or rejected: a client re-sending its full list must not
   * re-queue a refused claim); any other range is new and PENDING, and a
   * range left out is gone with its approval.
   */
  async replace(p: Principal, ranges: string[]): Promise<AssetRangeEntity[]> {
    await this.authz.authorize(p, 'assetRange.set');
    if (ranges.length > MAX_RANGES) throw badInput('ranges', `must have at most ${MAX_RANGES} items`);
    const cidrs = [...new Set(ranges.map((r, i) => checkWidth(toCidr(r, `ranges[${i}]`), `ranges[${i}]`)))];
    await this.db.transaction(async (m) => {
      await lockAddressSpace(m);
      // Compared as cidr values, not text: PostgreSQL's spelling of an IPv6 block need not be ours.
      const removed: { cidr: string; status: string }[] = await m.query(
        `WITH d AS (DELETE FROM asset_ranges WHERE organization_id = $1 AND NOT (cidr = ANY($2::cidr[])) RETURNING cidr, status)
         SELECT cidr::text AS cidr, status FROM d ORDER BY cidr`,
        [p.orgId, cidrs],
      );
      const added: { cidr: string }[] = await m.query(
        `INSERT INTO asset_ranges (organization_id, cidr, created_by) SELECT $1, c, $3 FROM unnest($2::cidr[]) AS c
         ON CONFLICT (organization_id, cidr) DO NOTHING RETURNING cidr::text AS cidr`,
        [p.orgId, cidrs, actorName(p)],
      );
      const detail = { ranges: cidrs, added: added.map((a) => a.cidr), removed };
      await this.audit.record(p, { action: 'assetRange.set', targetType: 'Organization', targetId: p.orgCode, detail }, m);
    });
    return this.list(p);
  }

  /**
   * Visible, unrevoked IP and CIDR indicators that overlap the caller's
   * APPROVED asset ranges, or `ranges` when given: a coordinator may pass any
   * range, others only ranges inside their approved ones.
   */
  async exposure(p: Principal, ranges: string[] | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<IndicatorEntity>> {
    const pol = visibleTo(p, 't');
    // No join of observables here: the page's observables come through the per-request loader, 50 at a time,
    // instead of being joined to every candidate row before the sort.
    const qb = this.db.getRepository(IndicatorEntity).createQueryBuilder('t').where(pol.sql, pol.params).andWhere('t.revoked = false');
    if (ranges) {
      // Given ranges are searched per request: one SP-GiST index scan of observables.net per range, computed once
      // (an InitPlan), then the indicators by observable id.
      qb.andWhere(`t.observable_id = ANY(ARRAY(SELECT x.id FROM unnest(CAST(:ranges AS cidr[])) r JOIN observables x ON x.net && r WHERE x.net IS NOT NULL))`, {
        ranges: await this.checkedRanges(p, ranges),
      });
      return keysetPage(qb, 't', args);
    }
    // The organisation's exposed indicators are kept, with their seq, in indicator_exposures (triggers of migration
    // IndicatorExposures): the page walks its (organisation, seq) key backward and probes indicators by id for the
    // policy, so a page costs about a page of probes whatever the number of ranges. The count must visit every
    // exposed indicator; as a join the planner takes a hash join over a scan of all indicators for a few thousand
    // (120 ms at 10,000 ranges), while the ids as an array (an InitPlan) are always probed by key (45 ms).
    const counted = qb.clone().andWhere('t.id = ANY(ARRAY(SELECT e.indicator_id FROM indicator_exposures e WHERE e.organization_id = :exOrg))', { exOrg: p.orgId });
    return this.exposedPage(p, args, () => counted.getCount());
  }

  /**
   * A page of the caller's exposed indicators with their observables, in one prepared statement (the page is asked
   * for many times a minute): the walk of indicator_exposures' key, each row probed in indicators for the policy,
   * the page's observables joined to those rows only. The cursor is the indicator's seq, as in every indicator list.
   */
  private async exposedPage(p: Principal, args: { first?: number | null; after?: string | null }, count: () => Promise<number>): Promise<Page<IndicatorEntity>> {
    const limit = pageSize(args.first);
    const scope = this.db.getMetadata(IndicatorEntity).tableName;
    const after = decodeCursor(scope, args.after);
    const pol = visibleTo(p, 't');
    const params = { ...pol.params, exOrg: p.orgId, limit: limit + 1, after };
    const statement = compileNamed(this.db, `exposure|${policyShape(p)}|${after !== undefined}`, () => ({
      sql: `SELECT ${this.pageRows.indicator.select('t')}, ${this.pageRows.observable.select('o')}
              FROM indicator_exposures x
              JOIN indicators t ON t.id = x.indicator_id
              JOIN observables o ON o.id = t.observable_id
             WHERE x.organization_id = :exOrg AND t.revoked = false AND ${pol.sql}${after !== undefined ? ' AND x.seq < :after' : ''}
             ORDER BY x.seq DESC LIMIT :limit`,
      params,
    }));
    const { rows, columns } = await preparedRead(this.db, statement, params);
    const indicatorOf = this.pageRows.indicator.reader(columns);
    const observableOf = this.pageRows.observable.reader(columns);
    const items = rows.map((r): IndicatorEntity => Object.assign(indicatorOf(r)!, { observable: observableOf(r)! }));
    return pageOfRows(scope, items, limit, count);
  }

  private get pageRows() {
    return { indicator: prefixedColumns(this.db.manager, IndicatorEntity, 't_'), observable: prefixedColumns(this.db.manager, ObservableEntity, 'o_') };
  }

  /** `ranges` as CIDRs; outside a coordinator, each must lie within the caller's approved ranges. */
  private async checkedRanges(p: Principal, ranges: string[]): Promise<string[]> {
    if (ranges.length > MAX_RANGES) throw badInput('ranges', `must have at most ${MAX_RANGES} items`);
    const cidrs = ranges.map((r, i) => toCidr(r, `ranges[${i}]`));
    if (!p.isCoordinator && cidrs.length) {
      const rows: { ok: boolean }[] = await this.db.query(
        `SELECT EXISTS (SELECT 1 FROM asset_ranges a WHERE a.organization_id = $2 AND a.status = 'APPROVED' AND r <<= a.cidr) AS ok
           FROM unnest($1::cidr[]) WITH ORDINALITY AS u(r, n) ORDER BY n`,
        [cidrs, p.orgId],
      );
      const bad = rows.findIndex((r) => !r.ok);
      if (bad >= 0) throw badInput(`ranges[${bad}]`, "must lie within your organisation's approved asset ranges (only a coordinator may query any range)");
    }
    return cidrs;
  }
}
