import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ErrorCode } from '../common/errors';
import type { Config } from '../config';
import { createContext, type Context } from './context';
import { formatError } from './errors';
import { authenticate, LIMIT_RULES, PARSE_OPTIONS, pipelinePlugin } from './pipeline';
import { createSchema } from './schema';
import type { Services } from './services';
import { attachWebSocket } from './ws';

const BODY_LIMIT = '1mb';

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  close(): Promise<void>;
}

/** How long a client may take to send a request's headers, and the whole request, before the connection is closed. */
export const HTTP_TIMEOUTS = { headersMs: 30_000, requestMs: 30_000 };

/** One HTTP server: GraphQL over HTTP and over graphql-ws on /graphql, and a health check. */
export async function startServer(
  config: Pick<Config, 'host' | 'port' | 'isDev'>,
  services: Services,
  opts: { timeouts?: typeof HTTP_TIMEOUTS } = {},
): Promise<RunningServer> {
  const schema = await createSchema(services);
  const app = express();
  app.disable('x-powered-by');
  const timeouts = opts.timeouts ?? HTTP_TIMEOUTS;
  // A client that sends less than it announced (or nothing) must not hold a connection for Node's default 300 s.
  const httpServer = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    app,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.isDev,
    includeStacktraceInErrorResponses: config.isDev,
    hideSchemaDetailsFromClientErrors: !config.isDev,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // No automatic persisted queries: a client sending a hash gets PERSISTED_QUERY_NOT_SUPPORTED, not a half-working cache.
    persistedQueries: false,
    // main.ts owns the signals and stops everything in order; Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    validationRules: LIMIT_RULES,
    parseOptions: PARSE_OPTIONS,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      pipelinePlugin,
    ],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    try {
      await services.db.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });

  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, { context: async ({ req }) => createContext(services, await authenticate(services, req.headers.authorization, 'http')) }),
  );

  // Body-parser failures (too large, bad JSON, a charset other than UTF-8) answered in GraphQL's error shape.
  app.use((err: { status?: number; type?: string; charset?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err || !err.status) return next(err);
    const message =
      err.type === 'entity.too.large'
        ? `request body exceeds ${BODY_LIMIT.replace('mb', ' MiB')}`
        : err.type === 'charset.unsupported' || err.type === 'encoding.unsupported'
          ? `unsupported ${err.type === 'charset.unsupported' ? `charset "${err.charset}"` : 'content encoding'}: send JSON in UTF-8`
          : 'malformed JSON request body';
    res.status(err.status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
  });

  await services.warningHub.start();
  const ws = attachWebSocket(httpServer, schema, services, { isDev: config.isDev });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await ws.close();
    await services.warningHub.stop();
    await apollo.stop();
    throw new Error(listenErrorText(err as NodeJS.ErrnoException, config));
  }
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    close: async () => {
      // Subscribers first, with a close code that says "reconnect and resume"; then HTTP.
      await ws.close();
      await services.warningHub.stop();
      await apollo.stop();
    },
  };
}

/** What a failed listen means for whoever started the server, and what to do about it. */
function listenErrorText(err: NodeJS.ErrnoException, { host, port }: Pick<Config, 'host' | 'port'>): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: port ${port} is already in use (EADDRINUSE); stop the program using it or set PORT to a free port`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: HOST ${host} is not an address of this machine (EADDRNOTAVAIL)`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}
