/** The one catalogue of error codes; transports map them (GraphQL `extensions.code`, TAXII error bodies, close codes). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A live stream's consumer fell too far behind; it must reconnect and resume. */
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error the domain raises on purpose: its message is meant for the client.
 * Anything that is not a DomainError is an internal error and gets masked.
 */
export class DomainError extends Error {
  /** A short fixed label for metrics and logs, never sent to clients: why a token was refused, which limit was hit. */
  reason?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, client-visible facts (the field of a bad input, per-item results, …). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** An input problem: names the field (the input path, e.g. `input[3].value`) and the rule it breaks. */
export class InputProblem extends DomainError {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(ErrorCode.BAD_USER_INPUT, `${field}: ${rule}`, { field });
    this.name = 'InputProblem';
  }
}

/** `label` is the metrics label for the refusal (a fixed word, unlike the message). */
export const unauthenticated = (reason: string, label = 'other') =>
  Object.assign(new DomainError(ErrorCode.UNAUTHENTICATED, `Unauthenticated: ${reason}`), { reason: label });
export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);
export const badInput = (field: string, rule: string) => new InputProblem(field, rule);
/** Used for hidden and missing objects alike, so that the two cannot be told apart. */
export const notFound = (what: string, id: string) => new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} not found`);
export const conflict = (message: string) => new DomainError(ErrorCode.CONFLICT, message);
/** `retryAfter`: whole seconds until a retry can succeed (the HTTP Retry-After header and `extensions.retryAfter`); `limit` labels metrics. */
export const rateLimited = (message: string, retryAfter?: number, limit = 'other') =>
  Object.assign(new DomainError(ErrorCode.RATE_LIMITED, message, retryAfter === undefined ? {} : { retryAfter }), { reason: limit });
export const tooComplex = (message: string) => new DomainError(ErrorCode.QUERY_TOO_COMPLEX, message);
export const slowConsumer = () => new DomainError(ErrorCode.SLOW_CONSUMER, 'Too far behind: reconnect and resume with after');

/**
 * Duck-typed, because errors may cross copies of a module (vitest can load a
 * package twice) and graphql-js wraps what resolvers throw.
 */
export function domainErrorOf(err: unknown): DomainError | undefined {
  for (let e = err as { originalError?: unknown } | null | undefined, i = 0; e && i < 5; e = e.originalError as typeof e, i++) {
    if (e instanceof DomainError) return e;
    const c = (e as { code?: unknown; details?: unknown }).code;
    if ((e as Error).name && typeof c === 'string' && c in ErrorCode && typeof (e as { details?: unknown }).details === 'object') return e as DomainError;
  }
  return undefined;
}
