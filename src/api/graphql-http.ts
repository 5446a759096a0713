import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';

/** A request whose JSON body has been read into `body` (jsonBody). */
export type RequestWithBody = IncomingMessage & { body?: unknown };
/** A response carrying the request's log record in `locals` (recordHttpRequest), as Express's does. */
export type ResponseWithLocals = ServerResponse & { locals: Record<string, unknown> };

/**
 * Apollo Server over node:http (what @as-integrations/express5 does on an Express route), answering a complete
 * result with one `res.end`: headers and body leave in one write, with no ETag computed over a POST's answer. Express's `send`
 * hashed every answer and turned it into a second buffer; under load the write system calls were the largest
 * single cost of a look-up. `req.body` comes from jsonBody before it. Plain node:http types: it serves POST /graphql
 * straight from the HTTP server as well as on Express's route (graphql-route.ts).
 */
export function graphqlHandler<C extends BaseContext>(server: ApolloServer<C>, context: ContextFunction<[{ req: RequestWithBody; res: ResponseWithLocals }], C>) {
  server.assertStarted('graphqlHandler()');
  return async (req: RequestWithBody, res: ResponseWithLocals): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: q < 0 ? '' : url.slice(q), body: req.body },
      context: () => context({ req, res }),
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
