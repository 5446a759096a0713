/**
 * WebSocket close codes this server uses (graphql-ws's own: 4400 bad request,
 * 4401 unauthorised, 4403 forbidden, 4408 init timeout, 4409 duplicate id,
 * 4429 too many init requests).
 */
export const CloseCode = {
  /** Bad, expired or revoked token, or a suspended organisation: get a new token before reconnecting. */
  Forbidden: 4403,
  /** The client stopped reading and fell too far behind: reconnect and resume with `after`. */
  SlowConsumer: 4008,
  /** A message over 64 KiB. */
  MessageTooBig: 1009,
  /** The server is shutting down or restarting: reconnect (to another instance) and resume with `after`. */
  ServiceRestart: 1012,
} as const;
