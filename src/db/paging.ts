import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize, type Page } from '../common/pagination';

/**
 * Keyset page over a query builder whose predicates (including the sharing
 * policy) are already applied: newest first by `alias.seq`. The count uses
 * the same builder without the cursor, so it counts exactly what paging walks.
 * Cursors are sealed for the list's table, so one table's cursor does not
 * open in another's list.
 */
export async function keysetPage<T extends ObjectLiteral & { seq: string }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<T>> {
  const limit = pageSize(args.first);
  const scope = qb.expressionMap.mainAlias!.metadata.tableName;
  const after = decodeCursor(scope, args.after);
  const countQb = qb.clone();
  const pageQb = qb.clone().orderBy(`${alias}.seq`, 'DESC').take(undefined).limit(limit + 1);
  if (after !== undefined) pageQb.andWhere(`${alias}.seq < :__after`, { __after: after });
  const rows = await pageQb.getMany();
  return {
    items: rows.slice(0, limit),
    hasNextPage: rows.length > limit,
    count: () => countQb.getCount(),
    cursorOf: (row) => encodeCursor(scope, row.seq),
  };
}
