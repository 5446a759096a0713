import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { createOrg } from './support/fixtures';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  const org = await createOrg(app, { code: 'VNCERT', kind: OrgKind.COORDINATOR });
  token = await org.token([Role.ANALYST]);
});
afterAll(() => app?.close());

const code = (res: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) => res.body.errors?.[0]?.extensions?.code;

describe('query limits (same numbers as DESIGN.md)', () => {
  it('refuses depth over 10', async () => {
    // parent { parent { ... } } nests without bound.
    const q = `{ organization(code: "VNCERT") { ${'parent { '.repeat(10)}id${' }'.repeat(10)} } }`;
    const res = await app.gql(token, q);
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/depth 12 exceeds the limit of 10/);
    const ok = await app.gql(token, `{ organization(code: "VNCERT") { ${'parent { '.repeat(8)}id${' }'.repeat(8)} } }`);
    expect(ok.body.errors).toBeUndefined();
  });

  it('refuses more than 15 aliases, __typename included', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ');
    const res = await app.gql(token, `{ ${aliases} }`);
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/16 aliases exceed the limit of 15/);
  });

  it('refuses more than 10 directives', async () => {
    const spreads = Array.from({ length: 11 }, () => '... on Query @include(if: true) { __typename }').join(' ');
    const res = await app.gql(token, `{ ${spreads} }`);
    expect(res.body.errors?.[0].message).toMatch(/11 directives exceed the limit of 10/);
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses more than 2,000 tokens before parsing the rest', async () => {
    const res = await app.gql(token, `{ ${'__typename '.repeat(2100)} }`);
    expect(res.status).toBe(400);
    expect(code(res)).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.body.errors?.[0].message).toMatch(/more that 2000 tokens|more than 2000 tokens/);
  });

  it('refuses an estimated cost over 10,000', async () => {
    const res = await app.gql(
      token,
      '{ indicators(first: 500) { edges { node { observable { indicators(first: 500) { edges { node { id tlp } } } } } } } }',
    );
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/query cost \d+ exceeds the limit of 10000/);
  });

  it('counts a connection without `first` at the default page size', async () => {
    // 50 × (50 × 3 + …) > 10,000 only if the unpaged connections are counted as pages.
    const res = await app.gql(token, '{ indicators { edges { node { observable { indicators { edges { node { id tlp confidence } } } } } } } }');
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
  });

  it('reports a missing required argument as bad input', async () => {
    const res = await app.gql(token, '{ indicator { id } }');
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(/argument "id" of type "ID!" is required/);
  });
});

describe('HTTP hardening', () => {
  it('refuses a body over 1 MiB with a clear error', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: 'request body exceeds 1 MiB', extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('refuses batched operations', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batch/i);
  });

  it('refuses mutations over GET and simple (CSRF-able) requests', async () => {
    const get = await fetch(`${app.url}?query=${encodeURIComponent('mutation { setAssetRanges(ranges: []) { id } }')}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(405);
    const simple = await fetch(`${app.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/);
  });

  it('has no landing page and no introspection or field suggestions outside development', async () => {
    const page = await fetch(app.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/<html/i);
    const intro = await app.gql(token, '{ __schema { types { name } } }');
    expect(intro.body.errors?.[0].message).toMatch(/introspection/i);
    const typo = await app.gql(token, '{ indicatorz { totalCount } }');
    expect(typo.body.errors?.[0].message).toBe('Cannot query field "indicatorz" on type "Query".');
  });

  it('masks internal errors and returns a request id that is in the server log', async () => {
    await app.db.query('ALTER TABLE indicators RENAME TO indicators_away');
    try {
      const res = await app.gql(token, '{ indicators { totalCount } }');
      expect(res.body.errors?.[0]).toEqual({
        message: 'Internal server error',
        locations: expect.any(Array),
        path: ['indicators'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      });
      expect(JSON.stringify(res.body)).not.toMatch(/indicators_away|relation|QueryFailed/);
      expect(res.headers.get('x-request-id')).toBe(res.body.errors?.[0].extensions?.requestId);
    } finally {
      await app.db.query('ALTER TABLE indicators_away RENAME TO indicators');
    }
  });
});

describe('development mode', () => {
  it('allows introspection when NODE_ENV=development', async () => {
    const dev = await startTestApp({ isDev: true });
    try {
      const org = await createOrg(dev, { code: 'VNCERT', kind: OrgKind.COORDINATOR });
      const res = await dev.gql(await org.token(), '{ __schema { queryType { name } } }');
      expect(res.body.data?.__schema.queryType.name).toBe('Query');
    } finally {
      await dev.close();
    }
  });
});
