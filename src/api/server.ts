import { mountTaxii } from '../interop/taxii/server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import type { Config } from '../config';
import { mountConsole } from './console';
import type { Context } from './context';
import { formatError } from './errors';
import { graphqlRoute } from './graphql-route';
import { startHousekeeping } from './housekeeping';
import { LIMIT_RULES, PARSE_OPTIONS, pipelinePlugin } from './pipeline';
import { liveness, readiness, startMetricsListener, type MetricsListener } from './probes';
import { createSchema } from './schema';
import type { Services } from './services';
import { attachWebSocket } from './ws';

/** The largest request body, in bytes: a 5,000-item bulk call fits. */
const BODY_LIMIT = 1024 * 1024;

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  /** The Prometheus endpoint, when a metrics port was given. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** How long a client may take to send a request's headers, and the whole request, before the connection is closed. */
export const HTTP_TIMEOUTS = { headersMs: 30_000, requestMs: 30_000 };

export type ServerConfig = Pick<Config, 'host' | 'port' | 'isDev'> & Partial<Pick<Config, 'metricsPort' | 'metricsHost' | 'auditRetentionS'>>;

/**
 * One HTTP server: GraphQL over HTTP and over graphql-ws on /graphql, the
 * probes (/healthz, /readyz), the web console at /, and, on a listener of its own, /metrics.
 */
export async function startServer(config: ServerConfig, services: Services, opts: { timeouts?: typeof HTTP_TIMEOUTS; wsKeepAliveMs?: number } = {}): Promise<RunningServer> {
  const schema = await createSchema(services);
  const app = express();
  app.disable('x-powered-by');
  const timeouts = opts.timeouts ?? HTTP_TIMEOUTS;
  // Express until the GraphQL route exists; the server listens only after that.
  let onRequest: http.RequestListener = app;
  // A client that sends less than it announced (or nothing) must not hold a connection for Node's default 300 s.
  const httpServer = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    (req, res) => onRequest(req, res),
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
      // Its per-field hook wraps every resolver (a third of the time of a large statistics answer); nothing here
      // is cacheable anyway, and pipelinePlugin says so (cache-control: no-store) as the plugin did.
      ApolloServerPluginCacheControlDisabled(),
      pipelinePlugin(services),
    ],
  });
  await apollo.start();

  let stopping = false;
  const graphql = graphqlRoute(apollo, services, BODY_LIMIT);
  // A POST to /graphql, which carries the load, goes straight to its route; everything else through Express.
  onRequest = (req, res) => (graphql.takes(req) ? graphql.direct(req, res) : app(req, res));
  // GraphQL first: Express tries each route in order.
  app.use('/graphql', ...graphql.express);
  app.get('/healthz', liveness);
  app.get('/readyz', readiness(services, () => stopping));
  mountTaxii(app, services);

  // Body-parser failures (too large, bad JSON, a charset other than UTF-8) answered in GraphQL's error shape.
  app.use(graphql.expressErrors);
  mountConsole(app, schema, services.tokens.audience);

  await services.warningHub.start();
  services.statisticsHub.start();
  const ws = attachWebSocket(httpServer, schema, services, { isDev: config.isDev, keepAliveMs: opts.wsKeepAliveMs });
  const housekeeping = startHousekeeping(services, { auditRetentionS: config.auditRetentionS });

  let metrics: MetricsListener | undefined;
  // Which listener a failed listen belongs to, so that its message names the right setting.
  let binding: Binding = { host: config.host, port: config.port, hostSetting: 'HOST', portSetting: 'PORT' };
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    if (config.metricsPort != null) {
      binding = { host: config.metricsHost ?? '127.0.0.1', port: config.metricsPort, hostSetting: 'METRICS_HOST', portSetting: 'METRICS_PORT' };
      metrics = await startMetricsListener(services, binding.host, binding.port);
    }
  } catch (err) {
    await ws.close();
    await housekeeping.stop();
    await services.warningHub.stop();
    await apollo.stop();
    const code = (err as NodeJS.ErrnoException).code;
    throw code && (err as NodeJS.ErrnoException).syscall === 'listen' ? new Error(listenErrorText(err as NodeJS.ErrnoException, binding)) : err;
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
      services.statisticsHub.stop();
      await services.warningHub.stop();
      await apollo.stop();
      await metrics?.close();
    },
  };
}

/** A listener's address and the settings that choose it. */
interface Binding {
  host: string;
  port: number;
  hostSetting: 'HOST' | 'METRICS_HOST';
  portSetting: 'PORT' | 'METRICS_PORT';
}

/** What a failed listen means for whoever started the server, and what to do about it. */
function listenErrorText(err: NodeJS.ErrnoException, { host, port, hostSetting, portSetting }: Binding): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const orOff = portSetting === 'METRICS_PORT' ? ' (or to off)' : '';
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: port ${port} is already in use (EADDRINUSE); stop the program using it or set ${portSetting} to a free port${orOff}`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, set ${portSetting} to 1024 or above${orOff}`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${hostSetting} ${host} is not an address of this machine (EADDRNOTAVAIL)`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}
