import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { logger } from '../common/logger';
import type { Metrics } from '../common/metrics';

/**
 * Carries "the log has grown to seq N" between server instances. Delivery of
 * the warnings themselves always reads the log, so a broker only needs to
 * wake instances up; a lost signal costs latency, never a warning.
 */
export interface WarningBroker {
  /**
   * Called inside the transaction that appended warnings; must take effect only if it commits.
   * `seq` is a hint (the final numbers are given at commit): listeners always read the log.
   */
  announce(m: EntityManager, seq: string): Promise<void>;
  /** Calls `onSignal(seq)` for each announcement, and `onSignal(null)` after a reconnect: catch up, something may have been missed. */
  listen(onSignal: (seq: string | null) => void): Promise<void>;
  close(): Promise<void>;
  /** Whether it is listening now (readiness: an instance that cannot hear announcements delivers late). */
  readonly connected: boolean;
  /**
   * Calls `onChange` whenever organisations, keys or groups changed on any instance, and whenever the
   * listener lost its connection (changes may then go unheard). A broker without it never lets tokens be cached.
   */
  onAuthChange?(onChange: () => void): void;
}

export const CHANNEL = 'threatfed_warnings';
/** Written by the triggers of migration AuthChangeNotify. */
export const AUTH_CHANNEL = 'threatfed_auth';

/** PostgreSQL LISTEN/NOTIFY: no extra infrastructure, and NOTIFY is transactional. */
export class PgNotifyBroker implements WarningBroker {
  private client: Client | undefined;
  private closed = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | undefined;
  private listening = false;
  private readonly authListeners: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly metrics?: Metrics,
  ) {}

  get connected(): boolean {
    return this.listening && !!this.client;
  }

  onAuthChange(onChange: () => void): void {
    this.authListeners.push(onChange);
  }

  private authChanged(): void {
    for (const f of this.authListeners) f();
  }

  async announce(m: EntityManager, seq: string): Promise<void> {
    await m.query('SELECT pg_notify($1, $2)', [CHANNEL, seq]);
  }

  async listen(onSignal: (seq: string | null) => void): Promise<void> {
    await this.connect(onSignal, false);
  }

  private async connect(onSignal: (seq: string | null) => void, reconnect: boolean): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'threatfed-listener' });
    const retry = (err?: Error) => {
      if (this.closed || this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      this.authChanged();
      logger.warn('warning listener lost its connection; reconnecting', { error: err?.message, inMs: this.retryMs });
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      this.timer = setTimeout(() => void this.connect(onSignal, true).catch(() => undefined), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
    this.client = client;
    client.on('error', retry);
    client.on('end', () => retry());
    client.on('notification', (n) => (n.channel === AUTH_CHANNEL ? this.authChanged() : onSignal(n.payload ?? null)));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}; LISTEN ${AUTH_CHANNEL}`);
    } catch (err) {
      if (!reconnect) {
        this.client = undefined;
        client.removeAllListeners();
        throw err;
      }
      retry(err as Error);
      return;
    }
    this.retryMs = 250;
    // Whatever changed while nobody listened: cached principals go.
    this.authChanged();
    this.listening = true;
    if (reconnect) {
      this.metrics?.listenerReconnects.inc();
      logger.info('warning listener reconnected');
      onSignal(null);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    this.authChanged();
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}
