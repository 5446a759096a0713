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

/** A statement with named parameters (`:name`, TypeORM's style) turned into positional ones, and their order. */
export interface Compiled {
  text: string;
  names: string[];
}

const compiled = new Map<string, Compiled>();

/**
 * `build()`'s SQL with its `:name` parameters made positional, kept under `key`: for hot statements whose text is
 * one of a few shapes, so that it is built and escaped once per shape instead of on every request. `key` must name
 * everything the text depends on; `values(params)` then lists a call's parameters in the statement's order.
 */
export function compileNamed(db: DataSource, key: string, build: () => { sql: string; params: Record<string, unknown> }): Compiled {
  let c = compiled.get(key);
  if (!c) {
    const { sql, params } = build();
    // Markers in place of the values show the order TypeORM's escaping gives them.
    const markers = Object.fromEntries(Object.keys(params).map((name) => [name, { name }]));
    const [text, order] = db.driver.escapeQueryWithParameters(sql, markers);
    c = { text, names: (order as { name: string }[]).map((m) => m.name) };
    if (compiled.size < 2000) compiled.set(key, c);
  }
  return c;
}

/** `params` in the order `c` takes them. */
export function valuesOf(c: Compiled, params: Record<string, unknown>): unknown[] {
  return c.names.map((n) => params[n]);
}
