import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

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
