import pg from 'pg';

/**
 * Faster readers for the text forms node-postgres parses most often here. Each reads the common form itself and
 * hands anything else to the parser node-postgres would have used, so the values are the same.
 */

const TIMESTAMPTZ_OID = 1184;
/** text[], varchar[] and uuid[]: the arrays our tables hold (recipients, tags, threat types, reporters). */
const STRING_ARRAY_OIDS = [1009, 1015, 2951];

/** node-postgres's own timestamptz parser (postgres-date), taken before installTypeParsers replaces it. */
const parseDate: (s: string) => Date | number | null = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text');

/**
 * A `timestamptz` in PostgreSQL's text form (DateStyle ISO), as node-postgres hands it over:
 * `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`. That form, for years 1000 to 9999, is read with character arithmetic;
 * anything else (infinity, BC, five-digit years, another DateStyle) goes to postgres-date, pg's own parser, whose
 * three regular expressions per value were a tenth of a look-up's result parsing and 16 ms of a 5,000-item ingest.
 * Both give the same instant, truncated to the millisecond.
 */
export function parseTimestamptz(s: string): Date | number | null {
  const n = s.length;
  if (n < 22 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return parseDate(s);
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return parseDate(s);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // Up to six fractional digits; the first three are the milliseconds, the rest are dropped, as Date.UTC drops them.
    let scale = 100;
    i++;
    const start = i;
    while (i < n) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
      i++;
    }
    if (i === start) return parseDate(s);
    ms = Math.trunc(ms);
  }
  const sign = s.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return parseDate(s);
  // The offset: ±HH, then :MM and :SS when not zero (local mean time offsets before 1900 have seconds).
  const offsetHours = digits(s, i + 1, 2);
  if (offsetHours < 0) return parseDate(s);
  let offset = offsetHours * 3600;
  i += 3;
  for (let unit = 60; unit >= 1 && i < n; unit /= 60) {
    const v = s.charCodeAt(i) === 58 ? digits(s, i + 1, 2) : -1;
    if (v < 0) return parseDate(s);
    offset += v * unit;
    i += 3;
  }
  if (i !== n) return parseDate(s);
  const offsetMs = (sign === 45 ? -offset : offset) * 1000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
}

/** The decimal number in s[at, at + len), or -1 if a character there is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * An array of strings in PostgreSQL's text form, `{a,b,NULL}`. PostgreSQL quotes an element that is empty, is NULL
 * as text, or holds a brace, comma, quote, backslash or white space; so without a quote or backslash in the text
 * (and no nesting) the elements are exactly what lies between the commas. That is every uuid[] and nearly every
 * tag list, read with one split; pg's own parser (postgres-array) records each character of each element in an
 * array and joins it, 100,000 machine instructions of a look-up's answer.
 */
export function stringArrayParser(fallback: (s: string) => unknown): (s: string) => unknown {
  return (s) => {
    if (s.charCodeAt(0) !== 123 || s.indexOf('"') !== -1 || s.indexOf('\\') !== -1 || s.indexOf('{', 1) !== -1) return fallback(s);
    if (s.length === 2) return [];
    return s.slice(1, -1).split(',').map((e) => (e === 'NULL' ? null : e));
  };
}

let installed = false;

/** Makes every node-postgres client of this process (TypeORM's pool, the listeners) use the readers above. */
export function installTypeParsers(): void {
  if (installed) return;
  installed = true;
  pg.types.setTypeParser(TIMESTAMPTZ_OID, parseTimestamptz);
  for (const oid of STRING_ARRAY_OIDS) pg.types.setTypeParser(oid, stringArrayParser(pg.types.getTypeParser(oid, 'text')));
}
