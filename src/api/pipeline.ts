import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Principal } from '../auth/principal';
import { bearerToken } from '../auth/token-verifier';
import { domainErrorOf } from '../common/errors';
import { LIMITS } from '../common/limits';
import { logger } from '../common/logger';
import type { Context } from './context';
import { logUnexpected, toGraphQLError } from './errors';
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
export async function authenticate(services: Services, authorization: unknown, transport: string): Promise<Principal> {
  try {
    return await services.tokens.verify(bearerToken(authorization));
  } catch (err) {
    logger.warn('token rejected', { transport, reason: (err as Error).message });
    const domain = domainErrorOf(err);
    throw domain ? toGraphQLError(domain) : err;
  }
}

/** Apollo's part of the pipeline: the cost check once variables are known, masked-error logging, the request id header. */
export const pipelinePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, operationName, request }) {
        const [tooCostly] = costErrors(document, operationName, request.variables);
        if (tooCostly) throw tooCostly;
      },
      async didEncounterErrors({ contextValue, errors }) {
        logUnexpected(contextValue.requestId, errors, 'http');
      },
      async willSendResponse({ contextValue, response }) {
        response.http.headers.set('x-request-id', contextValue.requestId);
        // Every answer depends on the caller's token: never stored by a cache.
        response.http.headers.set('cache-control', 'no-store');
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
          );
        }
      },
    };
  },
};

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
  if (errors.length) return { errors: errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) };
  const costly = costErrors(document, op.operationName, op.variables);
  if (costly.length) return { errors: costly };
  return { document };
}

/** The code Apollo gives a failure over HTTP, unless a rule set its own (QUERY_TOO_COMPLEX). */
function withCode(e: GraphQLError, code: string): GraphQLError {
  if (e.extensions.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
}
