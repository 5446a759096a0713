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
