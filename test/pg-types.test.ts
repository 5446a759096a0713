import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseTimestamptz, stringArrayParser } from '../src/db/pg-types';

// pg's default parser for timestamptz, before the app installs its own (nothing here calls createDataSource).
const reference = pg.types.getTypeParser(1184, 'text') as (s: string) => Date | number | null;

describe('parseTimestamptz', () => {
  it('reads every text form PostgreSQL sends as the same instant as pg\'s own parser', () => {
    const forms = [
      '2026-12-01 23:21:50+00',
      '2026-12-01 23:21:50.1+00',
      '2026-12-01 23:21:50.12+00',
      '2026-12-01 23:21:50.123+00',
      '2026-12-01 23:21:50.123456+00',
      '2026-12-01 23:21:50.999999+00',
      '2026-12-02 06:21:50.5+07',
      '2026-12-01 19:51:50.25-03:30',
      '1906-01-01 00:00:00+07:06:40',
      '1901-12-13 20:45:52-00:25:21',
      '2000-02-29 00:00:00+14',
      '9999-12-31 23:59:59.999999-12',
      '1000-01-01 00:00:00+00',
    ];
    for (const f of forms) {
      const got = parseTimestamptz(f);
      expect(got, f).toBeInstanceOf(Date);
      expect((got as Date).getTime(), f).toBe((reference(f) as Date).getTime());
    }
  });

  it('hands what it does not read itself to pg\'s parser: infinities, BC, other years', () => {
    expect(parseTimestamptz('infinity')).toBe(Infinity);
    expect(parseTimestamptz('-infinity')).toBe(-Infinity);
    for (const f of ['0099-01-01 00:00:00+00', '2026-01-01 00:00:00+00 BC', '12026-01-01 00:00:00+00', '0999-06-01 12:00:00.5+01']) {
      expect((parseTimestamptz(f) as Date).getTime(), f).toBe((reference(f) as Date).getTime());
    }
  });
});

describe('stringArrayParser', () => {
  const TEXT_ARRAY_OID: number = 1009;
  const textArray = pg.types.getTypeParser(TEXT_ARRAY_OID, 'text') as (s: string) => unknown;
  const parse = stringArrayParser(textArray);

  it('reads every text form of a text[] as pg\'s own parser does', () => {
    const forms = [
      '{}',
      '{a}',
      '{a,b,c}',
      '{NULL}',
      '{a,NULL,b}',
      '{"NULL",null,Null}',
      '{""}',
      '{"a b","c,d",e}',
      '{"say \\"hi\\"","back\\\\slash"}',
      '{"{braced}",x}',
      '{{a,b},{c,d}}',
      '[0:1]={a,b}',
      '{0f7c1d1e-4a3b-4c7d-9e2f-0123456789ab,11111111-2222-4333-8444-555555555555}',
      '{tiếng,việt,日本}',
    ];
    for (const f of forms) expect(parse(f), f).toEqual(textArray(f));
  });
});

describe('values from PostgreSQL under any session time zone', () => {
  // What installTypeParsers registers, on this client only.
  const readers = new Map<number, (s: string) => unknown>([
    [1184, parseTimestamptz],
    ...[1009, 1015, 2951].map((oid): [number, (s: string) => unknown] => [oid, stringArrayParser(pg.types.getTypeParser(oid, 'text'))]),
  ]);
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject('adminUrl'), types: { getTypeParser: (oid: number, format?: string) => readers.get(oid) ?? pg.types.getTypeParser(oid, format as 'text') } as never });
    await client.connect();
  });
  afterAll(() => client.end());

  it('gives back the arrays PostgreSQL stored, whatever their elements', async () => {
    const arrays = [[], ['a'], ['NULL', null, ''], ['a b', 'c,d', 'say "hi"', 'back\\slash', '{x}', '  '], ['tiếng việt', 'apt-28', 'x=y']];
    for (const a of arrays) {
      const { rows } = await client.query('SELECT $1::text[] AS t, $1::varchar[] AS v', [a]);
      expect(rows[0].t, JSON.stringify(a)).toEqual(a);
      expect(rows[0].v, JSON.stringify(a)).toEqual(a);
    }
    const ids = ['0f7c1d1e-4a3b-4c7d-9e2f-0123456789ab', '11111111-2222-4333-8444-555555555555'];
    const { rows } = await client.query('SELECT $1::uuid[] AS u, CAST(ARRAY[]::uuid[] AS uuid[]) AS e', [ids]);
    expect(rows[0].u).toEqual(ids);
    expect(rows[0].e).toEqual([]);
  });

  it('gives the instant PostgreSQL stored, to the millisecond', async () => {
    const instants = ['2026-12-01T23:21:50.123456Z', '1969-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z', '1901-06-01T12:00:00.5Z'];
    for (const zone of ['UTC', 'Asia/Ho_Chi_Minh', 'America/St_Johns', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Europe/Amsterdam']) {
      await client.query(`SET TimeZone = '${zone}'`);
      for (const at of instants) {
        const { rows } = await client.query('SELECT $1::timestamptz AS t, (extract(epoch FROM $1::timestamptz) * 1000)::float8 AS ms', [at]);
        expect((rows[0].t as Date).getTime(), `${at} in ${zone}`).toBe(Math.floor(rows[0].ms));
      }
    }
  });
});
