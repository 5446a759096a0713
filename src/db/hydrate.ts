import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Builds an entity from a raw row (`SELECT *` / `RETURNING *` column names) by the entity's column
 * metadata, without a second query: for rows a statement has just written and returned.
 */
export function fromRow<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, row: Record<string, unknown>): T {
  const meta = m.connection.getMetadata(target);
  const entity = meta.create() as T;
  for (const col of meta.columns) {
    if (col.databaseName in row) (entity as Record<string, unknown>)[col.propertyName] = row[col.databaseName];
  }
  return entity;
}

/** Entities of one table read under a column prefix (`h_seq`, `h_id`, …) beside other columns in one statement. */
export interface PrefixedColumns<T> {
  /** The select list: `alias.column AS "prefix_column"` for every column of the entity. */
  select(alias: string): string;
  /** The entity from a row's prefixed columns; null when the prefixed id is NULL (an outer join found nothing). */
  build(row: Record<string, unknown>): T | null;
}

const made = new WeakMap<EntityMetadata, Map<string, PrefixedColumns<ObjectLiteral>>>();

/**
 * The prefixed names of `target`'s columns, worked out once per entity and prefix (and kept with its metadata): a hot
 * statement then builds its entities without intermediate objects.
 */
export function prefixedColumns<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, prefix: string): PrefixedColumns<T> {
  const meta = m.connection.getMetadata(target);
  let byPrefix = made.get(meta);
  if (!byPrefix) made.set(meta, (byPrefix = new Map()));
  let found = byPrefix.get(prefix);
  if (!found) byPrefix.set(prefix, (found = build(meta, prefix)));
  return found as PrefixedColumns<T>;
}

function build(meta: EntityMetadata, prefix: string): PrefixedColumns<ObjectLiteral> {
  const pairs = meta.columns.map((c) => [c.propertyName, `${prefix}${c.databaseName}`, c.databaseName] as const);
  const idKey = `${prefix}${meta.primaryColumns[0].databaseName}`;
  return {
    select: (alias) => pairs.map(([, key, col]) => `${alias}.${col} AS "${key}"`).join(', '),
    build: (row) => {
      if (row[idKey] == null) return null;
      const entity = meta.create() as Record<string, unknown>;
      for (const [prop, key] of pairs) entity[prop] = row[key];
      return entity;
    },
  };
}
