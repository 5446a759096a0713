import { domainErrorOf, ErrorCode } from '../common/errors';
import { logger } from '../common/logger';

/** A TAXII 2.1 error message (§3.6.1), with its HTTP status and any headers. */
export interface TaxiiError {
  status: number;
  headers: Record<string, string>;
  body: { title: string; description?: string; http_status: string; details?: Record<string, unknown> };
}

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.CONFLICT]: 409,
};

/**
 * The one mapping from a domain error to a TAXII error body: the catalogue's
 * code becomes the HTTP status, its message the description. Anything else is
 * masked as a 500 and logged with the request id the client sees.
 */
export function toTaxiiError(err: unknown, requestId: string): TaxiiError {
  const d = domainErrorOf(err);
  const status = d ? STATUS[d.code] : undefined;
  if (!d || !status) {
    const cause = err as Error;
    logger.error('unhandled error', { requestId, transport: 'taxii', error: cause?.message, stack: cause?.stack });
    return { status: 500, headers: {}, body: { title: 'Internal server error', http_status: '500', details: { request_id: requestId } } };
  }
  const headers: Record<string, string> = {};
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="threatfed", Basic realm="threatfed"';
  if (typeof d.details.retryAfter === 'number') headers['retry-after'] = String(d.details.retryAfter);
  return { status, headers, body: { title: d.code, description: d.message, http_status: String(status), details: { ...d.details, request_id: requestId } } };
}
