import { sharingKey } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { StatisticsGrouping, WarningKind } from '../common/enums';
import { logger } from '../common/logger';
import type { WarningEntity } from '../warnings/warning.entity';
import type { WarningHub } from '../warnings/warning.hub';
import type { StatisticsArgs } from './registry.inputs';
import type { RegistryChanges } from './registry.shared';
import type { StatisticsResult, StatisticsService } from './statistics.service';
import type { StatisticsScope } from './statistics.store';

/** Log entries that change someone's figures: of these, the author and the audience are the organisations concerned. */
const FIGURE_KINDS = new Set<string>([WarningKind.EXPOSURE, WarningKind.INCIDENT_UPDATED, WarningKind.DOSSIER_UPDATED, WarningKind.INSPECTION_UPDATED]);

export const STATISTICS_HUB_DEFAULTS = {
  /** At most one recomputation per subscription group in this interval. */
  throttleMs: 1000,
  /** Everything is recomputed this often, for changes that raise no warning (new incidents, revoked indicators, approvals lapsing). */
  refreshMs: 30_000,
};

/** One live subscription: holds only the latest value not yet read, so a slow reader gets the newest figures, never a backlog. */
class StatisticsStream implements AsyncIterableIterator<StatisticsResult> {
  private pending: StatisticsResult | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  /** The last pushed figures, without the time they were computed at. */
  lastKey: string | undefined;

  constructor(private readonly detach: (s: StatisticsStream) => void) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  push(r: StatisticsResult, key: string): void {
    if (this.closed || key === this.lastKey) return;
    this.lastKey = key;
    this.pending = r;
    this.wakeUp();
  }

  async next(): Promise<IteratorResult<StatisticsResult>> {
    for (;;) {
      if (this.closed) return this.finish();
      const r = this.pending;
      if (r) {
        this.pending = undefined;
        return { value: r, done: false };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<StatisticsResult>> {
    return this.finish();
  }

  close(): void {
    this.closed = true;
    this.wakeUp();
  }

  private finish(): IteratorResult<StatisticsResult> {
    this.closed = true;
    this.pending = undefined;
    this.detach(this);
    this.wakeUp();
    return { value: undefined, done: true };
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** Subscriptions that see the same figures: same sharing position, organisation and grouping. */
interface Group {
  principal: Principal;
  args: StatisticsArgs;
  scope: StatisticsScope;
  streams: Set<StatisticsStream>;
  lastRun: number;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  again: boolean;
}

/**
 * Live statistics (`subscription { statistics }`): recomputes a group's
 * figures when the warning log (LISTEN/NOTIFY, so across server processes)
 * or this process's registry writes touch an organisation of its scope, at
 * most once a second per group, and every 30 s regardless; pushes them only
 * when they changed.
 */
export class StatisticsHub {
  private readonly groups = new Map<string, Group>();
  private readonly unsubscribe: (() => void)[] = [];
  private refresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly stats: StatisticsService,
    private readonly warningHub: WarningHub,
    private readonly changes: RegistryChanges,
    private readonly opts = STATISTICS_HUB_DEFAULTS,
  ) {}

  start(): void {
    this.unsubscribe.push(this.warningHub.onEntries((rows) => this.affect(concerned(rows)), () => this.groups.size > 0));
    this.unsubscribe.push(this.changes.on((orgIds) => this.affect(orgIds)));
    this.refresh = setInterval(() => this.affect(null), this.opts.refreshMs);
    this.refresh.unref();
  }

  stop(): void {
    clearInterval(this.refresh);
    for (const u of this.unsubscribe.splice(0)) u();
    for (const g of this.groups.values()) {
      clearTimeout(g.timer);
      for (const s of g.streams) s.close();
    }
    this.groups.clear();
  }

  get subscriberCount(): number {
    return [...this.groups.values()].reduce((n, g) => n + g.streams.size, 0);
  }

  /**
   * The stream behind `subscription { statistics(organization, groupBy) }`:
   * the current figures first, then each change. The scope is resolved here,
   * so an unknown organisation fails the subscription at once.
   */
  async stream(p: Principal, args: StatisticsArgs): Promise<AsyncIterableIterator<StatisticsResult>> {
    const { scope } = await this.stats.scopeOf(p, args.organization);
    const key = JSON.stringify([sharingKey(p), args.organization?.trim().toUpperCase() ?? null, args.groupBy ?? StatisticsGrouping.NONE]);
    let g = this.groups.get(key);
    if (!g) {
      g = { principal: p, args, scope, streams: new Set(), lastRun: 0, timer: undefined, running: undefined, again: false };
      this.groups.set(key, g);
    }
    const group = g;
    const s = new StatisticsStream((x) => {
      group.streams.delete(x);
      if (!group.streams.size) {
        clearTimeout(group.timer);
        this.groups.delete(key);
      }
    });
    group.streams.add(s);
    // The newcomer needs a first value now; the others only hear of it if it differs from what they have.
    this.run(group);
    return s;
  }

  /** Marks the groups whose scope holds one of `orgIds` (all groups for null). */
  private affect(orgIds: string[] | null): void {
    if (orgIds && !orgIds.length) return;
    for (const g of this.groups.values()) {
      if (orgIds === null || g.scope === 'all' || orgIds.some((id) => (g.scope as { orgIds: string[] }).orgIds.includes(id))) this.schedule(g);
    }
  }

  private schedule(g: Group): void {
    if (g.timer) return;
    const wait = Math.max(0, g.lastRun + this.opts.throttleMs - Date.now());
    g.timer = setTimeout(() => {
      g.timer = undefined;
      this.run(g);
    }, wait);
    g.timer.unref();
  }

  private run(g: Group): void {
    if (g.running) {
      g.again = true;
      return;
    }
    g.lastRun = Date.now();
    g.running = this.stats
      .statistics(g.principal, g.args)
      .then((r) => {
        const { computedAt: _at, ...figures } = r;
        const key = JSON.stringify(figures);
        for (const s of g.streams) s.push(r, key);
      })
      .catch((err: unknown) => logger.warn('live statistics failed; the next change or refresh retries', { error: (err as Error).message }))
      .finally(() => {
        g.running = undefined;
        if (g.again) {
          g.again = false;
          this.schedule(g);
        }
      });
  }
}

/** The organisations whose figures a batch of log entries may change. */
function concerned(rows: WarningEntity[]): string[] {
  const out = new Set<string>();
  for (const w of rows) {
    if (!FIGURE_KINDS.has(w.kind)) continue;
    out.add(w.authorId);
    for (const id of w.audienceOrgIds ?? []) out.add(id);
  }
  return [...out];
}
