import { sharingKey } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { slowConsumer, type DomainError } from '../common/errors';
import { logger } from '../common/logger';
import type { Metrics } from '../common/metrics';
import { encodeCursor } from '../common/cursor';
import type { FailableStream } from '../common/streams';
import type { WarningBroker } from './broker';
import type { WarningEntity } from './warning.entity';
import { matchesFilter, type WarningService } from './warning.service';
import type { WarningFilter } from './warning.inputs';
import type { WarningEntity as Warning } from './warning.entity';

const FETCH_BATCH = 1000;
/** The warning log's cursor scope: the same as its query's (keysetPage scopes by table), so either resumes the other. */
export const WARNING_CURSORS = 'warnings';
const REPLAY_PAGE = 500;
/** Events queued for one subscriber that is not reading; past this it is cut off and must resume with `after`. */
export const MAX_PENDING = 1000;

/** One delivered warning and the cursor to resume right after it. */
export interface WarningEvent {
  cursor: string;
  warning: Warning;
}

/** A log entry ready to hand out: one per warning, shared by every subscriber that may read it. */
interface Delivery {
  seq: bigint;
  entity: WarningEntity;
  event: WarningEvent;
}

function delivery(w: WarningEntity): Delivery {
  return { seq: BigInt(w.seq), entity: w, event: { cursor: encodeCursor(WARNING_CURSORS, w.seq), warning: w } };
}

const DONE: IteratorResult<WarningEvent> = { value: undefined, done: true };

/**
 * One subscription: a bounded queue the hub fills, drained by graphql-ws.
 * An explicit iterator rather than an async generator, so that `return()`
 * (the client completed or the socket closed) ends a pending wait at once
 * and the subscriber leaves the hub immediately.
 */
class WarningStream implements AsyncIterableIterator<WarningEvent>, FailableStream {
  private readonly queue: Delivery[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private overflowed = false;
  private last: bigint;
  private replayed: Delivery[] = [];
  private replaying: boolean;
  private failureListeners: ((err: DomainError) => void)[] = [];

  constructor(
    readonly principal: Principal,
    readonly filter: WarningFilter,
    private readonly warnings: WarningService,
    private readonly detach: (s: WarningStream) => void,
    afterSeq: string | undefined,
    private readonly metrics: Metrics,
  ) {
    this.last = BigInt(afterSeq ?? '0');
    this.replaying = afterSeq !== undefined;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Called by the hub, in log order, with entries this subscriber may read. */
  push(d: Delivery): void {
    if (this.closed || this.overflowed) return;
    if (this.queue.length >= MAX_PENDING) {
      this.overflowed = true;
      this.queue.length = 0;
      // Leave the hub now: nothing more will be delivered, whenever the transport gets to close the connection.
      this.detach(this);
      this.metrics.slowConsumerCloses.inc();
      const err = slowConsumer();
      for (const l of this.failureListeners) l(err);
    } else {
      this.queue.push(d);
    }
    this.wakeUp();
  }

  async next(): Promise<IteratorResult<WarningEvent>> {
    // Replay first: pages of what is readable after the cursor, oldest first.
    while (this.replaying && !this.closed) {
      const d = this.replayed.shift();
      if (d) {
        this.last = d.seq;
        this.metrics.warningsDelivered.inc({ mode: 'replay' });
        return { value: d.event, done: false };
      }
      const page = await this.warnings.since(this.principal, this.last.toString(), this.filter, REPLAY_PAGE);
      this.replayed = page.map(delivery);
      if (page.length < REPLAY_PAGE && !this.replayed.length) this.replaying = false;
    }
    // Then live, skipping whatever the replay already delivered.
    for (;;) {
      if (this.closed || this.overflowed) return this.finish();
      const d = this.queue.shift();
      if (!d) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (d.seq <= this.last) continue;
      this.last = d.seq;
      this.metrics.warningsDelivered.inc({ mode: 'live' });
      this.metrics.deliveryLag.observe(Math.max(0, Date.now() - d.entity.createdAt.getTime()) / 1000);
      return { value: d.event, done: false };
    }
  }

  onFailure(listener: (err: DomainError) => void): void {
    this.failureListeners.push(listener);
  }

  async return(): Promise<IteratorResult<WarningEvent>> {
    return this.finish();
  }

  /** Ends the stream from the server's side (shutdown). */
  close(): void {
    this.closed = true;
    this.wakeUp();
  }

  private finish(): IteratorResult<WarningEvent> {
    this.closed = true;
    this.queue.length = 0;
    this.detach(this);
    this.wakeUp();
    return DONE;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/**
 * Per-process delivery of the warning log. On each broker signal the hub
 * reads the new entries once, decides visibility once per organisation with
 * the sharing policy, and hands each subscriber what it may read, in order.
 */
export class WarningHub {
  private readonly subscribers = new Set<WarningStream>();
  private lastSeq = '0';
  private dirty = false;
  private draining: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private started = false;
  private readonly entryListeners = new Map<(rows: WarningEntity[]) => void, () => boolean>();

  constructor(
    private readonly warnings: WarningService,
    private readonly broker: WarningBroker,
    private readonly metrics: Metrics,
  ) {}

  /** Started and hearing the broker: an instance that is not delivers late (readiness). */
  get listening(): boolean {
    return this.started && this.broker.connected;
  }

  async start(): Promise<void> {
    this.lastSeq = await this.warnings.maxSeq();
    await this.broker.listen(() => this.signal());
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.retry);
    for (const s of this.subscribers) s.close();
    this.subscribers.clear();
    await this.broker.close();
    await this.draining;
  }

  /**
   * Calls `listener` with each batch of new log entries this process reads,
   * in order, whoever subscribes: for consumers that react to the log rather
   * than deliver it (live statistics). While neither a subscriber nor an
   * `interested` listener wants them, the hub reads no rows at all (a bulk
   * ingest writes thousands). Returns the unsubscribe function.
   */
  onEntries(listener: (rows: WarningEntity[]) => void, interested: () => boolean = () => true): () => void {
    this.entryListeners.set(listener, interested);
    return () => this.entryListeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * The stream behind `subscription { warnings(filter, after) }`. It is
   * registered before its replay runs, so nothing committed from then on can
   * be missed; live entries the replay already covered are skipped.
   */
  stream(p: Principal, filter: WarningFilter, afterSeq: string | undefined): AsyncIterableIterator<WarningEvent> & FailableStream {
    const s = new WarningStream(p, filter, this.warnings, (x) => this.subscribers.delete(x), afterSeq, this.metrics);
    this.subscribers.add(s);
    return s;
  }

  /** A broker signal: drain the log; concurrent signals collapse into one more pass. */
  private signal(): void {
    this.dirty = true;
    if (!this.draining) this.draining = this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    while (this.dirty && this.started) {
      this.dirty = false;
      try {
        await this.deliverNew();
      } catch (err) {
        // The database may be restarting: try again shortly; lastSeq has not moved, so nothing is lost.
        logger.warn('warning delivery failed; retrying', { error: (err as Error).message });
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.signal(), 1000);
        return;
      }
    }
  }

  /** Whether anyone in this process wants the new entries themselves. */
  private wanted(): boolean {
    return this.subscribers.size > 0 || [...this.entryListeners.values()].some((interested) => interested());
  }

  private async deliverNew(): Promise<void> {
    if (!this.wanted()) {
      const seq = await this.warnings.maxSeq();
      // Judged again after the read: a subscriber registered meanwhile gets the rows the normal way. One registered
      // after it expects only entries committed after it (seq follows commit order), which are past `seq`.
      if (!this.wanted()) {
        if (BigInt(seq) > BigInt(this.lastSeq)) this.lastSeq = seq;
        return;
      }
    }
    for (;;) {
      const started = Date.now();
      const rows = await this.warnings.after(this.lastSeq, FETCH_BATCH);
      if (!rows.length) return;
      // Snapshot after the read: a subscriber that registers later replays these rows itself.
      // Visibility is judged once per sharing position: subscribers that share it see the same rows.
      const byPosition = new Map<string, WarningStream[]>();
      for (const s of this.subscribers) {
        const key = sharingKey(s.principal);
        const list = byPosition.get(key);
        if (list) list.push(s);
        else byPosition.set(key, [s]);
      }
      const seqs = rows.map((r) => r.seq);
      const groups = [...byPosition.values()];
      const visible = await Promise.all(groups.map((subs) => this.warnings.visibleAmong(subs[0].principal, seqs)));
      const deliveries = rows.map(delivery);
      let queued = 0;
      groups.forEach((subs, n) => {
        for (const d of deliveries) {
          if (!visible[n].has(d.entity.seq)) continue;
          for (const s of subs) {
            if (matchesFilter(d.entity, s.filter)) {
              s.push(d);
              queued++;
            }
          }
        }
      });
      this.lastSeq = rows[rows.length - 1].seq;
      logger.info('warning batch', {
        warnings: rows.length,
        fromSeq: rows[0].seq,
        toSeq: this.lastSeq,
        subscribers: this.subscribers.size,
        sharingPositions: groups.length,
        queued,
        ms: Date.now() - started,
      });
      for (const l of this.entryListeners.keys()) {
        try {
          l(rows);
        } catch (err) {
          logger.warn('a warning-log listener failed', { error: (err as Error).message });
        }
      }
      if (rows.length < FETCH_BATCH) return;
    }
  }
}
