import { logger } from '../common/logger';
import { LEASE_HEARTBEAT_MS } from '../organizations/rate-limit.service';
import type { Services } from './services';

export interface Housekeeping {
  stop(): Promise<void>;
}

/** The background work of a running server: renewing this instance's rate-limit leases. */
export function startHousekeeping(services: Services): Housekeeping {
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

  return {
    async stop() {
      clearInterval(heartbeat);
      await services.limits.releaseAll().catch((err: unknown) => logger.warn('could not release rate-limit leases', { error: (err as Error).message }));
    },
  };
}
