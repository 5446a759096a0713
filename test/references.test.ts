import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app';

// Indicators and warnings check the observables and organisations they name once per statement, not by foreign keys
// (migration ReferencesPerStatement). These are the guarantees a foreign key gave, asserted in SQL by any writer,
// including two transactions that race.

let app: TestApp;
const clients: Client[] = [];

beforeAll(async () => {
  app = await startTestApp();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
});
afterAll(() => app?.close());

async function connect(): Promise<Client> {
  const c = new Client({ connectionString: app.dbUrl });
  await c.connect();
  clients.push(c);
  return c;
}

async function organization(code: string): Promise<string> {
  const rows = await app.db.query(`INSERT INTO organizations (code, name, kind, allowed_roles) VALUES ($1, $1, 'VENDOR', '{}') RETURNING id`, [code]);
  return rows[0].id;
}

async function observable(value: string): Promise<string> {
  const rows = await app.db.query(`INSERT INTO observables (type, value) VALUES ('DOMAIN', $1) RETURNING id`, [value]);
  return rows[0].id;
}

const INSERT_INDICATOR = `INSERT INTO indicators (observable_id, author_id, tlp, confidence, severity, valid_from, created_by, updated_by)
  VALUES ($1, $2, 'GREEN', 50, 'LOW', now(), 'test', 'test')`;
const INSERT_WARNING = `INSERT INTO warnings (author_id, tlp, kind, severity, title, subject_type, subject_id)
  VALUES ($1, 'GREEN', 'INDICATOR_HIGH_SEVERITY', 'HIGH', 't', 'Indicator', gen_random_uuid())`;

/** The error a statement failed with: SQLSTATE and message (and detail, which names the key). */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; detail?: string }> {
  const err = await p.then(
    () => null,
    (e: { code: string; message: string; detail?: string }) => e,
  );
  expect(err, 'the statement was expected to fail').not.toBeNull();
  return { code: err!.code, message: err!.message, detail: err!.detail };
}

const count = async (sql: string, params: unknown[]): Promise<number> => Number((await app.db.query(sql, params))[0].n);

/** Whether `p` is still waiting after `ms` (it is blocked on a lock). */
async function pendingAfter(p: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = await Promise.race([p.then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), ms))]);
  return !settled;
}

describe('indicators and warnings name only what exists', () => {
  it('refuse a whole statement when one row names a missing observable, and name the key', async () => {
    const org = await organization('REF-A');
    const good = await observable('ok.ref-a.example');
    const missing = randomUUID();
    const e = await failure(
      app.db.query(
        `INSERT INTO indicators (observable_id, author_id, tlp, confidence, severity, valid_from, created_by, updated_by)
         SELECT o, $2, 'GREEN', 50, 'LOW', now(), 't', 't' FROM unnest($1::uuid[]) AS o`,
        [[good, missing], org],
      ),
    );
    expect(e.code).toBe('23503');
    expect(e.message).toBe('insert on table "indicators" violates foreign key "indicators_observable"');
    expect(e.detail).toBe(`Key (observable_id)=(${missing}) is not present in table "observables".`);
    expect(await count('SELECT count(*) AS n FROM indicators WHERE author_id = $1', [org])).toBe(0);
  });

  it('refuse a missing author, for indicators and for warnings', async () => {
    const obs = await observable('ok.ref-b.example');
    const nobody = randomUUID();
    const i = await failure(app.db.query(INSERT_INDICATOR, [obs, nobody]));
    expect(i).toEqual({ code: '23503', message: 'insert on table "indicators" violates foreign key "indicators_author"', detail: `Key (author_id)=(${nobody}) is not present in table "organizations".` });
    const w = await failure(app.db.query(INSERT_WARNING, [nobody]));
    expect(w).toEqual({ code: '23503', message: 'insert on table "warnings" violates foreign key "warnings_author"', detail: `Key (author_id)=(${nobody}) is not present in table "organizations".` });
    expect(await count('SELECT count(*) AS n FROM warnings WHERE author_id = $1', [nobody])).toBe(0);
  });

  it('accept rows whose observable and author exist, and never let their keys change', async () => {
    const org = await organization('REF-C');
    const other = await organization('REF-C2');
    const [a, b] = [await observable('a.ref-c.example'), await observable('b.ref-c.example')];
    await app.db.query(INSERT_INDICATOR, [a, org]);
    await app.db.query(INSERT_WARNING, [org]);
    // Columns that are not keys change freely.
    await app.db.query(`UPDATE indicators SET confidence = 90, observable_id = observable_id WHERE author_id = $1`, [org]);
    for (const sql of [`UPDATE indicators SET observable_id = $2 WHERE author_id = $1`, `UPDATE indicators SET author_id = $2 WHERE author_id = $1`]) {
      const e = await failure(app.db.query(sql, [org, sql.includes('observable_id =') ? b : other]));
      expect(e.code).toBe('23503');
      expect(e.message).toBe('update on table "indicators" changes a key column (observable_id, author_id), which never changes');
    }
    const w = await failure(app.db.query(`UPDATE warnings SET author_id = $2 WHERE author_id = $1`, [org, other]));
    expect(w.message).toBe('update on table "warnings" changes a key column (author_id), which never changes');
    const rows = await app.db.query(`SELECT observable_id, confidence FROM indicators WHERE author_id = $1`, [org]);
    expect(rows).toEqual([{ observable_id: a, confidence: 90 }]);
    const id = await failure(app.db.query(`UPDATE observables SET id = gen_random_uuid() WHERE id = $1`, [a]));
    expect(id.message).toBe('update on table "observables" changes a key column (id), which never changes');
  });
});

describe('an observable or organisation that is referenced', () => {
  it('cannot be deleted or truncated; an unreferenced one can be deleted', async () => {
    const org = await organization('REF-D');
    const [used, unused] = [await observable('used.ref-d.example'), await observable('unused.ref-d.example')];
    await app.db.query(INSERT_INDICATOR, [used, org]);
    const o = await failure(app.db.query('DELETE FROM observables WHERE id = ANY($1)', [[used, unused]]));
    expect(o).toEqual({ code: '23503', message: 'delete on table "observables" violates a reference from table "indicators"', detail: `Key (id)=(${used}) is still referenced from table "indicators".` });
    expect(await count('SELECT count(*) AS n FROM observables WHERE id = ANY($1)', [[used, unused]])).toBe(2);
    await app.db.query('DELETE FROM observables WHERE id = $1', [unused]);
    expect(await count('SELECT count(*) AS n FROM observables WHERE id = $1', [unused])).toBe(0);

    const g = await failure(app.db.query('DELETE FROM organizations WHERE id = $1', [org]));
    expect(g).toEqual({ code: '23503', message: 'delete on table "organizations" violates a reference from table "indicators"', detail: `Key (id)=(${org}) is still referenced from table "indicators".` });
    const t = await failure(app.db.query('TRUNCATE observables CASCADE'));
    expect(t.code).toBe('23503');
    expect(await count('SELECT count(*) AS n FROM indicators WHERE author_id = $1', [org])).toBe(1);
  });

  it('that only a warning names cannot be deleted either', async () => {
    const org = await organization('REF-E');
    await app.db.query(INSERT_WARNING, [org]);
    const e = await failure(app.db.query('DELETE FROM organizations WHERE id = $1', [org]));
    expect(e.message).toBe('delete on table "organizations" violates a reference from table "warnings"');
    const spare = await organization('REF-E2');
    await app.db.query('DELETE FROM organizations WHERE id = $1', [spare]);
    expect(await count('SELECT count(*) AS n FROM organizations WHERE id = $1', [spare])).toBe(0);
  });

  it('is deleted only under READ COMMITTED, where the check can see what committed while it waited', async () => {
    const unused = await observable('rr.ref-f.example');
    const c = await connect();
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const e = await failure(c.query('DELETE FROM observables WHERE id = $1', [unused]));
    expect(e.code).toBe('55000');
    expect(e.message).toMatch(/^rows of "observables" are deleted only under READ COMMITTED/);
    await c.query('ROLLBACK');
  });
});

describe('a writer and a deleter racing', () => {
  it('an indicator written first, still uncommitted: the deletion waits for it, then fails', async () => {
    const org = await organization('REF-G');
    const obs = await observable('race1.ref-g.example');
    const [writer, deleter] = [await connect(), await connect()];
    await writer.query('BEGIN');
    await writer.query(INSERT_INDICATOR, [obs, org]);
    const deletion = deleter.query('DELETE FROM observables WHERE id = $1', [obs]);
    deletion.catch(() => undefined);
    expect(await pendingAfter(deletion, 300)).toBe(true);
    await writer.query('COMMIT');
    const e = await failure(deletion);
    expect(e.detail).toBe(`Key (id)=(${obs}) is still referenced from table "indicators".`);
    expect(await count('SELECT count(*) AS n FROM indicators i JOIN observables o ON o.id = i.observable_id WHERE i.author_id = $1', [org])).toBe(1);
  });

  it('a deletion first, still uncommitted: the indicator waits for it, then fails as naming a missing observable', async () => {
    const org = await organization('REF-H');
    const obs = await observable('race2.ref-h.example');
    const [writer, deleter] = [await connect(), await connect()];
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM observables WHERE id = $1', [obs]);
    const write = writer.query(INSERT_INDICATOR, [obs, org]);
    write.catch(() => undefined);
    expect(await pendingAfter(write, 300)).toBe(true);
    await deleter.query('COMMIT');
    const e = await failure(write);
    expect(e).toEqual({ code: '23503', message: 'insert on table "indicators" violates foreign key "indicators_observable"', detail: `Key (observable_id)=(${obs}) is not present in table "observables".` });
    expect(await count('SELECT count(*) AS n FROM indicators WHERE author_id = $1', [org])).toBe(0);
  });

  it('a deletion that rolls back lets the waiting indicator in', async () => {
    const org = await organization('REF-I');
    const obs = await observable('race3.ref-i.example');
    const [writer, deleter] = [await connect(), await connect()];
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM observables WHERE id = $1', [obs]);
    const write = writer.query(INSERT_INDICATOR, [obs, org]);
    expect(await pendingAfter(write, 300)).toBe(true);
    await deleter.query('ROLLBACK');
    await write;
    expect(await count('SELECT count(*) AS n FROM indicators WHERE author_id = $1 AND observable_id = $2', [org, obs])).toBe(1);
  });
});
