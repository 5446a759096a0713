import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Where each column of a read's rows is, by name. */
export type ColumnIndex = ReadonlyMap<string, number>;

/** A hot read's SQL with positional parameters, the order of their names, and the name it is prepared under. */
export interface Compiled {
  name: string;
  text: string;
  names: string[];
  /** Its result's columns, once it has run: the same text always has the same ones. */
  columns?: ColumnIndex;
}

const compiled = new Map<string, Compiled>();

/**
 * `build()`'s SQL with its `:name` parameters made positional, kept under `key`: for hot reads whose text takes a
 * few shapes only (the sharing predicate varies with the principal's kind, never with its values, which are
 * parameters), so that it is built and escaped once per shape. `key` must name everything the text depends on.
 */
export function compileNamed(db: DataSource, key: string, build: () => { sql: string; params: Record<string, unknown> }): Compiled {
  let c = compiled.get(key);
  if (!c) {
    const { sql, params } = build();
    // Markers in place of the values show the order TypeORM's escaping gives them.
    const markers = Object.fromEntries(Object.keys(params).map((name) => [name, { name }]));
    const [text, order] = db.driver.escapeQueryWithParameters(sql, markers);
    c = { name: statementName(text), text, names: (order as { name: string }[]).map((m) => m.name) };
    // A bound on what a stream of unusual shapes could make this hold; past it a statement is compiled each time.
    if (compiled.size < 2000) compiled.set(key, c);
  }
  return c;
}

/**
 * Runs `c` with `params`, outside any transaction, as a named prepared statement: each pooled connection parses and
 * plans it once (PostgreSQL keeps a generic plan once it costs no more than the custom ones), instead of on every
 * request. On this machine planning was most of a look-up's PostgreSQL time.
 *
 * The rows come as arrays, read through `columns`: node-postgres then builds no object per row with a property per
 * column (a look-up's rows have 41), which was a third of its time spent on the answer.
 */
export async function preparedRead(db: DataSource, c: Compiled, params: Record<string, unknown>): Promise<{ rows: unknown[][]; columns: ColumnIndex }> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  return arrayRows(pool, c, c.names.map((n) => params[n]));
}

/** A fixed statement prepared under a name derived from its text (for writes whose text never varies). */
export function fixedStatement(text: string): Compiled {
  return { name: statementName(text), text, names: [] };
}

/**
 * Runs `c` inside `m`'s transaction, on the transaction's own connection, as a named prepared statement with rows as
 * arrays (as preparedRead does): for the bulk ingest's statements, whose 5,000 rows a call would otherwise be parsed
 * into objects, and whose text PostgreSQL would otherwise parse and plan at every call.
 */
export async function preparedIn(m: EntityManager, c: Compiled, values: unknown[]): Promise<{ rows: unknown[][]; columns: ColumnIndex }> {
  if (!m.queryRunner) throw new Error('preparedIn needs a transaction');
  return arrayRows((await m.queryRunner.connect()) as PoolClient, c, values);
}

/** The name a statement's text is prepared under on every connection. */
function statementName(text: string): string {
  return `tf_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

/** Runs `c` as a named prepared statement with rows as arrays, and notes its columns the first time. */
async function arrayRows(on: Pool | PoolClient, c: Compiled, values: unknown[]): Promise<{ rows: unknown[][]; columns: ColumnIndex }> {
  const result = await on.query({ name: c.name, text: c.text, values, rowMode: 'array' });
  c.columns ??= new Map(result.fields.map((f, i) => [f.name, i]));
  return { rows: result.rows, columns: c.columns };
}
