import { GraphQLError } from 'graphql';

/** The one catalogue of error codes the API returns in `extensions.code`. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401 };

function make(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { code, ...extra, ...(status ? { http: { status } } : {}) },
  });
}

export const unauthenticated = (reason: string) => make(ErrorCode.UNAUTHENTICATED, `Unauthenticated: ${reason}`);
export const forbidden = (message: string) => make(ErrorCode.FORBIDDEN, message);
/** `field` is the input path the rule applies to, e.g. `input[3].value`. */
export const badInput = (field: string, rule: string) =>
  make(ErrorCode.BAD_USER_INPUT, `${field}: ${rule}`, { field });
/** Used for hidden and missing objects alike, so that the two cannot be told apart. */
export const notFound = (what: string, id: string) => make(ErrorCode.NOT_FOUND, `${what} ${id} not found`);
export const conflict = (message: string) => make(ErrorCode.CONFLICT, message);
export const tooComplex = (message: string) => make(ErrorCode.QUERY_TOO_COMPLEX, message);

/** Codes the client may see verbatim; anything else is masked. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** An input problem found while checking a value; services turn it into a BAD_USER_INPUT error or a per-item result. */
export class InputProblem extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
  toGraphQL(): GraphQLError {
    return badInput(this.field, this.rule);
  }
}
