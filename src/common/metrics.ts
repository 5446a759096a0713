import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from a quick lookup to a 5,000-item bulk call on a busy database. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds from a warning's creation to its hand-over to a subscriber's connection. */
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Figures read at scrape time from things the metrics do not own (the pool, open sockets, the listener). */
export interface MetricSources {
  pool?: () => { total: number; idle: number; waiting: number };
  websockets?: () => { connections: number; subscriptions: number };
  listenerConnected?: () => boolean;
}

/**
 * Every Prometheus metric of one server instance, in its own registry (so
 * several servers in one process, as in the tests, never collide). Built
 * once per Services; transports and domain services count into it; the
 * metrics listener serves `registry`. The one place metrics are defined.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly sources: MetricSources = {};

  /** Operations by transport, root field(s), type and outcome (ok, error). */
  readonly requests = new Counter({
    name: 'threatfed_requests_total',
    help: 'GraphQL operations handled, by transport, operation (its root fields), type and outcome.',
    labelNames: ['transport', 'operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'threatfed_request_duration_seconds',
    help: 'Time to answer a query or mutation (subscriptions are not timed), by transport, operation, type and outcome.',
    labelNames: ['transport', 'operation', 'type', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlErrors = new Counter({
    name: 'threatfed_graphql_errors_total',
    help: 'Errors returned to clients, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly tokenRejections = new Counter({
    name: 'threatfed_token_rejections_total',
    help: 'Bearer tokens refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'threatfed_rate_limited_total',
    help: 'Operations and connections refused with RATE_LIMITED, by organisation and limit.',
    labelNames: ['organization', 'limit'] as const,
    registers: [this.registry],
  });
  readonly warningsLogged = new Counter({
    name: 'threatfed_warnings_logged_total',
    help: 'Warnings appended to the log by this instance, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly warningsDelivered = new Counter({
    name: 'threatfed_warnings_delivered_total',
    help: 'Warning events handed to subscribers, by mode (live or replay).',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });
  readonly deliveryLag = new Histogram({
    name: 'threatfed_warning_delivery_lag_seconds',
    help: 'From a warning\'s creation to its live hand-over to a subscriber.',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  readonly slowConsumerCloses = new Counter({
    name: 'threatfed_slow_consumer_closes_total',
    help: 'Subscriptions cut off because their client fell too far behind.',
    registers: [this.registry],
  });
  readonly listenerReconnects = new Counter({
    name: 'threatfed_warning_listener_reconnects_total',
    help: 'Times the LISTEN connection for new warnings was lost and re-established.',
    registers: [this.registry],
  });
  readonly ingestItems = new Counter({
    name: 'threatfed_ingest_items_total',
    help: 'Items of bulk calls, by kind (indicator, sighting) and outcome (created, updated, rejected).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly auditPruned = new Counter({
    name: 'threatfed_audit_events_pruned_total',
    help: 'Audit events deleted by the retention job of this instance.',
    registers: [this.registry],
  });

  constructor() {
    const sources = this.sources;
    new Gauge({
      name: 'threatfed_websocket_connections',
      help: 'Open websocket connections (acknowledged or not).',
      registers: [this.registry],
      collect() {
        this.set(sources.websockets?.().connections ?? 0);
      },
    });
    new Gauge({
      name: 'threatfed_websocket_subscriptions',
      help: 'Operations running on websocket connections (live subscriptions, mostly).',
      registers: [this.registry],
      collect() {
        this.set(sources.websockets?.().subscriptions ?? 0);
      },
    });
    new Gauge({
      name: 'threatfed_warning_listener_connected',
      help: '1 while the LISTEN connection for new warnings is up, 0 otherwise.',
      registers: [this.registry],
      collect() {
        this.set(sources.listenerConnected?.() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'threatfed_db_pool_connections',
      help: 'Database pool connections by state: in_use, idle, waiting (requests queued for a connection).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = sources.pool?.() ?? { total: 0, idle: 0, waiting: 0 };
        this.set({ state: 'in_use' }, p.total - p.idle);
        this.set({ state: 'idle' }, p.idle);
        this.set({ state: 'waiting' }, p.waiting);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
