import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { visibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { ObservableType } from '../common/enums';
import { badInput, InputProblem } from '../common/errors';
import type { Page } from '../common/pagination';
import { keysetPage } from '../db/paging';
import { AssetRangeEntity } from './asset-range.entity';
import { IndicatorEntity } from './indicator.entity';
import { normalizeObservable } from './normalize';

const MAX_RANGES = 1000;

/** A CIDR block, or a single address taken as /32 or /128. */
export function toCidr(raw: string, field: string): string {
  const v = raw.trim();
  if (v.includes('/')) return normalizeObservable(ObservableType.CIDR, v, field).value;
  if (v.includes(':')) return `${normalizeObservable(ObservableType.IPV6, v, field).value}/128`;
  try {
    return `${normalizeObservable(ObservableType.IPV4, v, field).value}/32`;
  } catch {
    throw new InputProblem(field, 'must be a CIDR block such as 198.51.100.0/24 or a single IP address');
  }
}

/** An organisation's declared address space, and the indicators that fall inside it. */
export class AssetRangeService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
  ) {}

  async list(p: Principal): Promise<AssetRangeEntity[]> {
    return this.db.getRepository(AssetRangeEntity).find({ where: { organizationId: p.orgId }, order: { cidr: 'ASC' } });
  }

  /** Replaces the caller's organisation's ranges with `ranges`, all or nothing. */
  async replace(p: Principal, ranges: string[]): Promise<AssetRangeEntity[]> {
    await this.authz.authorize(p, 'assetRange.set');
    if (ranges.length > MAX_RANGES) throw badInput('ranges', `must have at most ${MAX_RANGES} items`);
    const cidrs = [...new Set(ranges.map((r, i) => toCidr(r, `ranges[${i}]`)))];
    await this.db.transaction(async (m) => {
      await m.delete(AssetRangeEntity, { organizationId: p.orgId });
      if (cidrs.length) {
        await m.insert(AssetRangeEntity, cidrs.map((cidr) => ({ organizationId: p.orgId, cidr, createdBy: actorName(p) })));
      }
      await this.audit.record(p, { action: 'assetRange.set', targetType: 'AssetRange', detail: { ranges: cidrs } }, m);
    });
    return this.list(p);
  }

  /**
   * Visible, unrevoked IP and CIDR indicators that overlap the caller's asset
   * ranges, or `ranges` when given: a coordinator may pass any range, others
   * only ranges inside their own.
   */
  async exposure(p: Principal, ranges: string[] | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<IndicatorEntity>> {
    const pol = visibleTo(p, 't');
    const qb = this.db
      .getRepository(IndicatorEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.observable', 'o')
      .where(pol.sql, pol.params)
      .andWhere('o.net IS NOT NULL AND t.revoked = false');
    if (ranges) {
      if (ranges.length > MAX_RANGES) throw badInput('ranges', `must have at most ${MAX_RANGES} items`);
      const cidrs = ranges.map((r, i) => toCidr(r, `ranges[${i}]`));
      if (!p.isCoordinator && cidrs.length) {
        const rows: { ok: boolean }[] = await this.db.query(
          `SELECT EXISTS (SELECT 1 FROM asset_ranges a WHERE a.organization_id = $2 AND r <<= a.cidr) AS ok
             FROM unnest($1::cidr[]) WITH ORDINALITY AS u(r, n) ORDER BY n`,
          [cidrs, p.orgId],
        );
        const bad = rows.findIndex((r) => !r.ok);
        if (bad >= 0) throw badInput(`ranges[${bad}]`, "must lie within your organisation's asset ranges (only a coordinator may query any range)");
      }
      qb.andWhere('EXISTS (SELECT 1 FROM unnest(CAST(:ranges AS cidr[])) r WHERE o.net && r)', { ranges: cidrs });
    } else {
      qb.andWhere('EXISTS (SELECT 1 FROM asset_ranges a WHERE a.organization_id = :exOrg AND o.net && a.cidr)', { exOrg: p.orgId });
    }
    return keysetPage(qb, 't', args);
  }
}
