import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { actorName, type Principal } from '../auth/principal';
import { AssetRangeStatus } from '../common/enums';
import { badInput, conflict, ErrorCode, InputProblem, notFound } from '../common/errors';
import { LIMITS } from '../common/limits';
import type { Page } from '../common/pagination';
import { lookupKey, optionalText } from '../common/validate';
import { keysetPage } from '../db/paging';
import { OrganizationEntity } from '../organizations/organization.entity';
import { checkWidth, lockAddressSpace, MAX_RANGES, overlapProblems, toCidr, type Candidate } from './asset-range.checks';
import { AssetRangeEntity } from './asset-range.entity';
import type { AssetRangeImportItem, AssetRangeReviewInput } from './asset-range.inputs';
import type { ItemError } from './intel.inputs';

/**
 * Names item `index` of a bulk load, or one of its parts, in messages:
 * `ranges[3]` and `ranges[3].cidr` over the API, `line 7` and `line 7 (cidr)` from a file.
 */
export type ItemName = (index: number, part?: 'organization' | 'cidr') => string;

const apiName: ItemName = (i, part) => (part ? `ranges[${i}].${part}` : `ranges[${i}]`);

/**
 * Verified address space: reviewers approve or reject declared ranges, and
 * coordinators load approved ones in bulk. Every decision is audited, and
 * every write here runs under the address-space lock, so two overlapping
 * approvals cannot both pass the overlap check.
 */
export class AssetRangeReviewService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
  ) {}

  /**
   * The PENDING ranges the caller may decide, newest first: every one for a
   * coordinator's ADMIN; for another ADMIN, those of the organisations below
   * it that lie inside its own approved ranges (the scope of
   * 'assetRange.review' in authorize.ts, as SQL).
   */
  async pending(p: Principal, args: { first?: number | null; after?: string | null }): Promise<Page<AssetRangeEntity>> {
    await this.authz.authorize(p, 'assetRange.review');
    const qb = this.db.getRepository(AssetRangeEntity).createQueryBuilder('a').where('a.status = :pending', { pending: AssetRangeStatus.PENDING });
    if (!p.isCoordinator) {
      qb.andWhere('a.organization_id = ANY(CAST(:below AS uuid[]))', { below: p.descendants }).andWhere(
        `EXISTS (SELECT 1 FROM asset_ranges r WHERE r.organization_id = :reviewer AND r.status = 'APPROVED' AND a.cidr <<= r.cidr)`,
        { reviewer: p.orgId },
      );
    }
    return keysetPage(qb, 'a', args);
  }

  /**
   * Approves or rejects some of one organisation's declared ranges, all or
   * nothing. Approval refuses a range wider than /8 or /32 and one that
   * overlaps another organisation's approved range outside a delegation;
   * rejection needs a reason. Either may overturn an earlier decision.
   */
  async review(p: Principal, input: AssetRangeReviewInput): Promise<AssetRangeEntity[]> {
    await this.authz.authorize(p, 'assetRange.review');
    const code = lookupKey('organization', input.organization).toUpperCase();
    if (!input.cidrs.length) throw badInput('cidrs', 'must contain at least one range');
    if (input.cidrs.length > MAX_RANGES) throw badInput('cidrs', `must have at most ${MAX_RANGES} items`);
    const cidrs = input.cidrs.map((c, i) => toCidr(c, `cidrs[${i}]`));
    const reason = optionalText('reason', input.reason, 1000, { multiline: true });
    if (!input.approve && !reason) throw badInput('reason', 'is required to reject a range (the owner reads it)');
    const status = input.approve ? AssetRangeStatus.APPROVED : AssetRangeStatus.REJECTED;

    return this.db.transaction(async (m) => {
      const org = await m.findOneBy(OrganizationEntity, { code });
      if (!org) throw notFound('Organization', code);
      await lockAddressSpace(m);
      // Authorised before anything about the ranges is revealed: a stranger learns nothing of what others declared.
      const inside: { ok: boolean }[] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM asset_ranges a WHERE a.organization_id = $2 AND a.status = 'APPROVED' AND u.c <<= a.cidr) AS ok
           FROM unnest($1::cidr[]) WITH ORDINALITY AS u(c, n) ORDER BY n`,
        [cidrs, p.orgId],
      );
      for (const [i, cidr] of cidrs.entries()) {
        const target = { type: 'AssetRange', id: `${org.code} ${cidr}` };
        await this.authz.authorize(p, 'assetRange.review', { target, organizationId: org.id, organizationCode: org.code, insideReviewerSpace: inside[i].ok });
      }
      const rows: { n: number; id: string | null; status: AssetRangeStatus | null }[] = await m.query(
        `SELECT u.n::int AS n, a.id, a.status FROM unnest($2::cidr[]) WITH ORDINALITY AS u(c, n)
           LEFT JOIN asset_ranges a ON a.organization_id = $1 AND a.cidr = u.c ORDER BY u.n`,
        [org.id, cidrs],
      );
      const missing = rows.findIndex((r) => r.id === null);
      if (missing >= 0) throw notFound('AssetRange', `${org.code} ${cidrs[missing]}`);
      if (input.approve) {
        cidrs.forEach((c, i) => checkWidth(c, `cidrs[${i}]`));
        const problems = await overlapProblems(m, cidrs.map((cidr, index) => ({ index, orgId: org.id, cidr })), (i) => `cidrs[${i}]`);
        const [first] = problems;
        if (first) throw conflict(`cidrs[${first[0]}]: ${cidrs[first[0]]} ${first[1]}`);
      }
      const ids = [...new Set(rows.map((r) => r.id!))];
      await m
        .createQueryBuilder()
        .update(AssetRangeEntity)
        .set({ status, reviewedBy: actorName(p), reviewedAt: () => 'now()', reason })
        .where('id = ANY(:ids)', { ids })
        .execute();
      const ranges = cidrs.map((cidr, i) => ({ cidr, from: rows[i].status }));
      await this.audit.record(p, { action: 'assetRange.review', targetType: 'Organization', targetId: org.code, detail: { decision: status, reason, ranges } }, m);
      return this.byIds(m, ids);
    });
  }

  /** Loads approved ranges in bulk for a coordinator's ADMIN: every item is checked, and nothing is stored unless all pass. */
  async importApproved(p: Principal, items: AssetRangeImportItem[], reason?: string | null): Promise<AssetRangeEntity[]> {
    await this.authz.authorize(p, 'assetRange.import', { target: { type: 'AssetRange', id: 'import' } });
    return this.load(p, actorName(p), items, reason, apiName);
  }

  /**
   * The same load, outside any principal: for the CLI only (`ranges import`),
   * which runs with the database's own credentials, like `init`. Not
   * reachable from the API.
   */
  importAsOperator(operator: string, items: AssetRangeImportItem[], reason: string | null, name: ItemName): Promise<AssetRangeEntity[]> {
    return this.load(null, `cli/${operator}`, items, reason, name);
  }

  private async load(p: Principal | null, actor: string, items: AssetRangeImportItem[], reason: string | null | undefined, name: ItemName): Promise<AssetRangeEntity[]> {
    if (!items.length) throw badInput('ranges', 'must contain at least one range');
    if (items.length > LIMITS.bulkItems) throw badInput('ranges', `must contain at most ${LIMITS.bulkItems} ranges`);
    const why = optionalText('reason', reason, 1000, { multiline: true });
    return this.db.transaction(async (m) => {
      await lockAddressSpace(m);
      const { candidates, codes, errors } = await this.checkLines(m, items, name);
      const problems = await overlapProblems(m, candidates, name);
      for (const [i, problem] of problems) errors.set(i, { code: ErrorCode.CONFLICT, field: name(i, 'cidr'), message: `${name(i, 'cidr')}: ${problem}` });
      if (errors.size) {
        const list = [...errors.entries()].sort(([a], [b]) => a - b).map(([index, e]) => ({ index, ...e }));
        const e = badInput('ranges', `${errors.size} of ${items.length} ranges rejected, nothing was imported; first: ${list[0].message}`);
        Object.assign(e.details, { items: list });
        throw e;
      }
      const unique = new Map(candidates.map((c) => [`${c.orgId} ${c.cidr}`, c]));
      const written: { id: string }[] = await m.query(
        `INSERT INTO asset_ranges (organization_id, cidr, status, created_by, reviewed_by, reviewed_at, reason)
         SELECT u.org, u.c, 'APPROVED', $3, $3, now(), $4 FROM unnest($1::uuid[], $2::cidr[]) AS u(org, c)
         ON CONFLICT (organization_id, cidr) DO UPDATE
           SET status = 'APPROVED', reviewed_by = EXCLUDED.reviewed_by, reviewed_at = now(), reason = EXCLUDED.reason
         RETURNING id`,
        [[...unique.values()].map((c) => c.orgId), [...unique.values()].map((c) => c.cidr), actor, why],
      );
      const ranges = candidates.map((c) => ({ organization: codes.get(c.index), cidr: c.cidr }));
      await this.audit.record(p, { action: 'assetRange.import', targetType: 'AssetRange', detail: { reason: why, approved: written.length, ranges } }, m);
      return this.byIds(m, written.map((w) => w.id));
    });
  }

  /** Each line's owner and block, or why it is refused (not a code, not a block, too wide, unknown organisation). */
  private async checkLines(m: EntityManager, items: AssetRangeImportItem[], name: ItemName) {
    const errors = new Map<number, ItemError>();
    const refuse = (index: number, err: unknown) => {
      if (!(err instanceof InputProblem)) throw err;
      errors.set(index, { code: ErrorCode.BAD_USER_INPUT, field: err.field, message: err.message });
    };
    const parsed: { index: number; code: string; cidr: string }[] = [];
    items.forEach((item, index) => {
      try {
        const code = lookupKey(name(index, 'organization'), item.organization).toUpperCase();
        parsed.push({ index, code, cidr: checkWidth(toCidr(item.cidr, name(index, 'cidr')), name(index, 'cidr')) });
      } catch (err) {
        refuse(index, err);
      }
    });
    const orgs: { id: string; code: string }[] = await m.query('SELECT id, code FROM organizations WHERE code = ANY($1::text[])', [
      [...new Set(parsed.map((x) => x.code))],
    ]);
    const byCode = new Map(orgs.map((o) => [o.code, o.id]));
    const candidates: Candidate[] = [];
    const codes = new Map<number, string>();
    for (const { index, code, cidr } of parsed) {
      const orgId = byCode.get(code);
      if (!orgId) {
        refuse(index, new InputProblem(name(index, 'organization'), `unknown organisation "${code}"`));
        continue;
      }
      candidates.push({ index, orgId, cidr });
      codes.set(index, code);
    }
    return { candidates, codes, errors };
  }

  private byIds(m: EntityManager, ids: string[]): Promise<AssetRangeEntity[]> {
    return m
      .getRepository(AssetRangeEntity)
      .createQueryBuilder('a')
      .innerJoin('a.organization', 'o')
      .where('a.id = ANY(:ids)', { ids })
      .orderBy('o.code')
      .addOrderBy('a.cidr')
      .getMany();
  }
}
