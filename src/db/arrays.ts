/**
 * PostgreSQL array literals, for the bulk statements' parameters: a statement reads its rows as columns with
 * `unnest($1::uuid[], $2::text[], ...)`. PostgreSQL parses 5,000 upsert rows given so in 8.6 ms a round trip against
 * 21 ms for the same rows as one jsonb document, and the parameters are 40 % smaller (docs/benchmarks.md, national
 * scale). Callers fill one array of elements per column in a single pass over their rows and close each with
 * `pgLiteral`: built element by element with `map` and string concatenation, the literals cost Node three times what
 * JSON.stringify did.
 */

/**
 * A string element, always quoted (so that commas, braces, white space, an empty string and the word NULL stay what
 * they are), with `"` and `\` escaped; null and undefined are NULL. The string must be valid text for PostgreSQL (no
 * NUL: every stored string is checked first).
 */
export function pgQuoted(v: string | null | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  return v.indexOf('"') === -1 && v.indexOf('\\') === -1 ? `"${v}"` : `"${v.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * An element whose text needs no quoting: a number, a uuid, an enum name, an ISO timestamp from `toISOString`, an
 * inet in PostgreSQL's own text form (no white space, comma, brace, quote or backslash can occur in any of them, and
 * none is the word NULL); null and undefined are NULL.
 */
export function pgPlain(v: string | number | null | undefined): string | number {
  return v ?? 'NULL';
}

/**
 * A row's list (its tags, recipients) as one element of a text[] column that the statement casts per row
 * (`x.tags::text[]`); an empty list is NULL, which the statement reads as `'{}'`, so that it costs nothing to parse.
 * `plain`: the list's items need no quoting (see pgPlain).
 */
export function pgList(list: readonly string[], plain: boolean): string {
  if (list.length === 0) return 'NULL';
  if (plain) return list.length === 1 ? `"{${list[0]}}"` : `"{${list.join(',')}}"`;
  return pgQuoted(list.length === 1 ? `{${pgQuoted(list[0])}}` : `{${list.map(pgQuoted).join(',')}}`);
}

/** A column's elements as one array literal. */
export function pgLiteral(elements: readonly (string | number)[]): string {
  return `{${elements.join(',')}}`;
}
