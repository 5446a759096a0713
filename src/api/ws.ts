import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { getOperationAST, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../auth/principal';
import { domainErrorOf, ErrorCode, rateLimited, unauthenticated, type DomainError } from '../common/errors';
import { logger } from '../common/logger';
import { closeFor, CloseCode } from './close-codes';
import { createContext, createLoaders } from './context';
import { formatError, logUnexpected, toGraphQLError } from './errors';
import { finishRecord, noteCaller, noteErrors, noteOperation, startRecord, type OperationRecord } from './operation-log';
import { admit, admitConnection, authenticate, prepare } from './pipeline';
import type { Services } from './services';
import { SharedSubscriptionResults } from './shared-results';

export const WS_LIMITS = {
  subscriptionsPerSocket: 20,
  connectionInitWaitMs: 3000,
  maxMessageBytes: 64 * 1024,
  /** How often open sockets are re-checked for revoked keys, suspended organisations and changed group memberships. */
  revocationCheckMs: 2000,
  keepAliveMs: 12_000,
} as const;

/** One operation running on a socket: its log record and the organisation quota it holds, if any. */
interface RunningOperation {
  record: OperationRecord;
  release?: () => Promise<void>;
}

interface SocketState {
  id: string;
  opened: number;
  principal?: Principal;
  operations: Map<string, RunningOperation>;
  /** Operations served over the connection's life. */
  served: number;
  expiry?: NodeJS.Timeout;
  /** Gives back the organisation's connection slot. */
  releaseConnection?: () => Promise<void>;
  /** Why the connection was refused at connection_init, when it was. */
  refused?: string;
  closed: boolean;
}

export interface WebSocketEndpoint {
  /** Closes every socket with 1012 (reconnect and resume), then stops accepting. */
  close(): Promise<void>;
  readonly sockets: number;
}

/** Ends a socket for a domain reason (token no longer valid, slow consumer, over a quota) with the matching close code. */
function end(socket: WebSocket, err: DomainError): void {
  const { code, reason } = closeFor(err);
  socket.close(code, reason);
}

const releaseQuietly = (release: (() => Promise<void>) | undefined) =>
  void release?.().catch((err: unknown) => logger.warn('could not release a rate-limit slot', { error: (err as Error).message }));

/**
 * graphql-ws on the same HTTP server and path as GraphQL over HTTP, through
 * the same pipeline: token rules, validation limits, cost, rate limits and
 * quotas, error masking, one log line per operation and per connection.
 */
export function attachWebSocket(httpServer: http.Server, schema: GraphQLSchema, services: Services, opts: { isDev: boolean; keepAliveMs?: number }): WebSocketEndpoint {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: WS_LIMITS.maxMessageBytes });
  const states = new Map<WebSocket, SocketState>();
  /** Created once, when the socket connects; a closed socket has none (graphql-ws still calls hooks for it while it winds down). */
  const track = (socket: WebSocket): void => {
    if (!states.has(socket)) {
      const state: SocketState = { id: randomUUID(), opened: performance.now(), operations: new Map(), served: 0, closed: false };
      states.set(socket, state);
      socket.once('close', (code, reason) => {
        state.closed = true;
        clearTimeout(state.expiry);
        states.delete(socket);
        for (const op of state.operations.values()) finishOperation(op);
        state.operations.clear();
        releaseQuietly(state.releaseConnection);
        logger.info('websocket connection', {
          connectionId: state.id,
          organization: state.principal?.orgCode,
          subject: state.principal?.sub,
          durationMs: Math.round(performance.now() - state.opened),
          operations: state.served,
          closeCode: code,
          closeReason: reason.toString() || undefined,
          outcome: state.refused ? 'refused' : 'ok',
          errorCode: state.refused,
        });
      });
    }
  };
  /** The state of an open socket; a closed one gets a detached state that nothing counts. */
  const stateOf = (socket: WebSocket): SocketState =>
    states.get(socket) ?? { id: randomUUID(), opened: performance.now(), operations: new Map(), served: 0, closed: true };
  // Every socket gets its state (and its log line) at once, including those that never send connection_init.
  wss.on('connection', (socket) => track(socket));
  services.metrics.sources.websockets = () => {
    let subscriptions = 0;
    for (const s of states.values()) subscriptions += s.operations.size;
    return { connections: states.size, subscriptions };
  };

  const finishOperation = (op: RunningOperation) => {
    finishRecord(op.record, services.metrics, op.record.operationType === 'subscription' ? 'subscription' : 'request');
    releaseQuietly(op.release);
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
          state.refused = ErrorCode.UNAUTHENTICATED;
          return false; // graphql-ws closes with 4403 Forbidden
        }
        try {
          state.releaseConnection = await admitConnection(services, state.principal);
        } catch (err) {
          const domain = domainErrorOf(err);
          if (!domain) throw err;
          state.refused = domain.code;
          end(socket, domain); // 4429; graphql-ws's own close that follows is then a no-op
          return false;
        }
        if (state.closed) releaseQuietly(state.releaseConnection); // closed while the slot was being taken
        const ms = state.principal.expiresAt.getTime() - Date.now();
        state.expiry = setTimeout(() => end(socket, unauthenticated('token expired', 'expired')), Math.max(ms, 0));
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = stateOf(ctx.extra.socket);
        const record = startRecord('websocket', { connectionId: state.id, operationId: id });
        noteCaller(record, state.principal!);
        if (state.operations.size >= WS_LIMITS.subscriptionsPerSocket) {
          const err = toGraphQLError(rateLimited(`at most ${WS_LIMITS.subscriptionsPerSocket} subscriptions per connection`, undefined, 'subscriptionsPerConnection'));
          noteErrors(record, [relabel(err)]);
          finishRecord(record, services.metrics);
          return [err];
        }
        // Taken before the first await: operations arrive concurrently, and each must see the others' slots.
        const running: RunningOperation = { record };
        state.operations.set(id, running);
        const refuse = (errors: readonly GraphQLError[]) => {
          state.operations.delete(id);
          noteErrors(record, errors.map(relabel));
          finishRecord(record, services.metrics);
          return errors;
        };
        const prepared = prepare(schema, payload, opts.isDev);
        if ('errors' in prepared) return refuse(prepared.errors);
        const operation = getOperationAST(prepared.document, payload.operationName ?? undefined);
        noteOperation(record, prepared.document, operation);
        try {
          if (operation) running.release = await admit(services, state.principal!, prepared.document, operation, payload.variables);
        } catch (err) {
          if (err instanceof GraphQLError) return refuse([err]);
          state.operations.delete(id);
          throw err;
        }
        if (state.closed) {
          releaseQuietly(running.release);
          return refuse([new GraphQLError('connection closed')]);
        }
        state.served++;
        if (operation?.operation === 'subscription') logger.debug('subscription started', { requestId: record.requestId, connectionId: state.id, operationId: id });
        const socket = ctx.extra.socket;
        const contextValue = createContext(services, state.principal!, { close: (code, reason) => socket.close(code, reason) }, record);
        return {
          schema,
          document: prepared.document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue,
        };
      },
      onComplete: (ctx, id) => {
        const state = stateOf(ctx.extra.socket);
        const op = state.operations.get(id);
        state.operations.delete(id);
        if (op) finishOperation(op);
      },
      onError: (ctx, id, _payload, errors) => {
        const out = errors.map(relabel);
        noteErrors(states.get(ctx.extra.socket)?.operations.get(id)?.record, out);
        return out;
      },
      onNext: (ctx, id, _payload, args, result) => {
        if (!result.errors?.length) return undefined;
        logUnexpected((args.contextValue as { requestId: string }).requestId, result.errors, 'websocket');
        const errors = result.errors.map(relabel);
        noteErrors(states.get(ctx.extra.socket)?.operations.get(id)?.record, errors);
        return { ...result, errors };
      },
    },
    wss,
    opts.keepAliveMs ?? WS_LIMITS.keepAliveMs,
  );

  // Long-lived sockets outlive the check at connect: re-check keys, organisations and roles, and refresh group memberships.
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
