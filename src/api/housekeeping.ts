import { logger } from '../common/logger';
import { LEASE_HEARTBEAT_MS } from '../organizations/rate-limit.service';
import type { Services } from './services';

/** How often the audit retention runs (and once at start-up). */
export const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface Housekeeping {
  stop(): Promise<void>;
}

/**
 * The background work of a running server: renewing this instance's
 * rate-limit leases, and pruning the audit log past its retention at
 * start-up and every hour. Every instance runs both; a prune is an
 * idempotent DELETE, so two instances pruning at once only share the work.
 */
export function startHousekeeping(services: Services, opts: { auditRetentionS?: number | null }): Housekeeping {
  let failing = false;
  const heartbeat = setInterval(() => {
    services.limits
      .heartbeat()
      .then(() => {
        if (failing) logger.info('rate-limit leases renewed again');
        failing = false;
      })
      .catch((err: unknown) => {
        if (!failing) logger.warn('rate-limit lease renewal failed', { error: (err as Error).message });
        failing = true;
      });
  }, LEASE_HEARTBEAT_MS);
  heartbeat.unref();

  let prune: NodeJS.Timeout | undefined;
  let pruning: Promise<void> | undefined;
  const retention = opts.auditRetentionS;
  if (retention) {
    const run = () => {
      pruning = services.auditLog
        .prune(retention)
        .then((n) => {
          services.metrics.auditPruned.inc(n);
          if (n) logger.info('audit events pruned', { deleted: n, retentionDays: Math.round(retention / 86400) });
        })
        .catch((err: unknown) => logger.warn('audit pruning failed', { error: (err as Error).message }));
    };
    run();
    prune = setInterval(run, AUDIT_PRUNE_INTERVAL_MS);
    prune.unref();
  }

  return {
    async stop() {
      clearInterval(heartbeat);
      clearInterval(prune);
      await pruning;
      await services.limits.releaseAll().catch((err: unknown) => logger.warn('could not release rate-limit leases', { error: (err as Error).message }));
    },
  };
}
