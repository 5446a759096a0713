import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
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

/** One HTTP server: GraphQL over HTTP and over graphql-ws on /graphql, and a health check. */
export async function startServer(config: Pick<Config, 'host' | 'port' | 'isDev'>, services: Services): Promise<RunningServer> {
  const schema = await createSchema(services);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.isDev,
    includeStacktraceInErrorResponses: config.isDev,
    hideSchemaDetailsFromClientErrors: !config.isDev,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // main.ts owns the signals and stops everything in order; Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    validationRules: LIMIT_RULES,
    parseOptions: PARSE_OPTIONS,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Its per-field hook wraps every resolver (a third of the time of a large statistics answer); nothing here
      // is cacheable anyway, and pipelinePlugin says so (cache-control: no-store) as the plugin did.
      ApolloServerPluginCacheControlDisabled(),
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

  // Body-parser failures (too large, bad JSON) answered in GraphQL's error shape.
  app.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err || !err.status) return next(err);
    const message = err.type === 'entity.too.large' ? `request body exceeds ${BODY_LIMIT.replace('mb', ' MiB')}` : 'malformed JSON request body';
    res.status(err.status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
  });

  await services.warningHub.start();
  services.statisticsHub.start();
  const ws = attachWebSocket(httpServer, schema, services, { isDev: config.isDev });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    close: async () => {
      // Subscribers first, with a close code that says "reconnect and resume"; then HTTP.
      await ws.close();
      services.statisticsHub.stop();
      await services.warningHub.stop();
      await apollo.stop();
    },
  };
}
