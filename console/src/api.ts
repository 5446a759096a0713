// The only way the console talks to the server: the public GraphQL API with the user's own token.
import { createClient, type Client } from 'graphql-ws';
import type { Session } from './auth';

export class ApiError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

let session: Session | undefined;
let wsClient: Client | undefined;

export function setSession(s: Session | undefined): void {
  session = s;
  void wsClient?.dispose();
  wsClient = undefined;
}
export const currentSession = (): Session | undefined => session;

/** One operation over HTTP; GraphQL errors become an ApiError carrying the first error's code. */
export async function gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  if (!session) throw new ApiError('not signed in', 'UNAUTHENTICATED');
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await session.token()}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`HTTP ${res.status}`);
  }
  if (body.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join('; '), body.errors[0].extensions?.code);
  return body.data as T;
}

function ws(): Client {
  if (!wsClient) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    // A fresh token on every (re)connect: the server closes the socket when a token expires.
    wsClient = createClient({ url, lazy: true, retryAttempts: 0, connectionParams: async () => ({ authorization: `Bearer ${await session!.token()}` }) });
  }
  return wsClient;
}

/**
 * Follows the warning subscription from `after`, resubscribing from the last cursor seen whenever the socket
 * drops, so nothing is missed or repeated. Returns a function that stops it.
 */
export function followWarnings(after: string | undefined, onEvent: (e: { cursor: string; warning: any }) => void, onState: (s: 'live' | 'reconnecting') => void): () => void {
  let stopped = false;
  let cursor = after;
  let unsubscribe: (() => void) | undefined;
  const query = `subscription($after: String) { warnings(after: $after) { cursor warning { ${WARNING_FIELDS} } } }`;
  const start = () => {
    if (stopped) return;
    onState('live');
    unsubscribe = ws().subscribe<{ warnings: { cursor: string; warning: any } }>(
      { query, variables: { after: cursor } },
      {
        next: (msg) => {
          if (!msg.data) return;
          cursor = msg.data.warnings.cursor;
          onEvent(msg.data.warnings);
        },
        error: () => retry(),
        complete: () => retry(),
      },
    );
  };
  const retry = () => {
    if (stopped) return;
    onState('reconnecting');
    void wsClient?.dispose();
    wsClient = undefined;
    setTimeout(start, 2000);
  };
  start();
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}

export const WARNING_FIELDS = 'id kind severity title summary tlp subjectType subjectId createdAt author { code }';

/**
 * Follows a subscription over the shared socket until stopped, subscribing again after a drop (the socket is shared
 * with the warning feed, which replaces it when it reconnects). No resume: a subscription such as `statistics` sends
 * the current figures first, so a fresh one loses nothing.
 */
export function live<T>(query: string, variables: Record<string, unknown>, onData: (d: T) => void, onEnd: () => void): () => void {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = () => {
    if (stopped) return;
    onEnd();
    timer = setTimeout(start, 3000);
  };
  const start = () => {
    if (!stopped) unsubscribe = ws().subscribe<T>({ query, variables }, { next: (msg) => msg.data && onData(msg.data as T), error: ended, complete: ended });
  };
  start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe?.();
  };
}
