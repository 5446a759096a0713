import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import { allows, type Authorizer } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { notFound, rateLimited } from '../common/errors';
import { ChangeSignal } from '../common/change-signal';
import { intRange, lookupKey } from '../common/validate';
import { defaultLimitsFor, effectiveLimits, LIMIT_NAMES, LIMIT_RANGES, type LimitName, type Limits } from './limits';
import { OrganizationEntity } from './organization.entity';
import type { OrganizationLimitsInput } from './organization.inputs';

/** Per-minute budgets, refilled continuously (token buckets). */
export type Budget = 'reads' | 'bulkItems';
/** Concurrent quotas, held while a connection or subscription is open. */
export type Quota = 'subscriptions' | 'connections';

const BUDGET_LIMIT: Record<Budget, LimitName> = { reads: 'readsPerMinute', bulkItems: 'bulkItemsPerMinute' };

/** A lease counts while its instance's heartbeat is younger than this: an instance that died frees its slots after it. */
export const LEASE_TTL_S = 30;
/** How often an instance renews (and re-synchronises) its leases. */
export const LEASE_HEARTBEAT_MS = 5000;
/** A local grant of reads is this share of the per-minute budget (of 600 a minute: 30 reads)... */
const GRANT_SHARE = 20;
/** ...and lapses after this long, so that a lowered limit or a busy other instance is felt within a second. */
const GRANT_MS = 1000;

/** What the bucket holds now: what it held, refilled at capacity/60 per second since, never above capacity. */
const AVAILABLE = `least(EXCLUDED.capacity, b.tokens + greatest(0, extract(epoch FROM clock_timestamp() - b.updated_at))::float8 * EXCLUDED.capacity / 60.0)`;

/**
 * Refill and take in one statement, so that every instance shares one
 * budget without a lock held across round trips. A take needs what it costs,
 * or a full bucket when it costs more than the bucket holds (one 5,000-item
 * call under a smaller budget passes, then the debt is waited off).
 * $1 organisation, $2 bucket, $3 limit name, $4 default capacity, $5 cost.
 */
const TAKE_SQL = `WITH lim AS (SELECT coalesce((limits->>$3)::float8, $4::float8) AS cap FROM organizations WHERE id = $1)
INSERT INTO rate_limit_buckets AS b (organization_id, bucket, tokens, capacity, admitted, updated_at)
SELECT $1, $2, cap - $5::float8, cap, true, clock_timestamp() FROM lim
ON CONFLICT (organization_id, bucket) DO UPDATE SET
  tokens = CASE WHEN ${AVAILABLE} >= least($5::float8, EXCLUDED.capacity) THEN ${AVAILABLE} - $5::float8 ELSE ${AVAILABLE} END,
  admitted = ${AVAILABLE} >= least($5::float8, EXCLUDED.capacity),
  capacity = EXCLUDED.capacity,
  updated_at = clock_timestamp()
RETURNING tokens, capacity, admitted`;

/**
 * Per-organisation rate limits and quotas, shared by every server instance
 * through PostgreSQL: budgets are token buckets in `rate_limit_buckets`,
 * quotas are per-instance counts in `rate_limit_leases` summed over live
 * instances. The operation pipeline charges each operation here before it
 * runs; these methods charge the caller's own organisation and reveal
 * nothing, so they need no action of their own.
 */
export class RateLimitService {
  /** This instance's name in the lease table. */
  readonly instanceId = randomUUID();
  /** Leases this instance holds, by `orgId|quota`: the truth the heartbeat writes back. */
  private readonly held = new Map<string, { orgId: string; quota: Quota; n: number }>();
  /** Fires after each committed change of an organisation's limits. */
  readonly changed = new ChangeSignal();
  /** Read budget already taken from the shared bucket, by `orgId|budget`, spent locally until `until`. */
  private readonly grants = new Map<string, { tokens: number; capacity: number; until: number }>();
  private grantGeneration = 0;
  private prefetchLive: () => boolean = () => false;

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
  ) {}

  /**
   * Takes `cost` from the organisation's `budget`, or throws RATE_LIMITED with the seconds until it would pass.
   * Reads are served from a small local grant while one is held (see prefetchWhile); anything else, and any
   * read the grant cannot cover, is one statement against the shared bucket.
   */
  async take(p: Principal, budget: Budget, cost: number): Promise<void> {
    const key = `${p.orgId}|${budget}`;
    const grant = this.grants.get(key);
    if (grant && grant.until > Date.now() && grant.tokens >= cost) {
      grant.tokens -= cost;
      return;
    }
    // A grant is taken from the shared bucket like any charge, so instances together never admit more than the
    // budget; tokens left in a grant that lapses are lost (an instance may refuse a little early, never late).
    const chunk = budget === 'reads' && grant && this.prefetchLive() ? Math.max(cost, Math.floor(grant.capacity / GRANT_SHARE)) : cost;
    const gen = this.grantGeneration;
    let r = await this.takeShared(p, budget, chunk);
    if (!r.admitted && chunk > cost) r = await this.takeShared(p, budget, cost);
    if (budget === 'reads' && gen === this.grantGeneration && this.prefetchLive()) {
      this.grants.set(key, { tokens: r.admitted ? chunk - cost : 0, capacity: r.capacity, until: Date.now() + GRANT_MS });
    }
    if (r.admitted) return;
    const need = Math.min(cost, r.capacity);
    const retryAfter = Math.max(1, Math.ceil(((need - r.tokens) * 60) / r.capacity));
    const what = budget === 'reads' ? 'queries' : 'bulk items';
    throw rateLimited(`${p.orgCode} is over its limit of ${r.capacity} ${what} per minute: retry after ${retryAfter} s`, retryAfter, BUDGET_LIMIT[budget]);
  }

  private async takeShared(p: Principal, budget: Budget, cost: number): Promise<{ tokens: number; capacity: number; admitted: boolean }> {
    const limit = BUDGET_LIMIT[budget];
    const rows: { tokens: number; capacity: number; admitted: boolean }[] = await this.db.query(TAKE_SQL, [
      p.orgId,
      budget,
      limit,
      defaultLimitsFor(p.orgKind)[limit],
      cost,
    ]);
    // No row: the organisation is gone; the token check refuses it on its next request.
    return rows[0] ?? { tokens: cost, capacity: cost, admitted: true };
  }

  /**
   * Lets reads be charged in grants of 1/GRANT_SHARE of the budget while `live()` is true (the instance hears
   * every change to organisations, limits included); `forgetGrants` must be called on each such change.
   */
  prefetchWhile(live: () => boolean): void {
    this.prefetchLive = live;
  }

  /** Drops every local grant: limits may have changed, or changes may have gone unheard. */
  forgetGrants(): void {
    this.grantGeneration++;
    this.grants.clear();
  }

  /**
   * Holds one of the organisation's `quota` slots until the returned release
   * is called (idempotent), or throws RATE_LIMITED when all are in use.
   * Count first, then check: two instances racing for the last slot may both
   * be refused, never both admitted.
   */
  async acquire(p: Principal, quota: Quota): Promise<() => Promise<void>> {
    const key = `${p.orgId}|${quota}`;
    const entry = this.held.get(key) ?? { orgId: p.orgId, quota, n: 0 };
    this.held.set(key, entry);
    entry.n++;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      entry.n--;
      await this.db.query(
        'UPDATE rate_limit_leases SET count = greatest(count - 1, 0) WHERE instance_id = $1 AND organization_id = $2 AND kind = $3',
        [this.instanceId, p.orgId, quota],
      );
    };
    try {
      await this.db.query(
        `INSERT INTO rate_limit_leases (instance_id, organization_id, kind, count, heartbeat_at) VALUES ($1, $2, $3, 1, now())
         ON CONFLICT (instance_id, organization_id, kind) DO UPDATE SET count = rate_limit_leases.count + 1, heartbeat_at = now()`,
        [this.instanceId, p.orgId, quota],
      );
      const [row]: { used: number; cap: number }[] = await this.db.query(
        `SELECT coalesce((SELECT sum(count) FROM rate_limit_leases
                           WHERE organization_id = $1 AND kind = $2 AND heartbeat_at > now() - make_interval(secs => $3)), 0)::int AS used,
                coalesce((o.limits->>$2)::int, $4::int) AS cap
           FROM organizations o WHERE o.id = $1`,
        [p.orgId, quota, LEASE_TTL_S, defaultLimitsFor(p.orgKind)[quota]],
      );
      if (row && row.used > row.cap) {
        await release();
        const what = quota === 'connections' ? 'open websocket connections' : 'open subscriptions';
        throw rateLimited(`${p.orgCode} already has its limit of ${row.cap} ${what}; close one first`, undefined, quota);
      }
    } catch (err) {
      if (!released) {
        released = true;
        entry.n--;
      }
      throw err;
    }
    return release;
  }

  /**
   * Renews this instance's leases and writes back the counts it really
   * holds (a release that failed while the database was away is corrected
   * here); drops leases nobody renewed for an hour.
   */
  async heartbeat(): Promise<void> {
    const entries = [...this.held.values()];
    if (entries.length) {
      await this.db.query(
        `INSERT INTO rate_limit_leases (instance_id, organization_id, kind, count, heartbeat_at)
         SELECT $1, x.org, x.kind, x.n, now() FROM unnest($2::uuid[], $3::text[], $4::int[]) AS x(org, kind, n)
         ON CONFLICT (instance_id, organization_id, kind) DO UPDATE SET count = EXCLUDED.count, heartbeat_at = now()`,
        [this.instanceId, entries.map((e) => e.orgId), entries.map((e) => e.quota), entries.map((e) => e.n)],
      );
    }
    for (const [key, e] of this.held) if (e.n <= 0) this.held.delete(key);
    await this.db.query(`DELETE FROM rate_limit_leases WHERE (instance_id = $1 AND count = 0) OR heartbeat_at < now() - interval '1 hour'`, [
      this.instanceId,
    ]);
  }

  /** At shutdown: this instance's slots are free at once for the others. */
  async releaseAll(): Promise<void> {
    this.held.clear();
    await this.db.query('DELETE FROM rate_limit_leases WHERE instance_id = $1', [this.instanceId]);
  }

  /** The limits that apply to `org`, for its own members and coordinators; null for anyone else. */
  limitsOf(p: Principal, org: OrganizationEntity): (Limits & { overridden: LimitName[] }) | null {
    if (!allows(p, 'organizationLimits.read', { organizationId: org.id })) return null;
    return effectiveLimits(org.kind, org.limits);
  }

  /**
   * Sets or clears an organisation's overrides: a number sets one, null
   * returns it to the default for the organisation's kind, an absent field
   * stays as it is. Takes effect on the next operation on every instance.
   */
  async setLimits(p: Principal, code: string, input: OrganizationLimitsInput): Promise<OrganizationEntity> {
    await this.authz.authorize(p, 'organizationLimits.set');
    const changes: Partial<Record<LimitName, number | null>> = {};
    for (const name of LIMIT_NAMES) {
      const v = input[name];
      if (v === undefined) continue;
      changes[name] = v === null ? null : intRange(`limits.${name}`, v, ...LIMIT_RANGES[name]);
    }
    return this.changed.after(this.db.transaction(async (m) => {
      const org = await m.findOne(OrganizationEntity, { where: { code: lookupKey('organization', code).toUpperCase() }, lock: { mode: 'pessimistic_write' } });
      if (!org) throw notFound('Organization', code);
      await this.authz.authorize(p, 'organizationLimits.set', { target: { type: 'Organization', id: org.code }, organizationId: org.id });
      const next: Partial<Limits> = { ...org.limits };
      for (const [name, v] of Object.entries(changes) as [LimitName, number | null][]) {
        if (v === null) delete next[name];
        else next[name] = v;
      }
      org.limits = Object.keys(next).length ? next : null;
      await m.update(OrganizationEntity, { id: org.id }, { limits: org.limits as never, updatedAt: new Date() });
      await this.audit.record(p, { action: 'organizationLimits.set', targetType: 'Organization', targetId: org.code, detail: { ...changes } }, m);
      return org;
    }));
  }
}
