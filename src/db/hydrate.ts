import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnIndex } from './prepared';

/** Entities of one table read under a column prefix (`h_seq`, `h_id`, …) beside other columns in one statement. */
export interface PrefixedColumns<T> {
  /** The select list: `alias.column AS "prefix_column"` for every column of the entity. */
  select(alias: string): string;
  /** The entity from a row's prefixed columns; null when the prefixed id is NULL (an outer join found nothing). */
  build(row: Record<string, unknown>): T | null;
  /** `build` for rows as arrays whose columns are at `columns` (preparedRead's); the positions are worked out once per index. */
  reader(columns: ColumnIndex): (row: readonly unknown[]) => T | null;
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
  const readers = new WeakMap<ColumnIndex, (row: readonly unknown[]) => ObjectLiteral | null>();
  return {
    select: (alias) => pairs.map(([, key, col]) => `${alias}.${col} AS "${key}"`).join(', '),
    build: (row) => {
      if (row[idKey] == null) return null;
      const entity = meta.create() as Record<string, unknown>;
      for (const [prop, key] of pairs) entity[prop] = row[key];
      return entity;
    },
    reader: (columns) => {
      let read = readers.get(columns);
      if (!read) {
        // Columns the statement does not read are left unset, as build leaves them.
        const at = pairs.flatMap(([prop, key]) => (columns.has(key) ? [[prop, columns.get(key)!] as const] : []));
        const idAt = columns.get(idKey);
        read = (row) => {
          if (idAt === undefined || row[idAt] == null) return null;
          const entity = meta.create() as Record<string, unknown>;
          for (const [prop, i] of at) entity[prop] = row[i];
          return entity;
        };
        readers.set(columns, read);
      }
      return read;
    },
  };
}
