import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const names = new Map<string, string>();

/**
 * A read outside any transaction, as a named prepared statement: each pooled connection parses and plans it once
 * (PostgreSQL keeps a generic plan once it costs no more than the custom ones), instead of on every request. For
 * hot reads whose text takes a few shapes only (the sharing predicate varies with the principal's kind, never with
 * its values, which are parameters). On this machine planning was most of a look-up's PostgreSQL time.
 */
export async function preparedRead<R>(db: DataSource, text: string, values: unknown[]): Promise<R[]> {
  let name = names.get(text);
  if (!name) {
    name = `tf_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // A bound on what a stream of unusual shapes could make this hold; past it the name is computed each time.
    if (names.size < 2000) names.set(text, name);
  }
  const pool = (db.driver as PostgresDriver).master as Pool;
  const result = await pool.query({ name, text, values });
  return result.rows as R[];
}
