import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../common/errors';
import { logger } from '../common/logger';
import { createContext, type Context } from './context';
import { graphqlHandler, type ResponseWithLocals } from './graphql-http';
import { jsonBody } from './json-body';
import { noteErrors, recordHttpRequest, type OperationRecord } from './operation-log';
import { authenticate } from './pipeline';
import type { Services } from './services';

/** A failed body read: body-parser's `status` and `type` (and `charset` for an unsupported one). */
interface BodyError {
  status?: number;
  type?: string;
  charset?: string;
}

/**
 * What a request to /graphql goes through: its log record and request id first (so that refusals before GraphQL,
 * a bad token or a bad body, are logged too), the JSON body, then Apollo. `direct` runs it for a POST to exactly
 * /graphql straight from the HTTP server; `express` is the same on Express's route, for everything else there
 * (GET, /graphql/, other spellings). Express gives each request and response its own prototype, which left V8's
 * inline caches in Node's HTTP code megamorphic: property lookups through the prototype chain were a fifth of a
 * look-up's instructions at steady state (`--log-ic`; docs/benchmarks.md).
 */
export function graphqlRoute(apollo: ApolloServer<Context>, services: Services, bodyLimit: number) {
  const readBody = jsonBody(bodyLimit);
  const serve = graphqlHandler(apollo, async ({ req, res }) => {
    const record = res.locals.record as OperationRecord;
    return createContext(services, await authenticate(services, req.headers.authorization, 'http', record), undefined, record);
  });

  /** Body-parser failures (too large, bad JSON, a charset other than UTF-8) in GraphQL's error shape; false for other errors. */
  const answerBodyError = (err: BodyError | undefined, res: ResponseWithLocals): boolean => {
    if (!err || !err.status) return false;
    const message =
      err.type === 'entity.too.large'
        ? `request body exceeds ${bodyLimit / (1024 * 1024)} MiB`
        : err.type === 'charset.unsupported' || err.type === 'encoding.unsupported'
          ? `unsupported ${err.type === 'charset.unsupported' ? `charset "${err.charset}"` : 'content encoding'}: send JSON in UTF-8`
          : 'malformed JSON request body';
    noteErrors(res.locals.record as OperationRecord | undefined, [{ extensions: { code: ErrorCode.BAD_USER_INPUT } }]);
    res.statusCode = err.status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] }));
    return true;
  };

  return {
    /** Whether `direct` takes the request: a POST to /graphql, with or without a query string. */
    takes(req: IncomingMessage): boolean {
      const url = req.url ?? '';
      return req.method === 'POST' && url.startsWith('/graphql') && (url.length === 8 || url.charCodeAt(8) === 63 /* ? */);
    },
    direct(req: IncomingMessage, plain: ServerResponse): void {
      const res = Object.assign(plain, { locals: {} as Record<string, unknown> });
      const record = recordHttpRequest(res, 'http', services.metrics);
      readBody(req, res, (err) => {
        if (err) {
          if (!answerBodyError(err as BodyError, res)) failed(err, record, res);
          return;
        }
        serve(req, res).catch((e: unknown) => failed(e, record, res));
      });
    },
    express: [
      (_req: Request, res: Response, next: NextFunction) => {
        recordHttpRequest(res, 'http', services.metrics);
        next();
      },
      readBody,
      (req: Request, res: Response) => serve(req, res).catch((e: unknown) => failed(e, res.locals.record as OperationRecord, res)),
    ],
    /** Express's error handler for the route: body failures answered, anything else passed on. */
    expressErrors: (err: BodyError, _req: Request, res: Response, next: NextFunction) => {
      if (!answerBodyError(err, res)) next(err);
    },
  };
}

/**
 * An error outside Apollo's handling (it answers its own), on either path: logged with the request id as
 * logUnexpected logs one, answered 500 and masked as formatError masks one.
 */
function failed(err: unknown, record: OperationRecord, res: ServerResponse): void {
  const cause = err instanceof Error ? err : new Error(String(err));
  logger.error('unhandled error', { requestId: record.requestId, transport: 'http', error: cause.message, stack: cause.stack });
  record.errorCodes.push(ErrorCode.INTERNAL_SERVER_ERROR);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId: record.requestId } }] }));
}
