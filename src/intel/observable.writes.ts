import type { EntityManager } from 'typeorm';
import type { ObservableType } from '../common/enums';
import { InputProblem } from '../common/errors';
import { pgLiteral, pgPlain, pgQuoted } from '../db/arrays';
import { fixedStatement, preparedIn, type ColumnIndex } from '../db/prepared';
import { normalizeObservable } from './normalize';

/**
 * $1, $2, $3: the observables' types, values and nets as arrays (`observablesParams`). Inserted in key order, so that
 * concurrent calls naming the same new observables wait on each other instead of deadlocking.
 */
export const ENSURE_OBSERVABLES_SQL = `INSERT INTO observables (type, value, net)
  SELECT DISTINCT x.type, x.value, x.net FROM unnest($1::text[], $2::text[], $3::inet[]) AS x(type, value, net)
  ORDER BY x.type, x.value
  ON CONFLICT (type, value) DO NOTHING`;

/**
 * Parameters as ENSURE_OBSERVABLES_SQL's. Inserts the new observables and returns every named observable's id, type and value,
 * in one statement: the inserted ones from RETURNING, the others read by index. An observable that a concurrent call
 * inserts, and commits while this statement waits on it, is in neither (the read's snapshot predates that commit):
 * `ensureObservableIds` reads those in a second statement. Nothing else of the row comes back: the caller has the
 * rest (`net`) in hand, and `created_at` is never shown. Exported for test/bench/ingest.bench.ts's raw-SQL baseline.
 */
export const ENSURE_OBSERVABLE_ROWS_SQL = `WITH x AS MATERIALIZED (
    SELECT DISTINCT x.type, x.value, x.net FROM unnest($1::text[], $2::text[], $3::inet[]) AS x(type, value, net)
  ), ins AS (
    INSERT INTO observables (type, value, net) SELECT type, value, net FROM x ORDER BY type, value
    ON CONFLICT (type, value) DO NOTHING
    RETURNING id, type, value
  )
  SELECT id, type, value FROM ins
  UNION ALL
  SELECT o.id, o.type, o.value FROM x JOIN observables o ON o.type = x.type AND o.value = x.value
   WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.type = x.type AND ins.value = x.value)`;

/** The ids of the observables whose types and values are $1 and $2 (arrays). */
export const OBSERVABLE_ROWS_SQL = `SELECT o.id, o.type, o.value FROM observables o
  JOIN unnest($1::text[], $2::text[]) AS x(type, value) ON o.type = x.type AND o.value = x.value`;

const ENSURE_OBSERVABLE_ROWS = fixedStatement(ENSURE_OBSERVABLE_ROWS_SQL);
const OBSERVABLE_ROWS = fixedStatement(OBSERVABLE_ROWS_SQL);

/** An observable's key within a bulk call (type and normalised value; NUL cannot occur in either, so it never goes to SQL). */
export function observableKey(type: string, value: string): string {
  return `${type}\u0000${value}`;
}

export interface CheckedObservable {
  type: ObservableType;
  value: string;
  net: string | null;
}

/**
 * Normalises a list of `{ type, value }` given with a report or advisory;
 * two spellings of one value become one entry. Problems name `field[i].value`.
 */
export function checkObservableList(list: { type: ObservableType; value: string }[] | null | undefined, field: string, max: number): CheckedObservable[] {
  if (!list?.length) return [];
  if (list.length > max) throw new InputProblem(field, `must have at most ${max} items`);
  const unique = new Map<string, CheckedObservable>();
  list.forEach((o, i) => {
    const n = normalizeObservable(o.type, o.value, `${field}[${i}].value`);
    unique.set(observableKey(o.type, n.value), { type: o.type, value: n.value, net: n.net });
  });
  return [...unique.values()];
}

/**
 * Inserts the observables that do not exist yet, inside the caller's
 * transaction. Callers read the ids in a later statement, which under READ
 * COMMITTED also sees observables a concurrent call has just committed. An
 * existing observable, hidden from the caller or not, is treated exactly like
 * a new one: nothing here tells them apart.
 */
export async function ensureObservables(m: EntityManager, items: CheckedObservable[]): Promise<void> {
  if (!items.length) return;
  await m.query(ENSURE_OBSERVABLES_SQL, observablesParams(items));
}

/**
 * Inserts the observables that do not exist yet and returns the ids of all of them by `observableKey` (`items`
 * distinct by type and value), in one statement unless a concurrent call inserted some of them meanwhile. An existing
 * observable, hidden from the caller or not, is treated exactly like a new one. Runs inside `m`'s transaction.
 */
export async function ensureObservableIds(m: EntityManager, items: CheckedObservable[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (!items.length) return ids;
  const put = ({ rows, columns }: { rows: unknown[][]; columns: ColumnIndex }) => {
    const [id, type, value] = [columns.get('id')!, columns.get('type')!, columns.get('value')!];
    for (const r of rows) ids.set(observableKey(r[type] as string, r[value] as string), r[id] as string);
  };
  put(await preparedIn(m, ENSURE_OBSERVABLE_ROWS, observablesParams(items)));
  if (ids.size < items.length) {
    const missing = items.filter((i) => !ids.has(observableKey(i.type, i.value)));
    put(await preparedIn(m, OBSERVABLE_ROWS, observablesParams(missing).slice(0, 2)));
  }
  return ids;
}

/** `items` as the statements above take them: their types, values and nets, each an array literal. */
export function observablesParams(items: readonly CheckedObservable[]): [string, string, string] {
  const n = items.length;
  const [types, values, nets] = [new Array<string | number>(n), new Array<string>(n), new Array<string | number>(n)];
  for (let i = 0; i < n; i++) {
    const o = items[i];
    types[i] = pgPlain(o.type);
    values[i] = pgQuoted(o.value);
    nets[i] = pgPlain(o.net);
  }
  return [pgLiteral(types), pgLiteral(values), pgLiteral(nets)];
}

/** The tables that link an object to the observables it names. */
const LINK_TABLES = {
  incident: { table: 'incident_observables', column: 'incident_id' },
  advisory: { table: 'advisory_observables', column: 'advisory_id' },
} as const;

/**
 * Upserts the observables and links them to `ownerId`. The ids are read in
 * a second statement so that, under READ COMMITTED, it also sees observables
 * a concurrent call committed; an existing observable, hidden or not, is
 * linked exactly like a new one.
 */
export async function linkObservables(m: EntityManager, kind: keyof typeof LINK_TABLES, ownerId: string, items: CheckedObservable[]): Promise<void> {
  if (!items.length) return;
  const { table, column } = LINK_TABLES[kind];
  await ensureObservables(m, items);
  await m.query(
    `INSERT INTO ${table} (${column}, observable_id)
     SELECT $3, o.id FROM observables o
       JOIN unnest($1::text[], $2::text[]) AS x(type, value) ON o.type = x.type AND o.value = x.value
     ON CONFLICT DO NOTHING`,
    [...observablesParams(items).slice(0, 2), ownerId],
  );
}
