import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, PUBLIC_CODES } from './errors';

/** graphql-js reports bad literal values as validation errors; to a client they are bad input. */
const BAD_VALUE = /^(Expected value of type|Value ".*" does not exist in|Enum ".*" cannot represent|Int cannot represent|Float cannot represent|String cannot represent|Boolean cannot represent|ID cannot represent|Field ".*" of required type|Argument ".*" of required type|Variable ".*" got invalid value|Variable ".*" of required type|Field ".*" argument ".*" of type ".*" is required)/;

/** Apollo prefixes errors thrown while building the context; the reason alone is what a client needs. */
const CONTEXT_PREFIX = 'Context creation failed: ';

/** Anything not in the error catalogue is masked; the request id ties the client's report to the server log. */
/** The one error formatter, for HTTP and websockets alike. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // Apollo re-labels every validation error; our limit rules' own code is on the original.
  // Duck-typed: under vitest, graphql may be loaded twice (ESM and CJS), so instanceof is unreliable.
  const original = (error as { originalError?: { extensions?: Record<string, unknown> } } | null)?.originalError;
  if (original?.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX) {
    formatted = { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.QUERY_TOO_COMPLEX } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (formatted.message.startsWith(CONTEXT_PREFIX)) formatted = { ...formatted, message: formatted.message.slice(CONTEXT_PREFIX.length) };
  if (code === 'GRAPHQL_VALIDATION_FAILED' && BAD_VALUE.test(formatted.message)) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
  }
  if (PUBLIC_CODES.has(code)) return formatted;
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

