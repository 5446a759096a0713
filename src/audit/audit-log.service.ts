import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { Authorizer } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { badInput } from '../common/errors';
import type { Page } from '../common/pagination';
import { lookupKey } from '../common/validate';
import { keysetPage } from '../db/paging';
import { AuditEventEntity } from './audit-event.entity';
import type { AuditFilter } from './audit.inputs';

const PRUNE_BATCH = 10_000;
const EXPORT_BATCH = 1000;

/**
 * Reading the audit log (AuditService writes it): the `auditEvents` query,
 * the CLI export and the retention job. An organisation's ADMIN reads the
 * events of its own organisation and of the organisations below it; a
 * coordinator ADMIN reads everything, including events with no organisation
 * (bootstrap).
 */
export class AuditLogService {
  constructor(
    private readonly db: DataSource,
    private readonly authz: Authorizer,
  ) {}

  /** Newest first, scoped to what the caller may read, filtered, keyset-paged. */
  async list(p: Principal, filter: AuditFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<AuditEventEntity>> {
    await this.authz.authorize(p, 'audit.read');
    const qb = this.query(filter ?? {});
    if (!p.isCoordinator) qb.andWhere('a.organization_id = ANY(CAST(:scope AS uuid[]))', { scope: [p.orgId, ...p.descendants] });
    return keysetPage(qb, 'a', args);
  }

  /**
   * Every event matching `filter`, oldest first, handed to `write` in
   * batches; for the CLI's export, which runs as the operator with the
   * database's own rights. Not reachable from the API. Returns the count.
   */
  async exportAll(filter: AuditFilter, write: (rows: AuditEventEntity[]) => Promise<void> | void): Promise<number> {
    let after = '0';
    let total = 0;
    for (;;) {
      const rows = await this.query(filter).andWhere('a.seq > :afterSeq', { afterSeq: after }).orderBy('a.seq', 'ASC').limit(EXPORT_BATCH).getMany();
      if (!rows.length) return total;
      await write(rows);
      total += rows.length;
      after = rows[rows.length - 1].seq;
    }
  }

  /** Deletes events older than `retentionS` seconds, in batches so that no statement holds locks for long; returns how many. */
  async prune(retentionS: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted]: [unknown, number] = await this.db.query(
        `DELETE FROM audit_events WHERE id IN (
           SELECT id FROM audit_events WHERE at < now() - make_interval(secs => $1) LIMIT ${PRUNE_BATCH})`,
        [retentionS],
      );
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }

  private query(f: AuditFilter): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.db.getRepository(AuditEventEntity).createQueryBuilder('a').where('TRUE');
    if (f.organization != null) qb.andWhere('a.organization_code = :aorg', { aorg: lookupKey('filter.organization', f.organization).toUpperCase() });
    if (f.action != null) {
      const action = lookupKey('filter.action', f.action);
      if (action.endsWith('*')) qb.andWhere(`a.action LIKE :aaction ESCAPE '\\'`, { aaction: action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`) + '%' });
      else qb.andWhere('a.action = :aaction', { aaction: action });
    }
    if (f.actor != null) {
      const actor = lookupKey('filter.actor', f.actor);
      const slash = actor.indexOf('/');
      if (slash > 0) qb.andWhere('a.organization_code = :aactorg AND a.subject = :aactsub', { aactorg: actor.slice(0, slash).toUpperCase(), aactsub: actor.slice(slash + 1) });
      else qb.andWhere('a.subject = :aactsub', { aactsub: actor });
    }
    if (f.outcome != null) qb.andWhere('a.outcome = :aoutcome', { aoutcome: f.outcome });
    if (f.since != null) qb.andWhere('a.at >= :asince', { asince: validDate('filter.since', f.since) });
    if (f.until != null) qb.andWhere('a.at < :auntil', { auntil: validDate('filter.until', f.until) });
    return qb;
  }
}

function validDate(field: string, d: Date): Date {
  if (Number.isNaN(d.getTime())) throw badInput(field, 'must be a valid date-time');
  return d;
}
