import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { visibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { InputProblem, notFound } from '../common/errors';
import { checkId } from '../common/ids';
import type { Metrics } from '../common/metrics';
import type { Page } from '../common/pagination';
import { intRange, notInFuture, optionalText } from '../common/validate';
import { pgList, pgLiteral, pgPlain, pgQuoted } from '../db/arrays';
import { visibleById, visibleByIds } from '../db/filters';
import { addedKeysetPage, keysetPage, type AddedPage, type AddedQuery } from '../db/paging';
import { inTransaction } from '../db/retry';
import { OrganizationService } from '../organizations/organization.service';
import { checkBulkSize, checkItems, sharedItem, type SharedItemRow } from './bulk';
import type { ItemError, SightingInput } from './intel.inputs';
import { ensureObservables } from './observable.writes';
import { SightingEntity } from './sighting.entity';

export interface ReportResult {
  results: { index: number; sighting: SightingEntity | null; error: ItemError | null }[];
  accepted: number;
  rejected: number;
}

/** A checked sighting, as the bulk statement writes it. */
interface SightingRow extends SharedItemRow {
  count: number;
  first_seen: string;
  last_seen: string;
  location: string | null;
  note: string | null;
}

/** The bulk statement's $1–$11: the rows as array columns (src/db/arrays.ts), in input order. */
function sightingColumns(rows: readonly SightingRow[]): string[] {
  const n = rows.length;
  const cols = Array.from({ length: 11 }, () => new Array<string | number>(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    cols[0][i] = r.index;
    cols[1][i] = pgPlain(r.type);
    cols[2][i] = pgQuoted(r.value);
    cols[3][i] = pgPlain(r.tlp);
    cols[4][i] = pgList(r.recipient_org_ids, true);
    cols[5][i] = pgList(r.recipient_group_ids, true);
    cols[6][i] = r.count;
    cols[7][i] = pgPlain(r.first_seen);
    cols[8][i] = pgPlain(r.last_seen);
    cols[9][i] = pgQuoted(r.location);
    cols[10][i] = pgQuoted(r.note);
  }
  return cols.map(pgLiteral);
}

/** Sightings: each report is an event (never merged), posted in bulk and read under the sharing policy. */
export class SightingService {
  constructor(
    private readonly db: DataSource,
    private readonly orgs: OrganizationService,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
    private readonly metrics: Metrics,
  ) {}

  /** `manager`: run inside the caller's transaction (as a savepoint), for imports that span several services. */
  async report(p: Principal, input: SightingInput[], manager?: EntityManager): Promise<ReportResult> {
    await this.authz.authorize(p, 'sighting.report');
    checkBulkSize(input);
    const result = await inTransaction(this.db, manager, async (m) => {
      const defaultTlp = await this.orgs.defaultTlp(p, m);
      const found = await this.orgs.lookupRecipients(m, input.flatMap((i) => i.recipients ?? []));
      const now = new Date();
      const { rows, errors } = checkItems(input, (item, index, f): SightingRow => {
        const shared = sharedItem(item, index, f, defaultTlp, found);
        notInFuture(f('firstSeen'), item.firstSeen, now.getTime());
        notInFuture(f('lastSeen'), item.lastSeen, now.getTime());
        const lastSeen = item.lastSeen ?? item.firstSeen ?? now;
        const firstSeen = item.firstSeen ?? lastSeen;
        if (firstSeen > lastSeen) throw new InputProblem(f('lastSeen'), 'must not be before firstSeen');
        return {
          ...shared,
          count: item.count == null ? 1 : intRange(f('count'), item.count, 1, 1_000_000_000),
          first_seen: firstSeen.toISOString(),
          last_seen: lastSeen.toISOString(),
          location: optionalText(f('location'), item.location, 200),
          note: optionalText(f('note'), item.note, 2000, { multiline: true }),
        };
      });
      const byIndex = new Map<number, SightingEntity>();
      if (rows.length) {
        await ensureObservables(m, rows);
        const written: { id: string }[] = await m.query(
          `INSERT INTO sightings (observable_id, author_id, tlp, recipient_org_ids, recipient_group_ids, count, first_seen, last_seen, location, note, created_by)
           SELECT o.id, $12, x.tlp, coalesce(x.recipient_org_ids::uuid[], '{}'), coalesce(x.recipient_group_ids::uuid[], '{}'), x.count, x.first_seen,
                  x.last_seen, x.location, x.note, $13
             FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], $9::timestamptz[],
                         $10::text[], $11::text[])
                  AS x(index, type, value, tlp, recipient_org_ids, recipient_group_ids, count, first_seen, last_seen, location, note)
             JOIN observables o ON o.type = x.type AND o.value = x.value
            ORDER BY x.index
           RETURNING id`,
          [...sightingColumns(rows), p.orgId, actorName(p)],
        );
        const entities = await m
          .getRepository(SightingEntity)
          .createQueryBuilder('s')
          .innerJoinAndSelect('s.observable', 'o')
          .where('s.id = ANY(:ids)', { ids: written.map((w) => w.id) })
          .orderBy('s.seq', 'ASC')
          .getMany();
        // Rows are inserted in input order, so ascending seq lines up with the accepted items.
        entities.forEach((e, n) => byIndex.set(rows[n].index, e));
        await this.audit.record(p, { action: 'sighting.report', targetType: 'Sighting', detail: { items: input.length, accepted: rows.length } }, m);
      }
      return {
        results: input.map((_, index) => ({ index, sighting: byIndex.get(index) ?? null, error: errors.get(index) ?? null })),
        accepted: rows.length,
        rejected: errors.size,
      };
    }, { retry: true });
    // Counted once committed; a sighting is always a new event.
    if (result.accepted) this.metrics.ingestItems.inc({ kind: 'sighting', outcome: 'created' }, result.accepted);
    if (result.rejected) this.metrics.ingestItems.inc({ kind: 'sighting', outcome: 'rejected' }, result.rejected);
    return result;
  }

  /** Sightings by id among those the caller may read (federation references), in one query. */
  async byIds(p: Principal, ids: readonly string[]): Promise<Map<string, SightingEntity>> {
    return visibleByIds(this.db.manager, SightingEntity, visibleTo(p, 't'), ids, { join: ['observable', 'o'] });
  }

  async list(p: Principal, filter: { observableId?: string }, args: { first?: number | null; after?: string | null }): Promise<Page<SightingEntity>> {
    const pol = visibleTo(p, 's');
    const qb = this.db.getRepository(SightingEntity).createQueryBuilder('s').innerJoinAndSelect('s.observable', 'o').where(pol.sql, pol.params);
    if (filter.observableId) qb.andWhere('s.observable_id = :oid', { oid: filter.observableId });
    return keysetPage(qb, 's', args);
  }

  /** Sightings the caller may read in the order they were reported (a sighting never changes): TAXII's `date_added` keyset. */
  async addedPage(p: Principal, q: AddedQuery): Promise<AddedPage<SightingEntity>> {
    const pol = visibleTo(p, 't');
    const qb = this.db.getRepository(SightingEntity).createQueryBuilder('t').innerJoinAndSelect('t.observable', 'o').where(pol.sql, pol.params);
    return addedKeysetPage(qb, 't', 'created_at', q);
  }

  /**
   * Removes one of the caller's organisation's sightings (a CONTRIBUTOR of the
   * author): NOT_FOUND when the caller may not read it, FORBIDDEN when it may
   * read but not delete it.
   */
  async delete(p: Principal, id: string): Promise<void> {
    await this.authz.authorize(p, 'sighting.delete');
    const sid = checkId(id);
    await this.db.transaction(async (m) => {
      const s = await visibleById(m, SightingEntity, visibleTo(p, 't'), sid, { lock: true });
      if (!s) throw notFound('Sighting', id);
      await this.authz.authorize(p, 'sighting.delete', { target: { type: 'Sighting', id: sid }, authorId: s.authorId });
      await m.delete(SightingEntity, { id: sid });
      await this.audit.record(p, { action: 'sighting.delete', targetType: 'Sighting', targetId: sid }, m);
    });
  }
}
