import { CloseCode as GraphQLWsCloseCode } from 'graphql-ws';
import { ErrorCode, type DomainError } from '../common/errors';

/**
 * WebSocket close codes this server uses: graphql-ws's own where it has one
 * (4403 forbidden, 4408 init timeout, …), the standard ones otherwise.
 */
export const CloseCode = {
  /** Bad, expired or revoked token, or a suspended organisation: get a new token before reconnecting. */
  Forbidden: GraphQLWsCloseCode.Forbidden,
  /** The client stopped reading and fell too far behind: reconnect and resume with `after`. */
  SlowConsumer: 4008,
  /** A message over 64 KiB (RFC 6455 "message too big"). */
  MessageTooBig: 1009,
  /** The server is shutting down or restarting (RFC 6455 "service restart"): reconnect and resume with `after`. */
  ServiceRestart: 1012,
  /** The organisation already has as many websocket connections open as its limit allows (429, as over HTTP). */
  RateLimited: 4429,
} as const;

/** The one mapping from a domain error that ends a connection to its close code and reason. */
export function closeFor(err: DomainError): { code: number; reason: string } {
  switch (err.code) {
    case ErrorCode.SLOW_CONSUMER:
      return { code: CloseCode.SlowConsumer, reason: err.message };
    case ErrorCode.RATE_LIMITED:
      return { code: CloseCode.RateLimited, reason: limitCloseReason(err.message) };
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.FORBIDDEN:
      // A close reason is limited to 123 bytes; the prefix says nothing a client needs.
      return { code: CloseCode.Forbidden, reason: capitalise(err.message.replace(/^Unauthenticated: /, '')) };
    default:
      return { code: GraphQLWsCloseCode.InternalServerError, reason: 'Internal server error' };
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A close reason may be at most 123 bytes of UTF-8. */
function limitCloseReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : Buffer.from(reason).subarray(0, 120).toString().replace(/\uFFFD$/, '') + '...';
}
