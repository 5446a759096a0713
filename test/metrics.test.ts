import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startAppOn, startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { subscribe } from './support/ws';

let app: TestApp;
let c: Community;
beforeAll(async () => {
  app = await startTestApp({ metricsPort: 0 });
  c = await community(app);
});
afterAll(() => app?.close());

/** One scrape of /metrics, as Prometheus would take it. */
async function scrape(url = app.server.metricsUrl!): Promise<{ text: string; value(name: string, labels?: Record<string, string>): number }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const series = text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l)!;
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
      return { name: m[1], labels, value: Number(m[3]) };
    });
  return {
    text,
    /** The sum of the series of `name` whose labels include `labels`. */
    value: (name, labels = {}) =>
      series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0),
  };
}

const waitFor = async (check: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('/metrics', () => {
  it('serves Prometheus text on its own loopback listener, and nothing else there', async () => {
    expect(app.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(app.server.metricsUrl).not.toContain(`:${app.server.port}/`);
    const { text, value } = await scrape();
    expect(text).toContain('# TYPE threatfed_requests_total counter');
    expect(text).toContain('# TYPE threatfed_request_duration_seconds histogram');
    expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
    expect(value('threatfed_warning_listener_connected')).toBe(1);
    expect((await fetch(app.server.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
    // The API port does not serve metrics.
    expect((await fetch(app.url.replace('/graphql', '/metrics'))).status).toBe(404);
  });

  it('counts requests by operation and outcome, errors by code and token rejections by reason', async () => {
    const before = await scrape();
    const token = await c.bkav.token();
    expect((await app.gql(token, '{ me { subject } }')).status).toBe(200);
    expect((await app.gql(token, 'query Named { me { subject } organization(code: "BKAV") { code } }')).status).toBe(200);
    expect((await app.gql('not-a-jwt', '{ me { subject } }')).status).toBe(401);
    expect((await app.gql(token, '{ indicator(id: "nope") { id } }')).body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const after = await scrape();
    const diff = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);

    expect(diff('threatfed_requests_total', { transport: 'http', operation: 'me', type: 'query', outcome: 'ok' })).toBe(1);
    // The label is the root fields, never the client's operation name.
    expect(diff('threatfed_requests_total', { operation: 'me+organization', type: 'query', outcome: 'ok' })).toBe(1);
    expect(after.text).not.toContain('Named');
    expect(diff('threatfed_request_duration_seconds_count', { operation: 'me', outcome: 'ok' })).toBe(1);
    expect(diff('threatfed_requests_total', { operation: 'none', outcome: 'error' })).toBe(1);
    expect(diff('threatfed_token_rejections_total', { reason: 'malformed' })).toBe(1);
    expect(diff('threatfed_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(diff('threatfed_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(diff('threatfed_requests_total', { operation: 'indicator', outcome: 'error' })).toBe(1);
  });

  it('counts ingest by outcome, warnings logged and delivered with their lag, and open websockets', async () => {
    const sub = subscribe(app.url, await c.danang.token());
    try {
      await waitFor(async () => (await scrape()).value('threatfed_websocket_subscriptions') === 1);
      const before = await scrape();
      expect(before.value('threatfed_websocket_connections')).toBe(1);
      const res = await app.gql(
        await c.bkav.token([Role.CONTRIBUTOR]),
        'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created rejected } }',
        {
          i: [
            { type: 'DOMAIN', value: 'm1.metrics.example', tlp: 'GREEN', severity: 'HIGH' },
            { type: 'DOMAIN', value: 'm2.metrics.example', tlp: 'GREEN', severity: 'CRITICAL' },
            { type: 'IPV4', value: '999.1.1.1', tlp: 'GREEN' },
          ],
        },
      );
      expect(res.body.data?.submitIndicators).toEqual({ created: 2, rejected: 1 });
      await sub.waitFor(2);
      await waitFor(async () => (await scrape()).value('threatfed_warnings_delivered_total', { mode: 'live' }) - before.value('threatfed_warnings_delivered_total', { mode: 'live' }) === 2);
      const after = await scrape();
      const diff = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
      expect(diff('threatfed_ingest_items_total', { kind: 'indicator', outcome: 'created' })).toBe(2);
      expect(diff('threatfed_ingest_items_total', { kind: 'indicator', outcome: 'rejected' })).toBe(1);
      expect(diff('threatfed_warnings_logged_total', { kind: 'INDICATOR_HIGH_SEVERITY' })).toBe(2);
      expect(diff('threatfed_warning_delivery_lag_seconds_count')).toBe(2);
      expect(diff('threatfed_requests_total', { transport: 'http', operation: 'submitIndicators', type: 'mutation', outcome: 'ok' })).toBe(1);
      expect(after.value('threatfed_db_pool_connections', { state: 'idle' }) + after.value('threatfed_db_pool_connections', { state: 'in_use' })).toBeGreaterThan(0);
      expect(after.text).toMatch(/threatfed_db_pool_connections\{state="waiting"\} 0/);
    } finally {
      await sub.dispose();
    }
    await waitFor(async () => (await scrape()).value('threatfed_websocket_connections') === 0);
    const closed = await scrape();
    expect(closed.value('threatfed_websocket_subscriptions')).toBe(0);
    expect(closed.value('threatfed_requests_total', { transport: 'websocket', operation: 'warnings', type: 'subscription', outcome: 'ok' })).toBe(1);
  });

  it('counts rate-limited operations by organisation', async () => {
    const admin = await c.vncert.token([Role.ADMIN]);
    const set = await app.gql(admin, 'mutation { setOrganizationLimits(organization: "MOF-TAX", limits: { readsPerMinute: 1 }) { code } }');
    expect(set.body.errors).toBeUndefined();
    const before = await scrape();
    const token = await c.mofTax.token();
    await app.gql(token, '{ me { subject } }');
    expect((await app.gql(token, '{ me { subject } }')).status).toBe(429);
    const after = await scrape();
    expect(after.value('threatfed_rate_limited_total', { organization: 'MOF-TAX', limit: 'readsPerMinute' }) - before.value('threatfed_rate_limited_total', { organization: 'MOF-TAX', limit: 'readsPerMinute' })).toBe(1);
    expect(after.value('threatfed_graphql_errors_total', { code: 'RATE_LIMITED' }) - before.value('threatfed_graphql_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
  });

  it('keeps each server instance\'s figures apart, even in one process', async () => {
    const other = await startAppOn(app.dbUrl, { metricsPort: 0 });
    try {
      const before = await scrape(other.server.metricsUrl);
      await app.gql(await c.viettel.token(), '{ me { subject } }');
      const after = await scrape(other.server.metricsUrl);
      expect(after.value('threatfed_requests_total')).toBe(before.value('threatfed_requests_total'));
      await other.gql(await c.viettel.token(), '{ me { subject } }');
      expect((await scrape(other.server.metricsUrl)).value('threatfed_requests_total', { operation: 'me' })).toBe(1);
    } finally {
      await other.close();
    }
  });
});
