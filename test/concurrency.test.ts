import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';

const t = communityApp();

const SUBMIT = 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created updated rejected } }';
const list = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ type: 'DOMAIN', value: `${prefix}-${i}.deadlock.example`, tlp: 'GREEN' }));

describe('concurrent bulk ingest', () => {
  it('two workers re-posting one list of 5,000 in opposite order both succeed (no deadlock)', async () => {
    const token = await t.c.bkav.token([Role.CONTRIBUTOR]);
    const items = list('same', 5000);
    expect((await t.app.gql(token, SUBMIT, { i: items })).body.data?.submitIndicators.created).toBe(5000);
    for (let round = 0; round < 6; round++) {
      const [a, b] = await Promise.all([t.app.gql(token, SUBMIT, { i: items }), t.app.gql(token, SUBMIT, { i: [...items].reverse() })]);
      for (const res of [a, b]) {
        expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
        expect(res.body.data?.submitIndicators).toEqual({ created: 0, updated: 5000, rejected: 0 });
      }
    }
  }, 120_000);

  it('one organisation posting the same new list twice at once, in opposite order, stores it once and deadlocks on nothing', async () => {
    const token = await t.c.bkav.token([Role.CONTRIBUTOR]);
    const items = list('twice', 3000);
    const [a, b] = await Promise.all([t.app.gql(token, SUBMIT, { i: items }), t.app.gql(token, SUBMIT, { i: [...items].reverse() })]);
    for (const res of [a, b]) expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const [x, y] = [a.body.data!.submitIndicators, b.body.data!.submitIndicators];
    expect(x.created + y.created).toBe(3000);
    expect(x.created + x.updated).toBe(3000);
    expect(y.created + y.updated).toBe(3000);
  }, 120_000);

  it('an observable another transaction inserts and commits while the call waits on it is read again, and indicated', async () => {
    const token = await t.c.bkav.token([Role.CONTRIBUTOR]);
    const other = new Client({ connectionString: t.app.dbUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      const [{ id }] = (await other.query(`INSERT INTO observables (type, value) VALUES ('DOMAIN', 'held.race.example') RETURNING id`)).rows;
      // The call's insert of the same observable waits for this transaction; its snapshot predates the commit.
      const call = t.app.gql(token, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created results { indicator { observable { id value } } } } }', {
        i: [{ type: 'DOMAIN', value: 'held.race.example', tlp: 'GREEN' }, { type: 'DOMAIN', value: 'free.race.example', tlp: 'GREEN' }],
      });
      await new Promise((r) => setTimeout(r, 300));
      await other.query('COMMIT');
      const res = await call;
      expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
      const out = res.body.data!.submitIndicators;
      expect(out.created).toBe(2);
      expect(out.results[0].indicator.observable).toEqual({ id, value: 'held.race.example' });
      expect(out.results[1].indicator.observable.value).toBe('free.race.example');
    } finally {
      await other.end();
    }
  });

  it('a list reads back newest first in the reverse of the order it was posted (rows are written in observable order)', async () => {
    const token = await t.c.bkav.token([Role.CONTRIBUTOR]);
    // Shuffled so that the input order is unrelated to the observables' ids.
    const items = list('order-check', 60).sort((p, q) => ((p.value.length * 7919 + p.value.charCodeAt(14)) % 13) - ((q.value.length * 7919 + q.value.charCodeAt(14)) % 13));
    expect((await t.app.gql(token, SUBMIT, { i: items })).body.data?.submitIndicators.created).toBe(60);
    const res = await t.app.gql(token, '{ indicators(first: 60, filter: { valueContains: "order-check" }) { edges { node { observable { value } } } } }');
    expect(res.body.data!.indicators.edges.map((e: { node: { observable: { value: string } } }) => e.node.observable.value)).toEqual(items.map((i) => i.value).reverse());
  });

  it('two organisations posting the same new observables in opposite order both succeed', async () => {
    const bkav = await t.c.bkav.token([Role.CONTRIBUTOR]);
    const viettel = await t.c.viettel.token([Role.CONTRIBUTOR]);
    const items = list('shared', 3000);
    const [a, b] = await Promise.all([t.app.gql(bkav, SUBMIT, { i: items }), t.app.gql(viettel, SUBMIT, { i: [...items].reverse() })]);
    for (const res of [a, b]) {
      expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
      expect(res.body.data?.submitIndicators.created).toBe(3000);
    }
    const [{ n }] = await t.app.db.query(`SELECT count(*)::int AS n FROM observables WHERE value LIKE 'shared-%.deadlock.example'`);
    expect(n).toBe(3000);
  }, 120_000);

  it('sightings of the same new observables posted concurrently in opposite order both succeed', async () => {
    const token = await t.c.bkav.token([Role.REPORTER]);
    const items = list('seen', 3000).map(({ type, value }) => ({ type, value, tlp: 'GREEN' }));
    const q = 'mutation($i: [SightingInput!]!) { reportSightings(input: $i) { accepted rejected } }';
    const [a, b] = await Promise.all([t.app.gql(token, q, { i: items }), t.app.gql(token, q, { i: [...items].reverse() })]);
    for (const res of [a, b]) {
      expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
      expect(res.body.data?.reportSightings).toEqual({ accepted: 3000, rejected: 0 });
    }
  }, 120_000);
});
