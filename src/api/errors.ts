import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { domainErrorOf, ErrorCode, type DomainError } from '../common/errors';
import { logger } from '../common/logger';

/** Codes a client may see verbatim: the catalogue's and graphql/Apollo's own request errors. Anything else is masked. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401, QUERY_TOO_COMPLEX: 400, RATE_LIMITED: 429 };

/**
 * The one mapping from a domain error to GraphQL: `extensions.code`, the
 * error's details, and the HTTP status where it has one (Apollo reads
 * `extensions.http` and drops it from the body). RATE_LIMITED also sets
 * `Retry-After` from its `retryAfter` seconds.
 */
export function toGraphQLError(e: DomainError): GraphQLError {
  const status = HTTP_STATUS[e.code];
  const retryAfter = e.details.retryAfter;
  const headers = typeof retryAfter === 'number' ? new Map([['retry-after', String(retryAfter)]]) : undefined;
  const http = status ? { http: { status, ...(headers ? { headers } : {}) } } : {};
  return new GraphQLError(e.message, { originalError: e, extensions: { code: e.code, ...e.details, ...http } });
}

/** graphql-js reports bad literal values as validation errors; to a client they are bad input. */
const BAD_VALUE = /^(Expected value of type|Value ".*" does not exist in|Enum ".*" cannot represent|[A-Za-z]+ cannot represent|Field ".*" of required type|Argument ".*" of required type|Variable ".*" got invalid value|Variable ".*" of required type|Field ".*" argument ".*" of type ".*" is required)/;

/** Apollo prefixes errors thrown while building the context; the reason alone is what a client needs. */
const CONTEXT_PREFIX = 'Context creation failed: ';

/**
 * The one error formatter, for every transport: domain errors keep their
 * code and message, graphql's request errors their code, and anything else
 * is masked (it was logged with the request id, see logUnexpected).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const domain = domainErrorOf(error);
  if (domain) {
    return { message: domain.message, locations: formatted.locations, path: formatted.path, extensions: { code: domain.code, ...domain.details } };
  }
  // Apollo re-labels every validation error; our limit rules' own code is on the original.
  const original = (error as { originalError?: { extensions?: Record<string, unknown> } } | null)?.originalError;
  if (original?.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX) {
    formatted = { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.QUERY_TOO_COMPLEX } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (formatted.message.startsWith(CONTEXT_PREFIX)) formatted = { ...formatted, message: formatted.message.slice(CONTEXT_PREFIX.length) };
  // Over graphql-ws, graphql-js's request errors (variables that do not coerce) arrive with no code at all.
  const requestError = !code && !formatted.path;
  if ((code === 'GRAPHQL_VALIDATION_FAILED' || requestError) && BAD_VALUE.test(formatted.message)) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
  }
  if (PUBLIC_CODES.has(code)) return formatted;
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/** Whether an error will be masked: those are logged with the request id that the client receives. */
export function isUnexpected(err: GraphQLError): boolean {
  return formatError(err.toJSON(), err).extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR;
}

/** Logs the errors a client will only see masked, with the request id it does see. */
export function logUnexpected(requestId: string, errors: readonly GraphQLError[], transport: string): void {
  for (const err of errors) {
    if (!isUnexpected(err)) continue;
    const cause = (err.originalError ?? err) as Error;
    logger.error('unhandled error', { requestId, transport, path: err.path, error: cause.message, stack: cause.stack });
  }
}

/**
 * One error per distinct message: a document repeating one mistake (ten
 * copies of an unknown directive) gets one error with every location, not ten.
 */
export function collapseDuplicates<E extends GraphQLFormattedError>(errors: readonly E[]): E[] {
  const byKey = new Map<string, E>();
  for (const e of errors) {
    const key = `${String(e.extensions?.code ?? '')}\u0000${e.message}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, e);
    // A formatted error gathers the locations; a GraphQLError (graphql-ws validation) keeps its first, as copying would lose its class.
    else if (e.locations?.length && !(seen instanceof Error)) byKey.set(key, { ...seen, locations: [...(seen.locations ?? []), ...e.locations] });
  }
  return [...byKey.values()];
}
