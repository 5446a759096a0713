import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { logger } from '../common/logger';
import { pendingMigrations } from '../db/health';
import type { Services } from './services';

/** A check that has not answered within this is failed: a probe must answer before the orchestrator's own timeout. */
const CHECK_TIMEOUT_MS = 2000;

/** Liveness: the process answers. Nothing else is checked, so a database outage never gets a healthy process restarted. */
export function liveness(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

/**
 * Readiness: the database answers, every migration this build knows is
 * applied, the warning listener is connected, and the server is not
 * shutting down. 200 with each check, or 503 naming the failed ones.
 */
export function readiness(services: Services, isStopping: () => boolean) {
  return async (_req: Request, res: Response): Promise<void> => {
    const checks: Record<string, string> = {};
    try {
      const pending = await withTimeout(pendingMigrations(services.db));
      checks.database = 'ok';
      checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'ok';
    } catch {
      checks.database = 'unavailable';
      checks.migrations = 'unknown';
    }
    checks.warningListener = services.warningHub.listening ? 'ok' : 'disconnected';
    if (isStopping()) checks.server = 'shutting down';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  };
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * The Prometheus endpoint on its own listener (loopback by default), so
 * that it is never exposed with the API by accident: GET /metrics in the
 * text exposition format; anything else is 404.
 */
export async function startMetricsListener(services: Services, host: string, port: number): Promise<MetricsListener> {
  const registry = services.metrics.registry;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch((err: unknown) => {
        logger.error('metrics collection failed', { error: (err as Error).message });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
