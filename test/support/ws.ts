import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received {
  cursor: string;
  warning: { kind: string; title: string; severity: string; subjectId: string };
}

export interface Subscriber {
  client: Client;
  events: Received[];
  errors: unknown[];
  /** Resolves with the close event's code when the socket closes. */
  closed: Promise<number>;
  /** Waits until `n` events arrived (or fails after `ms`). */
  waitFor(n: number, ms?: number): Promise<Received[]>;
  dispose(): Promise<void>;
}

export const WARNING_SUBSCRIPTION = `subscription($filter: WarningFilter, $after: String) {
  warnings(filter: $filter, after: $after) { cursor warning { kind title severity subjectId } }
}`;

/** A real graphql-ws client over `ws`, as an agency portal would run it, with no automatic retry. */
export function subscribe(httpUrl: string, token: string, variables: Record<string, unknown> = {}): Subscriber {
  const url = httpUrl.replace(/^http/, 'ws');
  let closedResolve!: (code: number) => void;
  const closed = new Promise<number>((r) => (closedResolve = r));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // Close codes are asserted through `closed`; the default would print every close to stderr.
    onNonLazyError: () => undefined,
    on: { closed: (e) => closedResolve((e as { code: number }).code) },
  });
  const events: Received[] = [];
  const errors: unknown[] = [];
  let notify: (() => void) | undefined;
  client.subscribe<{ warnings: Received }>(
    { query: WARNING_SUBSCRIPTION, variables },
    {
      next: (v) => {
        if (v.data) events.push(v.data.warnings);
        if (v.errors) errors.push(...v.errors);
        notify?.();
      },
      error: (e) => {
        errors.push(e);
        notify?.();
      },
      complete: () => undefined,
    },
  );
  return {
    client,
    events,
    errors,
    closed,
    async waitFor(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} events; got ${events.length}; errors: ${JSON.stringify(errors)}`);
        await new Promise<void>((r) => {
          notify = r;
          setTimeout(r, 100);
        });
      }
      return events;
    },
    async dispose() {
      await client.dispose();
    },
  };
}

let raised = 0;
/**
 * Posts `count` new GREEN indicators at `severity` (HIGH by default) through
 * `url`'s GraphQL endpoint: each raises one INDICATOR_HIGH_SEVERITY warning
 * that everyone may read. Returns the values, in order. `retries` covers the
 * first request after a database restart, which may meet a dead pooled connection.
 */
export async function raiseWarnings(url: string, token: string, count: number, opts: { severity?: string; retries?: number } = {}): Promise<string[]> {
  const values = Array.from({ length: count }, () => `w${raised++}-${process.pid}.warn.example`);
  const input = values.map((value) => ({ type: 'DOMAIN', value, tlp: 'GREEN', severity: opts.severity ?? 'HIGH' }));
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', variables: { i: input } }),
    });
    const body = (await res.json()) as { data?: { submitIndicators: { created: number } } };
    if (body.data?.submitIndicators.created === count) return values;
    if (attempt >= (opts.retries ?? 0)) throw new Error(`could not raise ${count} warnings: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A warning's title without the "HIGH DOMAIN indicator: " prefix: the value raiseWarnings returned. */
export const titles = (events: { warning: { title: string } }[]) => events.map((e) => e.warning.title.replace(/^[A-Z]+ DOMAIN indicator: /, ''));
