import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize, type Page } from '../common/pagination';

/**
 * Keyset page over a query builder whose predicates (including the sharing
 * policy) are already applied: newest first by `alias.seq`. The count uses
 * the same builder without the cursor, so it counts exactly what paging walks
 * (or `countQb`: the same rows, by a shape that counts them faster).
 * Cursors are sealed for the list's table, so one table's cursor does not
 * open in another's list.
 */
export async function keysetPage<T extends ObjectLiteral & { seq: string }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  args: { first?: number | null; after?: string | null },
  opts: { countQb?: SelectQueryBuilder<T> } = {},
): Promise<Page<T>> {
  const limit = pageSize(args.first);
  const scope = qb.expressionMap.mainAlias!.metadata.tableName;
  const after = decodeCursor(scope, args.after);
  const countQb = opts.countQb ?? qb.clone();
  const pageQb = qb.clone().orderBy(`${alias}.seq`, 'DESC').take(undefined).limit(limit + 1);
  if (after !== undefined) pageQb.andWhere(`${alias}.seq < :__after`, { __after: after });
  const rows = await pageQb.getMany();
  return pageOfRows(scope, rows, limit, () => countQb.getCount());
}

/**
 * A page of a keyset list from rows read elsewhere (up to `limit + 1`, newest first, under the list's own
 * predicates and cursor), with the list's cursors: what `keysetPage` would have returned.
 */
export function pageOfRows<T extends { seq: string }>(scope: string, rows: T[], limit: number, count: () => Promise<number>): Page<T> {
  return {
    items: rows.slice(0, limit),
    hasNextPage: rows.length > limit,
    count,
    cursorOf: (row) => encodeCursor(scope, row.seq),
  };
}

/** A page in the order objects were added (TAXII's `date_added`), by keyset (added, id). */
export interface AddedQuery {
  /** The last row a client saw: rows strictly after (added, id). */
  after?: { t: string; id: string };
  /** Strictly after this instant. */
  addedAfter?: string;
  /** Exactly this instant (to return a whole group of rows that share one). */
  at?: string;
  ids?: string[];
  /** Only rows shared with this sharing group. */
  groupId?: string;
  limit: number;
}

export interface AddedPage<T> {
  items: T[];
  /** date_added per row id, UTC with microseconds. */
  added: Map<string, string>;
  hasMore: boolean;
  /** date_added of the first row after this page. */
  nextAdded?: string;
}

/**
 * One page of `qb` (predicates, the sharing policy included, already applied)
 * ascending by (`alias.column`, `alias.id`): the keyset behind TAXII's
 * `date_added` order, served by an index on (column, id). `groupColumn` is
 * the alias whose recipient_group_ids the group filter reads (the row itself
 * unless it is shared through a parent, as an incident's notes are).
 */
export async function addedKeysetPage<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  column: string,
  q: AddedQuery,
  groupAlias = alias,
): Promise<AddedPage<T>> {
  const col = `${alias}.${column}`;
  qb.addSelect(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'date_added');
  // A row written by a transaction still open carries its start time, and would commit behind a client that has paged past it:
  // serve only rows older than every open transaction (it needs pg_read_all_stats to see other roles' sessions).
  qb.andWhere(`${col} < coalesce((SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'), now())`);
  if (q.after) qb.andWhere(`(${col}, ${alias}.id) > (CAST(:ka_t AS timestamptz), CAST(:ka_id AS uuid))`, { ka_t: q.after.t, ka_id: q.after.id });
  if (q.addedAfter) qb.andWhere(`${col} > CAST(:ka_after AS timestamptz)`, { ka_after: q.addedAfter });
  if (q.ids) qb.andWhere(`${alias}.id = ANY(CAST(:ka_ids AS uuid[]))`, { ka_ids: q.ids });
  if (q.at) qb.andWhere(`${col} = CAST(:ka_at AS timestamptz)`, { ka_at: q.at });
  if (q.groupId) qb.andWhere(`CAST(:ka_group AS uuid) = ANY(${groupAlias}.recipient_group_ids)`, { ka_group: q.groupId });
  qb.orderBy(col, 'ASC').addOrderBy(`${alias}.id`, 'ASC').limit(q.limit + 1);
  const { raw, entities } = await qb.getRawAndEntities();
  const idKey = `${alias}_id`;
  const added = new Map<string, string>(raw.map((r: Record<string, string>) => [r[idKey], r.date_added]));
  const extra = entities[q.limit];
  return { items: entities.slice(0, q.limit), added, hasMore: !!extra, nextAdded: extra && added.get(extra.id) };
}
