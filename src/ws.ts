import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from './auth/principal';
import { bearerToken } from './auth/token-verifier';
import { ErrorCode, PUBLIC_CODES } from './common/errors';
import { LIMIT_RULES, LIMITS } from './common/limits';
import { logger } from './common/logger';
import { createLoaders, type Context } from './context';
import { formatError } from './common/format-error';
import type { Services } from './services';
import { CloseCode } from './ws-close-codes';
import { SharedSubscriptionResults } from './ws-shared-results';

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

/**
 * graphql-ws on the same HTTP server and path as GraphQL over HTTP, with the
 * same token rules, validation limits and error masking.
 */
export function attachWebSocket(httpServer: http.Server, schema: GraphQLSchema, services: Services, opts: { isDev: boolean }): WebSocketEndpoint {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: WS_LIMITS.maxMessageBytes });
  const states = new Map<WebSocket, SocketState>();
  const rules = [...specifiedRules, ...LIMIT_RULES, ...(opts.isDev ? [] : [NoSchemaIntrospectionCustomRule])];
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

  const shared = new SharedSubscriptionResults();
  const server = useServer<Record<string, unknown>, { socket: WebSocket }>(
    {
      schema,
      subscribe: (args) => shared.subscribe(args),
      connectionInitWaitTimeout: WS_LIMITS.connectionInitWaitMs,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const state = stateOf(socket);
        try {
          state.principal = await services.tokens.verify(bearerToken(ctx.connectionParams?.authorization));
        } catch (err) {
          logger.warn('websocket token rejected', { reason: (err as Error).message });
          return false; // graphql-ws closes with 4403 Forbidden
        }
        const ms = state.principal.expiresAt.getTime() - Date.now();
        state.expiry = setTimeout(() => socket.close(CloseCode.Forbidden, 'Token expired'), Math.max(ms, 0));
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const state = stateOf(ctx.extra.socket);
        if (state.subscriptions.size >= WS_LIMITS.subscriptionsPerSocket) {
          return [
            new GraphQLError(`at most ${WS_LIMITS.subscriptionsPerSocket} subscriptions per connection`, {
              extensions: { code: ErrorCode.RATE_LIMITED },
            }),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: LIMITS.tokens });
        } catch (err) {
          return [withCode(err instanceof GraphQLError ? err : new GraphQLError('Syntax error'), 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        state.subscriptions.add(id);
        const principal = state.principal!;
        const contextValue: Context = {
          requestId: randomUUID(),
          principal,
          services,
          loaders: createLoaders(services, principal),
          connection: { close: (code, reason) => ctx.extra.socket.close(code, reason) },
        };
        return { schema, document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, contextValue };
      },
      onComplete: (ctx, id) => {
        stateOf(ctx.extra.socket).subscriptions.delete(id);
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => relabel(e)),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        for (const e of result.errors) {
          if (!PUBLIC_CODES.has(String(e.extensions?.code ?? ''))) {
            logger.error('unhandled error in subscription', { error: e.message, path: e.path });
          }
        }
        return { ...result, errors: result.errors.map((e) => relabel(e)) };
      },
    },
    wss,
    WS_LIMITS.keepAliveMs,
  );

  // Long-lived sockets outlive the check at connect: re-check keys and organisations.
  const sweep = setInterval(() => {
    const open = [...states.entries()].filter(([, s]) => s.principal);
    if (!open.length) return;
    const pairs = open.map(([, s]) => ({ orgId: s.principal!.orgId, kid: s.principal!.kid }));
    services.tokens
      .stillValid(pairs)
      .then((valid) => {
        for (const [socket, s] of open) {
          const allowed = valid.get(`${s.principal!.orgId}/${s.principal!.kid}`);
          if (!allowed) socket.close(CloseCode.Forbidden, 'Token revoked');
          else if (!s.principal!.roles.every((r) => allowed.includes(r))) socket.close(CloseCode.Forbidden, 'Role no longer allowed');
        }
      })
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

/** The codes Apollo gives the same failures over HTTP, unless a rule set its own (QUERY_TOO_COMPLEX). */
function withCode(e: GraphQLError, code: string): GraphQLError {
  if (e.extensions.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
}

function relabel(e: GraphQLError) {
  return formatError(e.toJSON(), e);
}
