import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../auth/principal';
import { bearerToken } from '../auth/token-verifier';
import { domainErrorOf, ErrorCode } from '../common/errors';
import { LIMITS } from '../common/limits';
import { logger } from '../common/logger';
import type { Quota } from '../organizations/rate-limit.service';
import type { Context } from './context';
import { collapseDuplicates, logUnexpected, toGraphQLError } from './errors';
import { noteCaller, noteErrors, noteOperation, type OperationRecord } from './operation-log';
import type { Services } from './services';
import { allRules, costErrors, LIMIT_RULES } from './validation';

/**
 * The one operation pipeline every transport runs: the same parse limits,
 * validation rules, cost check (with the operation's variables), token
 * check, context and error handling. HTTP runs it through Apollo's hooks,
 * graphql-ws through `prepare`; a new transport calls the same pieces.
 */

/** Parse options for every transport. */
export const PARSE_OPTIONS = { maxTokens: LIMITS.tokens } as const;
/** Validation rules Apollo adds to graphql's own (graphql-ws validates with `allRules`). */
export { LIMIT_RULES };

/**
 * The principal behind an `Authorization` value (header or connectionParams).
 * A bad token fails the whole operation with UNAUTHENTICATED; it is logged,
 * not written to the audit table, so unauthenticated traffic cannot fill it.
 */
export async function authenticate(services: Services, authorization: unknown, transport: string, record?: OperationRecord): Promise<Principal> {
  try {
    const p = await services.tokens.verify(bearerToken(authorization));
    noteCaller(record, p);
    return p;
  } catch (err) {
    const domain = domainErrorOf(err);
    logger.warn('token rejected', { transport, requestId: record?.requestId, reason: (err as Error).message });
    if (domain?.code === ErrorCode.UNAUTHENTICATED) services.metrics.tokenRejections.inc({ reason: domain.reason ?? 'other' });
    record?.errorCodes.push(domain?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
    throw domain ? toGraphQLError(domain) : err;
  }
}

/**
 * Charges an operation to its organisation's budgets before it runs, on
 * every transport: a query costs one read; a mutation one bulk item per
 * element of a list argument named `input` (submitIndicators,
 * reportSightings), else one. Subscriptions hold one of the organisation's
 * subscription slots: the returned release gives it back when the
 * subscription ends. Over budget: RATE_LIMITED with Retry-After (HTTP 429).
 */
export async function admit(
  services: Services,
  p: Principal,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): Promise<(() => Promise<void>) | undefined> {
  try {
    if (operation.operation === 'subscription') return await services.limits.acquire(p, 'subscriptions');
    if (operation.operation === 'mutation') await services.limits.take(p, 'bulkItems', mutationItems(operation, variables));
    else await services.limits.take(p, 'reads', 1);
    return undefined;
  } catch (err) {
    throw limited(services, p, err);
  }
}

/** The same budgets for a request that is not a GraphQL operation (TAXII): a read, or a write of `items` objects. */
export async function admitRequest(services: Services, p: Principal, items?: number): Promise<void> {
  try {
    if (items !== undefined) await services.limits.take(p, 'bulkItems', Math.max(1, items));
    else await services.limits.take(p, 'reads', 1);
  } catch (err) {
    throw limited(services, p, err);
  }
}

/** Holds one of the organisation's websocket connection slots (released with the returned function) or throws RATE_LIMITED. */
export async function admitConnection(services: Services, p: Principal): Promise<() => Promise<void>> {
  try {
    return await services.limits.acquire(p, 'connections' satisfies Quota);
  } catch (err) {
    throw limited(services, p, err);
  }
}

/** Counts and logs a refusal and turns it into the GraphQL error every transport sends. */
function limited(services: Services, p: Principal, err: unknown): unknown {
  const domain = domainErrorOf(err);
  if (domain?.code !== ErrorCode.RATE_LIMITED) return err;
  services.metrics.rateLimited.inc({ organization: p.orgCode, limit: domain.reason ?? 'other' });
  logger.warn('rate limited', { organization: p.orgCode, subject: p.sub, limit: domain.reason, retryAfter: domain.details.retryAfter });
  return toGraphQLError(domain);
}

/** Items a mutation costs: the length of each root field's `input` list, or one for a field without one. */
function mutationItems(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | null | undefined): number {
  let items = 0;
  for (const sel of operation.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD) {
      items += 1;
      continue;
    }
    // importStix counts the objects of its bundle, like a bulk call counts its items.
    const bundle = sel.arguments?.find((a) => a.name.value === 'bundle')?.value;
    const bundleValue = bundle?.kind === Kind.VARIABLE ? variables?.[bundle.name.value] : undefined;
    if (bundleValue && Array.isArray((bundleValue as { objects?: unknown }).objects)) {
      items += Math.max(1, (bundleValue as { objects: unknown[] }).objects.length);
      continue;
    }
    const value = sel.arguments?.find((a) => a.name.value === 'input')?.value;
    if (value?.kind === Kind.LIST) items += Math.max(1, value.values.length);
    else if (value?.kind === Kind.VARIABLE && Array.isArray(variables?.[value.name.value])) {
      items += Math.max(1, (variables![value.name.value] as unknown[]).length);
    } else items += 1;
  }
  return Math.max(1, items);
}

/**
 * Apollo's part of the pipeline: the cost check once variables are known,
 * the rate limits, masked-error logging, and what the operation's log
 * record needs (its operation, the codes of the errors sent).
 */
export function pipelinePlugin(services: Services): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, operation, contextValue }) {
          noteOperation(contextValue.record, document, operation);
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('subscriptions are served over WebSocket (the graphql-transport-ws protocol) at this same URL, not over HTTP', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          const [tooCostly] = costErrors(document, operationName, request.variables);
          if (tooCostly) throw tooCostly;
          const op = operation ?? getOperationAST(document, operationName);
          if (op) await admit(services, contextValue.principal, document, op, request.variables);
        },
        async didEncounterErrors({ contextValue, errors }) {
          logUnexpected(contextValue.requestId, errors, 'http');
        },
        async willSendResponse({ contextValue, response }) {
          // Every answer depends on the caller's token: never stored by a cache.
          response.http.headers.set('cache-control', 'no-store');
          if (response.body.kind === 'single') noteErrors(contextValue.record, response.body.singleResult.errors);
          if (response.body.kind === 'single' && response.body.singleResult.errors) {
            response.body.singleResult.errors = collapseDuplicates(response.body.singleResult.errors).map((e) =>
              e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
            );
          }
        },
      };
    },
  };
}

/**
 * Parse, validate and cost-check one operation for transports that do not
 * run Apollo (graphql-ws): the document, or the errors labelled with the
 * codes Apollo gives the same failures over HTTP.
 */
export function prepare(
  schema: GraphQLSchema,
  op: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  isDev: boolean,
): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(op.query, PARSE_OPTIONS);
  } catch (err) {
    return { errors: [withCode(err instanceof GraphQLError ? err : new GraphQLError('Syntax error'), 'GRAPHQL_PARSE_FAILED')] };
  }
  const errors = validate(schema, document, allRules(isDev));
  if (errors.length) return { errors: collapseDuplicates(errors).map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) };
  const costly = costErrors(document, op.operationName, op.variables);
  if (costly.length) return { errors: costly };
  return { document };
}

/** The code Apollo gives a failure over HTTP, unless a rule set its own (QUERY_TOO_COMPLEX). */
function withCode(e: GraphQLError, code: string): GraphQLError {
  if (e.extensions.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
}
