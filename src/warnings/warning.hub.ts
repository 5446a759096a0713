import type { Principal } from '../auth/principal';
import { logger } from '../common/logger';
import { encodeCursor } from '../common/pagination';
import type { WarningBroker } from './broker';
import type { WarningEntity } from './warning.entity';
import { matchesFilter, type WarningService } from './warning.service';
import type { WarningEvent, WarningFilter } from './warning.types';

const FETCH_BATCH = 1000;
const REPLAY_PAGE = 500;
/** Events queued for one subscriber that is not reading; past this it is cut off and must resume with `after`. */
export const MAX_PENDING = 1000;

export interface StreamOptions {
  /** Replay from just after this seq; undefined means live only. */
  afterSeq?: string;
  /** Called once when the subscriber falls too far behind. */
  onOverflow: () => void;
}

/** One live subscriber: a bounded queue that the hub fills and the subscription drains. */
class Subscriber {
  readonly queue: WarningEntity[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  overflowed = false;

  constructor(
    readonly principal: Principal,
    readonly filter: WarningFilter,
    private readonly onOverflow: () => void,
  ) {}

  push(w: WarningEntity): void {
    if (this.closed || this.overflowed) return;
    if (this.queue.length >= MAX_PENDING) {
      this.overflowed = true;
      this.queue.length = 0;
      this.onOverflow();
    } else {
      this.queue.push(w);
    }
    this.wakeUp();
  }

  wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async take(): Promise<WarningEntity | undefined> {
    while (!this.queue.length && !this.closed && !this.overflowed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.closed || this.overflowed ? undefined : this.queue.shift();
  }
}

/**
 * Per-process delivery of the warning log. On each broker signal the hub
 * reads the new entries once, decides visibility once per organisation with
 * the sharing policy, and hands each subscriber what it may read, in order.
 */
export class WarningHub {
  private readonly subscribers = new Set<Subscriber>();
  private lastSeq = '0';
  private dirty = false;
  private draining: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly warnings: WarningService,
    private readonly broker: WarningBroker,
  ) {}

  async start(): Promise<void> {
    this.lastSeq = await this.warnings.maxSeq();
    await this.broker.listen(() => this.signal());
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.retry);
    for (const s of this.subscribers) {
      s.closed = true;
      s.wakeUp();
    }
    this.subscribers.clear();
    await this.broker.close();
    await this.draining;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * The stream behind `subscription { warnings(filter, after) }`: registers
   * first (so nothing committed from now on can be missed), replays what is
   * readable after the cursor, then continues live, skipping anything the
   * replay already delivered.
   */
  async *stream(p: Principal, filter: WarningFilter, opts: StreamOptions): AsyncGenerator<WarningEvent> {
    const sub = new Subscriber(p, filter, opts.onOverflow);
    this.subscribers.add(sub);
    try {
      let last = BigInt(opts.afterSeq ?? '0');
      if (opts.afterSeq !== undefined) {
        for (;;) {
          const page = await this.warnings.since(p, last.toString(), filter, REPLAY_PAGE);
          for (const w of page) {
            last = BigInt(w.seq);
            yield event(w);
          }
          if (page.length < REPLAY_PAGE || sub.closed || sub.overflowed) break;
        }
      }
      for (;;) {
        const w = await sub.take();
        if (!w) return;
        if (BigInt(w.seq) <= last) continue;
        last = BigInt(w.seq);
        yield event(w);
      }
    } finally {
      sub.closed = true;
      this.subscribers.delete(sub);
    }
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

  private async deliverNew(): Promise<void> {
    for (;;) {
      const rows = await this.warnings.after(this.lastSeq, FETCH_BATCH);
      if (!rows.length) return;
      // Snapshot after the read: a subscriber that registers later replays these rows itself.
      const byOrg = new Map<string, Subscriber[]>();
      for (const s of this.subscribers) {
        const list = byOrg.get(s.principal.orgId);
        if (list) list.push(s);
        else byOrg.set(s.principal.orgId, [s]);
      }
      const seqs = rows.map((r) => r.seq);
      const visible = await Promise.all([...byOrg.values()].map((subs) => this.warnings.visibleAmong(subs[0].principal, seqs)));
      [...byOrg.values()].forEach((subs, n) => {
        for (const w of rows) {
          if (!visible[n].has(w.seq)) continue;
          for (const s of subs) if (matchesFilter(w, s.filter)) s.push(w);
        }
      });
      this.lastSeq = rows[rows.length - 1].seq;
      if (rows.length < FETCH_BATCH) return;
    }
  }
}

function event(w: WarningEntity): WarningEvent {
  return { cursor: encodeCursor(w.seq), warning: w };
}
