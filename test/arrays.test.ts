import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { pgList, pgLiteral, pgPlain, pgQuoted } from '../src/db/arrays';
import { ObservableType, Severity, ThreatType, Tlp } from '../src/common/enums';

const quoted = (items: (string | null | undefined)[]) => pgLiteral(items.map(pgQuoted));
const plain = (items: (string | number | null | undefined)[]) => pgLiteral(items.map(pgPlain));

// The bulk statements' parameters are array literals built by hand: every string an item may carry must arrive in
// PostgreSQL exactly as it was, and no string may change the array's shape (add, drop or split an element).

const HOSTILE = [
  '',
  ' ',
  '  padded  ',
  'NULL',
  'null',
  'a,b',
  '{x}',
  '{',
  '}',
  '"',
  '""',
  '\\',
  '\\"',
  'ends with a backslash\\',
  'quote " and backslash \\ and comma , and braces {}',
  'tab\tand\nnew line\r',
  "it's",
  'http://u1.example/p?a=1&b={2},"3"',
  'тест, 测试, تجربة, 🦊',
  'x'.repeat(4000),
];

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject('adminUrl') });
  await client.connect();
});
afterAll(() => client?.end());

describe('array literals of quoted and plain elements', () => {
  it('carries every string, null and number unchanged into text[], int[] and uuid[]', async () => {
    const withNulls = [...HOSTILE, null, 'after a null', undefined];
    const r = await client.query('SELECT $1::text[] AS t, cardinality($1::text[]) AS n', [quoted(withNulls)]);
    expect(r.rows[0].n).toBe(withNulls.length);
    expect(r.rows[0].t).toEqual(withNulls.map((v) => v ?? null));
    const ints = await client.query('SELECT $1::int[] AS i', [plain([0, -5, 100, null, 2147483647])]);
    expect(ints.rows[0].i).toEqual([0, -5, 100, null, 2147483647]);
    const ids = ['9a1f4d3e-6b7c-4e8f-9a0b-1c2d3e4f5a6b', '00000000-0000-4000-8000-000000000000'];
    const uuids = await client.query('SELECT $1::uuid[]::text[] AS u', [plain(ids)]);
    expect(uuids.rows[0].u).toEqual(ids);
    expect((await client.query('SELECT cardinality($1::text[]) AS n', [quoted([])])).rows[0].n).toBe(0);
  });

  it('carries timestamps and inet values as the statements read them', async () => {
    const r = await client.query(`SELECT $1::timestamptz[] AS t, $2::inet[]::text[] AS n`, [
      plain([new Date('2026-12-02T02:05:05.123Z').toISOString(), null]),
      plain(['203.0.113.7/32', '2001:db8::/32', null]),
    ]);
    expect(r.rows[0].t.map((d: Date | null) => d?.toISOString() ?? null)).toEqual(['2026-12-02T02:05:05.123Z', null]);
    expect(r.rows[0].n).toEqual(['203.0.113.7/32', '2001:db8::/32', null]);
  });
});

describe('pgList', () => {
  const perRow = (lists: string[][], isPlain: boolean) =>
    client.query(`SELECT l::text[] AS list, l IS NULL AS empty FROM unnest($1::text[]) WITH ORDINALITY AS x(l, n) ORDER BY n`, [
      pgLiteral(lists.map((l) => pgList(l, isPlain))),
    ]);

  it('gives each row its own list of any strings, cast per row, and an empty list as NULL', async () => {
    const lists = [HOSTILE, [], ['one'], HOSTILE.slice().reverse(), ['NULL', ''], [], ['"'], ['\\']];
    const r = await perRow(lists, false);
    expect(r.rows.map((row) => row.empty)).toEqual(lists.map((l) => l.length === 0));
    expect(r.rows.map((row) => row.list ?? [])).toEqual(lists);
  });

  it('gives each row its list of plain items (uuids, enum names)', async () => {
    const lists = [['9a1f4d3e-6b7c-4e8f-9a0b-1c2d3e4f5a6b', '00000000-0000-4000-8000-000000000000'], [], [ThreatType.BOTNET], Object.values(ThreatType)];
    const r = await perRow(lists, true);
    expect(r.rows.map((row) => row.list ?? [])).toEqual(lists);
  });
});

describe('the values the bulk statements pass plain', () => {
  it('are all of a shape that needs no quoting: the enums are upper-case names, never NULL', () => {
    for (const e of [Tlp, Severity, ObservableType, ThreatType]) {
      for (const v of Object.values(e)) {
        expect(v).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(v.toUpperCase()).not.toBe('NULL');
      }
    }
  });
});
