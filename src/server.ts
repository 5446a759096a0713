import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { bearerToken } from './auth/token-verifier';
import { ErrorCode, PUBLIC_CODES } from './common/errors';
import { formatError } from './common/format-error';
import { LIMIT_RULES, LIMITS } from './common/limits';
import { logger } from './common/logger';
import type { Config } from './config';
import { createLoaders, type Context } from './context';
import { createSchema } from './schema';
import { attachWebSocket } from './ws';
import type { Services } from './services';

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  close(): Promise<void>;
}

const BODY_LIMIT = '1mb';
const requestIdPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const err of errors) {
          const code = String(err.extensions?.code ?? '');
          if (!PUBLIC_CODES.has(code)) {
            const cause = err.originalError ?? err;
            logger.error('unhandled error', { requestId: contextValue.requestId, path: err.path, error: cause.message, stack: cause.stack });
          }
        }
      },
      async willSendResponse({ contextValue, response }) {
        response.http.headers.set('x-request-id', contextValue.requestId);
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e,
          );
        }
      },
    };
  },
};

/** Builds the context for one operation from its bearer token; a bad token fails the whole request with 401. */
export async function contextFor(services: Services, authorization: unknown): Promise<Context> {
  let principal;
  try {
    principal = await services.tokens.verify(bearerToken(authorization));
  } catch (err) {
    // Logged, not written to the audit table: unauthenticated traffic must not be able to fill the database.
    logger.warn('token rejected', { reason: (err as Error).message });
    throw err;
  }
  return { requestId: randomUUID(), principal, services, loaders: createLoaders(services, principal) };
}

/** One HTTP server: GraphQL over HTTP and over graphql-ws on /graphql, and a health check. */
export async function startServer(config: Pick<Config, 'host' | 'port' | 'isDev'>, services: Services): Promise<RunningServer> {
  const schema = await createSchema();
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
    parseOptions: { maxTokens: LIMITS.tokens },
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      requestIdPlugin,
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
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(services, req.headers.authorization) }),
  );

  // Body-parser failures (too large, bad JSON) answered in GraphQL's error shape.
  app.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err || !err.status) return next(err);
    const message = err.type === 'entity.too.large' ? `request body exceeds ${BODY_LIMIT.replace('mb', ' MiB')}` : 'malformed JSON request body';
    res.status(err.status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
  });

  await services.warningHub.start();
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
      await services.warningHub.stop();
      await apollo.stop();
    },
  };
}
