import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { rankingVisibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { Severity, Tlp, WarningKind } from '../common/enums';
import { checkId } from '../common/ids';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize, type Page } from '../common/pagination';
import { optionalText, text } from '../common/validate';
import { visibleById } from '../db/filters';
import { keysetPage } from '../db/paging';
import { audienceOrgIds, checkAudience, organizationsReached } from '../organizations/audience';
import type { WarningService } from '../warnings/warning.service';
import { RankingSnapshotEntity, type RankingEntryRecord } from './ranking.entity';
import { scoreOf } from './ranking.score';
import type { RankingFilter, RankingPublicationInput } from './registry.inputs';
import { addCounters, emptyCounters, figuresOf, type Counters } from './statistics.figures';
import type { StatisticsGroupResult, StatisticsService } from './statistics.service';

/** A live ranking line: the record a snapshot stores, the subtree's figures, and its place for paging. */
export interface RankingEntry extends RankingEntryRecord {
  seq: string;
  figures: StatisticsGroupResult;
}

/**
 * Ranks organisations by the score of ranking.score.ts, each over its own
 * subtree (a ministry with its departments), computed from the same counters
 * as `statistics` and only over what the caller may read: a coordinator ranks
 * everyone, another organisation itself and those below it. Coordinators
 * publish snapshots to chosen audiences.
 */
export class RankingService {
  constructor(
    private readonly db: DataSource,
    private readonly stats: StatisticsService,
    private readonly audit: AuditService,
    private readonly warnings: WarningService,
    private readonly authz: Authorizer,
  ) {}

  /** The ranking as the caller sees it, best first; `after` is a position returned earlier. */
  async ranking(p: Principal, filter: RankingFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<RankingEntry>> {
    await this.authz.authorize(p, 'read');
    const limit = pageSize(args.first);
    const after = Number(decodeCursor('ranking', args.after) ?? 0);
    const all = await this.compute(p, filter ?? {});
    const rest = all.filter((e) => Number(e.seq) > after);
    return {
      items: rest.slice(0, limit),
      hasNextPage: rest.length > limit,
      count: async () => all.length,
      cursorOf: (e) => encodeCursor('ranking', e.seq),
    };
  }

  /** Every ranked line, best first: organisations of the scope with at least one system in operation in their subtree. */
  async compute(p: Principal, filter: RankingFilter): Promise<RankingEntry[]> {
    const sc = await this.stats.countersFor(p, filter.organization);
    // Subtree sums: each organisation's counters added to itself and every ancestor within the scope.
    const rolled = new Map<string, Counters>();
    for (const [orgId, c] of sc.counters) {
      const seen = new Set<string>();
      for (let id: string | null = orgId; id && sc.orgs.has(id) && !seen.has(id); id = sc.orgs.get(id)!.parentId) {
        seen.add(id);
        rolled.set(id, addCounters(rolled.get(id) ?? emptyCounters(), c));
      }
    }
    const kinds = filter.kinds?.length ? new Set(filter.kinds) : null;
    const lines = [...rolled.entries()]
      .filter(([id, c]) => c.systems > 0 && (!kinds || kinds.has(sc.orgs.get(id)!.kind)))
      .map(([id, c]) => ({ org: sc.orgs.get(id)!, c, s: scoreOf(c) }))
      .sort((a, b) => b.s.score - a.s.score || a.org.code.localeCompare(b.org.code));
    let rank = 0;
    return lines.map((l, i) => {
      // Competition ranking: equal scores share a rank, the next one skips.
      if (i === 0 || l.s.score !== lines[i - 1].s.score) rank = i + 1;
      return {
        seq: String(i + 1),
        rank,
        organizationId: l.org.id,
        code: l.org.code,
        name: l.org.name,
        ...l.s,
        systems: l.c.systems,
        approved: l.c.approved,
        unmetRequirements: l.c.unmet,
        openIncidents: l.c.openIncidents,
        openExposures: l.c.openExposures,
        figures: { key: l.org.code, organizationId: l.org.id, ...figuresOf(l.c, sc.requirements) },
      };
    });
  }

  /** Freezes the ranking a coordinator sees and publishes it to an audience, with a warning. */
  async publish(p: Principal, input: RankingPublicationInput): Promise<RankingSnapshotEntity> {
    await this.authz.authorize(p, 'ranking.publish');
    await this.authz.authorize(p, 'ranking.publish', { target: { type: 'RankingSnapshot', id: 'new' } });
    const title = text('input.title', input.title, { max: 300 });
    const summary = optionalText('input.summary', input.summary, 10_000, { multiline: true });
    const audience = checkAudience(input.audience);
    const entries = (await this.compute(p, { kinds: input.kinds })).map(({ seq: _seq, figures: _figures, ...record }) => record);
    return this.db.transaction(async (m) => {
      const named = await audienceOrgIds(m, audience.orgCodes);
      const reached = audience.everyone ? [] : await organizationsReached(m, { orgIds: named, sectors: audience.sectors, regions: audience.regions });
      const inserted = await m.insert(RankingSnapshotEntity, {
        authorId: p.orgId,
        title,
        summary,
        audienceEveryone: audience.everyone,
        audienceSectors: audience.sectors,
        audienceRegions: audience.regions,
        audienceNamedOrgIds: named,
        audienceOrgIds: reached,
        entries,
        createdBy: actorName(p),
      });
      const snap = await m.findOneByOrFail(RankingSnapshotEntity, { id: String(inserted.identifiers[0].id) });
      await this.audit.record(p, { action: 'ranking.publish', targetType: 'RankingSnapshot', targetId: snap.id, detail: { entries: entries.length, everyone: audience.everyone } }, m);
      // GREEN narrowed to the audience: the warning policy's ordinary audience rule, as for advisories.
      await this.warnings.raise(m, [
        {
          kind: WarningKind.RANKING_PUBLISHED,
          severity: Severity.INFO,
          title: `Ranking published: ${title}`.slice(0, 300),
          summary: summary?.slice(0, 2000) ?? null,
          subjectType: 'RankingSnapshot',
          subjectId: snap.id,
          authorId: p.orgId,
          tlp: Tlp.GREEN,
          recipientOrgIds: [],
          recipientGroupIds: [],
          audienceOrgIds: audience.everyone ? null : reached,
        },
      ]);
      return snap;
    });
  }

  snapshots(p: Principal, args: { first?: number | null; after?: string | null }): Promise<Page<RankingSnapshotEntity>> {
    const pol = rankingVisibleTo(p, 't');
    return keysetPage(this.db.getRepository(RankingSnapshotEntity).createQueryBuilder('t').where(pol.sql, pol.params), 't', args);
  }

  snapshot(p: Principal, id: string): Promise<RankingSnapshotEntity | null> {
    return visibleById(this.db.manager, RankingSnapshotEntity, rankingVisibleTo(p, 't'), checkId(id));
  }
}
