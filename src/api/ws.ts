import type http from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../auth/principal';
import { rateLimited, unauthenticated, type DomainError } from '../common/errors';
import { logger } from '../common/logger';
import { closeFor, CloseCode } from './close-codes';
import { createContext, createLoaders } from './context';
import { formatError, logUnexpected, toGraphQLError } from './errors';
import { authenticate, prepare } from './pipeline';
import type { Services } from './services';
import { SharedSubscriptionResults } from './shared-results';

export const WS_LIMITS = {
  subscriptionsPerSocket: 20,
  connectionInitWaitMs: 3000,
  maxMessageBytes: 64 * 1024,
  /** How often open sockets are re-checked for revoked keys and suspended organisations. */
  revocationCheckMs: 2000,
  keepAliveMs: 12_000,
} as const;

interface SocketState {
  principal?: Principal;
  subscriptions: Set<string>;
  expiry?: NodeJS.Timeout;
}

export interface WebSocketEndpoint {
  /** Closes every socket with 1012 (reconnect and resume), then stops accepting. */
  close(): Promise<void>;
  readonly sockets: number;
}

/** Ends a socket for a domain reason (token no longer valid, slow consumer) with the matching close code. */
function end(socket: WebSocket, err: DomainError): void {
  const { code, reason } = closeFor(err);
  socket.close(code, reason);
}

/**
 * graphql-ws on the same HTTP server and path as GraphQL over HTTP, through
 * the same pipeline: token rules, validation limits, cost, error masking.
 */
export function attachWebSocket(httpServer: http.Server, schema: GraphQLSchema, services: Services, opts: { isDev: boolean }): WebSocketEndpoint {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: WS_LIMITS.maxMessageBytes });
  const states = new Map<WebSocket, SocketState>();
  const stateOf = (socket: WebSocket): SocketState => {
    let s = states.get(socket);
    if (!s) {
      s = { subscriptions: new Set() };
      states.set(socket, s);
      socket.once('close', () => {
        clearTimeout(s!.expiry);
        states.delete(socket);
      });
    }
    return s;
  };

  const shared = new SharedSubscriptionResults((p) => createLoaders(services, p));
  const server = useServer<Record<string, unknown>, { socket: WebSocket }>(
    {
      schema,
      subscribe: (args) => shared.subscribe(args),
      connectionInitWaitTimeout: WS_LIMITS.connectionInitWaitMs,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const state = stateOf(socket);
        try {
          state.principal = await authenticate(services, ctx.connectionParams?.authorization, 'websocket');
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
        const ms = state.principal.expiresAt.getTime() - Date.now();
        state.expiry = setTimeout(() => end(socket, unauthenticated('token expired')), Math.max(ms, 0));
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const state = stateOf(ctx.extra.socket);
        if (state.subscriptions.size >= WS_LIMITS.subscriptionsPerSocket) {
          return [toGraphQLError(rateLimited(`at most ${WS_LIMITS.subscriptionsPerSocket} subscriptions per connection`))];
        }
        const prepared = prepare(schema, payload, opts.isDev);
        if ('errors' in prepared) return prepared.errors;
        state.subscriptions.add(id);
        const socket = ctx.extra.socket;
        const contextValue = createContext(services, state.principal!, { close: (code, reason) => socket.close(code, reason) });
        return {
          schema,
          document: prepared.document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue,
        };
      },
      onComplete: (ctx, id) => {
        stateOf(ctx.extra.socket).subscriptions.delete(id);
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(relabel),
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return undefined;
        logUnexpected((args.contextValue as { requestId: string }).requestId, result.errors, 'websocket');
        return { ...result, errors: result.errors.map(relabel) };
      },
    },
    wss,
    WS_LIMITS.keepAliveMs,
  );

  // Long-lived sockets outlive the check at connect: re-check keys, organisations and roles.
  const sweep = setInterval(() => {
    const open = [...states.entries()].filter(([, s]) => s.principal);
    if (!open.length) return;
    services.tokens
      .recheck(open.map(([, s]) => s.principal!))
      .then((problems) => problems.forEach((err, i) => err && end(open[i][0], err)))
      .catch((err: unknown) => logger.warn('revocation check failed', { error: (err as Error).message }));
  }, WS_LIMITS.revocationCheckMs);
  sweep.unref();

  return {
    get sockets() {
      return states.size;
    },
    async close() {
      clearInterval(sweep);
      for (const socket of wss.clients) socket.close(CloseCode.ServiceRestart, 'Server restarting: reconnect and resume with after');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function relabel(e: GraphQLError) {
  return formatError(e.toJSON(), e);
}
