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
import { startHousekeeping } from './housekeeping';
import { finishRecord, noteErrors, startRecord, type OperationRecord } from './operation-log';
import { authenticate, LIMIT_RULES, PARSE_OPTIONS, pipelinePlugin } from './pipeline';
import { liveness, readiness, startMetricsListener, type MetricsListener } from './probes';
import { createSchema } from './schema';
import type { Services } from './services';
import { attachWebSocket } from './ws';

const BODY_LIMIT = '1mb';

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  /** The Prometheus endpoint, when a metrics port was given. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export type ServerConfig = Pick<Config, 'host' | 'port' | 'isDev'> & Partial<Pick<Config, 'metricsPort' | 'metricsHost' | 'auditRetentionS'>>;

/**
 * One HTTP server: GraphQL over HTTP and over graphql-ws on /graphql, the
 * probes (/healthz, /readyz), and, on a listener of its own, /metrics.
 */
export async function startServer(config: ServerConfig, services: Services): Promise<RunningServer> {
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
      pipelinePlugin(services),
    ],
  });
  await apollo.start();

  let stopping = false;
  app.get('/healthz', liveness);
  app.get('/readyz', readiness(services, () => stopping));

  app.use(
    '/graphql',
    // Every request gets its log record and request id first, so that refusals before GraphQL (a bad token, a bad body) are logged too.
    (_req: Request, res: Response, next: NextFunction) => {
      const record = startRecord('http');
      res.locals.record = record;
      res.setHeader('x-request-id', record.requestId);
      res.once('close', () => {
        record.status = res.statusCode;
        finishRecord(record, services.metrics);
      });
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const record = res.locals.record as OperationRecord;
        return createContext(services, await authenticate(services, req.headers.authorization, 'http', record), undefined, record);
      },
    }),
  );

  // Body-parser failures (too large, bad JSON) answered in GraphQL's error shape.
  app.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err || !err.status) return next(err);
    const message = err.type === 'entity.too.large' ? `request body exceeds ${BODY_LIMIT.replace('mb', ' MiB')}` : 'malformed JSON request body';
    noteErrors(res.locals.record as OperationRecord | undefined, [{ extensions: { code: ErrorCode.BAD_USER_INPUT } }]);
    res.status(err.status).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
  });

  await services.warningHub.start();
  const ws = attachWebSocket(httpServer, schema, services, { isDev: config.isDev });
  const housekeeping = startHousekeeping(services, { auditRetentionS: config.auditRetentionS });

  let metrics: MetricsListener | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, resolve);
    });
    if (config.metricsPort != null) metrics = await startMetricsListener(services, config.metricsHost ?? '127.0.0.1', config.metricsPort);
  } catch (err) {
    await ws.close();
    await housekeeping.stop();
    await services.warningHub.stop();
    await apollo.stop();
    throw err;
  }
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    metricsUrl: metrics?.url,
    close: async () => {
      stopping = true;
      // Subscribers first, with a close code that says "reconnect and resume"; then HTTP.
      await ws.close();
      await housekeeping.stop();
      await services.warningHub.stop();
      await apollo.stop();
      await metrics?.close();
    },
  };
}
