import type { DataSource } from 'typeorm';
import { registryVisibleTo } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { DossierStatus } from '../common/enums';
import { groupBy } from '../common/group';
import { checkId } from '../common/ids';
import type { Page } from '../common/pagination';
import { lookupKeys } from '../common/validate';
import { visibleById, visibleByIds } from '../db/filters';
import { keysetPage } from '../db/paging';
import { DossierAttachmentEntity, DossierEventEntity, SafetyDossierEntity } from './dossier.entity';
import type { DossierFilter } from './registry.inputs';

/** DossierStatus at read time: an APPROVED dossier past its validity is EXPIRED. */
export function dossierStatusOf(d: Pick<SafetyDossierEntity, 'status' | 'validUntil'>, now = Date.now()): DossierStatus {
  if (d.status === DossierStatus.APPROVED && d.validUntil && d.validUntil.getTime() <= now) return DossierStatus.EXPIRED;
  return d.status;
}

/** The same rule in SQL, for filters (alias `t` on safety_dossiers). */
const statusSql = (t: string) => `(CASE WHEN ${t}.status = 'APPROVED' AND ${t}.valid_until <= now() THEN 'EXPIRED' ELSE ${t}.status END)`;

/** Reads of dossiers, their history and attachments, all under the registry policy. */
export class DossierQueryService {
  constructor(private readonly db: DataSource) {}

  /** The visible dossiers matching `filter`, newest first. */
  async list(p: Principal, filter: DossierFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<SafetyDossierEntity>> {
    const pol = registryVisibleTo(p, 't');
    const qb = this.db.getRepository(SafetyDossierEntity).createQueryBuilder('t').where(pol.sql, pol.params);
    const f = filter ?? {};
    if (f.systemId != null) qb.andWhere('t.system_id = :dosSystem', { dosSystem: checkId(f.systemId, 'filter.systemId') });
    if (f.statuses?.length) qb.andWhere(`${statusSql('t')} IN (:...dosStatuses)`, { dosStatuses: f.statuses });
    if (f.owners?.length) {
      qb.andWhere('t.owner_id IN (SELECT id FROM organizations WHERE code = ANY(:dosOwners))', {
        dosOwners: lookupKeys('filter.owners', f.owners).map((c) => c.toUpperCase()),
      });
    }
    if (f.toReview) {
      // The same rule as the catalogue's competent reviewer: the owner's parent, or a coordinator for an owner without one.
      qb.andWhere(`t.status = 'SUBMITTED' AND t.owner_id <> :dosMe`, { dosMe: p.orgId });
      qb.andWhere(
        `EXISTS (SELECT 1 FROM organizations ow WHERE ow.id = t.owner_id AND (ow.parent_id = :dosMe${p.isCoordinator ? ' OR ow.parent_id IS NULL' : ''}))`,
      );
    }
    return keysetPage(qb, 't', args);
  }

  /** One dossier if the caller may read it; null for hidden and missing alike. */
  byId(p: Principal, id: string): Promise<SafetyDossierEntity | null> {
    return visibleById(this.db.manager, SafetyDossierEntity, registryVisibleTo(p, 't'), checkId(id));
  }

  byIds(p: Principal, ids: readonly string[]): Promise<Map<string, SafetyDossierEntity>> {
    return visibleByIds(this.db.manager, SafetyDossierEntity, registryVisibleTo(p, 't'), ids);
  }

  /** Per visible system, the dossier that matters now: the open one, else the last approved one. */
  async currentOf(p: Principal, systemIds: readonly string[]): Promise<Map<string, SafetyDossierEntity>> {
    const pol = registryVisibleTo(p, 't');
    const rows = await this.db
      .getRepository(SafetyDossierEntity)
      .createQueryBuilder('t')
      .distinctOn(['t.system_id'])
      .where('t.system_id = ANY(CAST(:ids AS uuid[]))', { ids: systemIds })
      .andWhere(`t.status IN ('SUBMITTED', 'RETURNED', 'APPROVED')`)
      .andWhere(pol.sql, pol.params)
      .orderBy('t.system_id')
      .addOrderBy(`CASE WHEN t.status = 'APPROVED' THEN 1 ELSE 0 END`)
      .addOrderBy('t.seq', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.systemId, r]));
  }

  /** Histories, oldest step first, of the visible dossiers among `ids`. */
  async historyOf(p: Principal, ids: readonly string[]): Promise<Map<string, DossierEventEntity[]>> {
    const pol = registryVisibleTo(p, 't');
    const rows = await this.db
      .getRepository(DossierEventEntity)
      .createQueryBuilder('e')
      .innerJoin('e.dossier', 't')
      .where('e.dossier_id = ANY(CAST(:ids AS uuid[]))', { ids })
      .andWhere(pol.sql, pol.params)
      .orderBy('e.seq', 'ASC')
      .getMany();
    return groupBy(rows, (r) => r.dossierId);
  }

  /** Attachments (without content) of the visible dossiers among `ids`, oldest first. */
  async attachmentsOf(p: Principal, ids: readonly string[]): Promise<Map<string, DossierAttachmentEntity[]>> {
    const pol = registryVisibleTo(p, 't');
    const rows = await this.db
      .getRepository(DossierAttachmentEntity)
      .createQueryBuilder('a')
      .innerJoin('a.dossier', 't')
      .where('a.dossier_id = ANY(CAST(:ids AS uuid[]))', { ids })
      .andWhere(pol.sql, pol.params)
      .orderBy('a.seq', 'ASC')
      .getMany();
    return groupBy(rows, (r) => r.dossierId);
  }

  /** The content of attachments the caller may read, loaded only when a client asks for it. */
  async contentOf(p: Principal, attachmentIds: readonly string[]): Promise<Map<string, Buffer>> {
    const pol = registryVisibleTo(p, 't');
    const rows = await this.db
      .getRepository(DossierAttachmentEntity)
      .createQueryBuilder('a')
      .select(['a.id', 'a.content'])
      .innerJoin('a.dossier', 't')
      .where('a.id = ANY(CAST(:ids AS uuid[]))', { ids: attachmentIds })
      .andWhere(pol.sql, pol.params)
      .getMany();
    return new Map(rows.map((r) => [r.id, r.content]));
  }
}
