import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { severitiesFrom, type Severity } from '../common/enums';
import { lookupKeys } from '../common/validate';

/** A SQL condition with TypeORM `:name` parameters, such as the sharing policy's predicates. */
export interface Condition {
  sql: string;
  params: Record<string, unknown>;
}

/** Filters that several lists share, applied the same way everywhere. */
export const where = {
  /** `alias.severity` at least `min`. */
  minSeverity<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, min: Severity | null | undefined): void {
    if (min) qb.andWhere(`${alias}.severity IN (:...${alias}_min_sev)`, { [`${alias}_min_sev`]: severitiesFrom(min) });
  },
  /** Authored by one of the organisations whose codes are given (case-insensitive); `field` names the filter in errors. */
  authoredBy<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, codes: string[] | null | undefined, field = 'filter.authors'): void {
    if (!codes?.length) return;
    qb.andWhere(`${alias}.author_id IN (SELECT id FROM organizations WHERE code = ANY(:${alias}_authors))`, {
      [`${alias}_authors`]: lookupKeys(field, codes).map((a) => a.toUpperCase()),
    });
  },
};

/**
 * One row by id if `visible` (a sharing-policy predicate on alias `t`) holds
 * for it, optionally locked for the rest of the transaction: null for hidden
 * and missing rows alike. `join` adds relations (e.g. `observable` as `o`).
 */
export function visibleById<T extends ObjectLiteral>(
  m: EntityManager,
  entity: EntityTarget<T>,
  visible: Condition,
  id: string,
  opts: { lock?: boolean; join?: [relation: string, alias: string] } = {},
): Promise<T | null> {
  const qb = m.getRepository(entity).createQueryBuilder('t');
  if (opts.join) qb.innerJoinAndSelect(`t.${opts.join[0]}`, opts.join[1]);
  qb.where('t.id = :id', { id }).andWhere(visible.sql, visible.params);
  if (opts.lock) qb.setLock('pessimistic_write', undefined, ['t']);
  return qb.getOne();
}

/** The rows among `ids` for which `visible` holds, by id, in one query (loaders, federation references, exports). */
export async function visibleByIds<T extends ObjectLiteral & { id: string }>(
  m: EntityManager,
  entity: EntityTarget<T>,
  visible: Condition,
  ids: readonly string[],
  opts: { join?: [relation: string, alias: string] } = {},
): Promise<Map<string, T>> {
  const qb = m.getRepository(entity).createQueryBuilder('t');
  if (opts.join) qb.innerJoinAndSelect(`t.${opts.join[0]}`, opts.join[1]);
  const rows = await qb.where('t.id = ANY(CAST(:ids AS uuid[]))', { ids }).andWhere(visible.sql, visible.params).getMany();
  return new Map(rows.map((r) => [r.id, r]));
}
