/**
 * An empty array as `undefined`, so that JSON.stringify leaves its key out of a bulk statement's `jsonb_to_recordset`
 * parameter: the statement reads a missing key as NULL and writes `coalesce(x.col, '{}')`. Each empty array costs
 * PostgreSQL an array to build per row; left out, it costs nothing.
 */
export function orOmitted<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}
