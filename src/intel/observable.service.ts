import type { DataSource } from 'typeorm';
import { visibleTo } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { ObservableType, SEVERITY_ORDER, Severity } from '../common/enums';
import { badInput } from '../common/errors';
import { normalizeObservable } from './normalize';
import { ObservableEntity } from './observable.entity';

export interface ObservableStats {
  reporterIds: string[];
  indicatorCount: number;
  maxConfidence: number | null;
  maxSeverity: Severity | null;
  firstSeen: Date | null;
  lastSeen: Date | null;
  sightingCount: number;
}

const OBSERVABLE_TYPES: string[] = Object.values(ObservableType);

const EMPTY_STATS: ObservableStats = {
  reporterIds: [], indicatorCount: 0, maxConfidence: null, maxSeverity: null, firstSeen: null, lastSeen: null, sightingCount: 0,
};

interface StatsRow {
  id: string;
  reporters: string[];
  n: number;
  max_conf: number;
  max_sev: number;
  first_seen: Date;
  last_seen: Date;
  s_total: string | null;
  s_first_seen: Date | null;
  s_last_seen: Date | null;
}

/**
 * Observables are reachable only through what the caller may read: an
 * observable known solely from hidden indicators and sightings does not exist
 * for the caller, and its aggregates count visible rows only.
 */
export class ObservableService {
  constructor(private readonly db: DataSource) {}

  /** Normalises `value` first, then finds the observable if any visible indicator or sighting refers to it. */
  async lookup(p: Principal, type: ObservableType, value: string): Promise<ObservableEntity | null> {
    const found = await this.visibleByKeys(p, [ObservableService.key(type, value)]);
    return found.values().next().value ?? null;
  }

  /**
   * The lookup key of (type, value), `TYPE:normalised value`; a bad type or
   * value is an InputProblem naming `type` or `value`, as in `observable(type, value)`.
   */
  static key(type: unknown, value: unknown): string {
    if (typeof type !== 'string' || !OBSERVABLE_TYPES.includes(type)) {
      throw badInput('type', `must be one of ${OBSERVABLE_TYPES.join(', ')}`);
    }
    if (typeof value !== 'string') throw badInput('value', 'must be a string');
    return `${type}:${normalizeObservable(type as ObservableType, value, 'value').value}`;
  }

  /** Observables by `key(type, value)` among those the caller may read (see `lookup`): one query for the batch. */
  async visibleByKeys(p: Principal, keys: readonly string[]): Promise<Map<string, ObservableEntity>> {
    const pairs = keys.map((k) => [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)]);
    const rows = await this.visibleQuery(p)
      .andWhere('(o.type, o.value) IN (SELECT * FROM unnest(CAST(:types AS text[]), CAST(:values AS text[])))', {
        types: pairs.map(([t]) => t),
        values: pairs.map(([, v]) => v),
      })
      .getMany();
    return new Map(rows.map((r) => [`${r.type}:${r.value}`, r]));
  }

  /** Observables by id among those the caller may read (federation references): one query for the batch. */
  async visibleByIds(p: Principal, ids: readonly string[]): Promise<Map<string, ObservableEntity>> {
    const rows = await this.visibleQuery(p).andWhere('o.id = ANY(CAST(:ids AS uuid[]))', { ids }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Observables that a visible indicator or sighting refers to: the only ones that exist for the caller. */
  private visibleQuery(p: Principal) {
    const ip = visibleTo(p, 'i');
    const sp = visibleTo(p, 's');
    return this.db
      .getRepository(ObservableEntity)
      .createQueryBuilder('o')
      .where(
        `(EXISTS (SELECT 1 FROM indicators i WHERE i.observable_id = o.id AND ${ip.sql})
          OR EXISTS (SELECT 1 FROM sightings s WHERE s.observable_id = o.id AND ${sp.sql}))`,
        { ...ip.params, ...sp.params },
      );
  }

  /** Observables by id, for nested fields of objects the caller already may read. */
  async byIds(_p: Principal, ids: string[]): Promise<Map<string, ObservableEntity>> {
    const rows = await this.db.getRepository(ObservableEntity).createQueryBuilder('o').where('o.id = ANY(:ids)', { ids }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Aggregates per observable over the caller's visible, unrevoked indicators and visible sightings: one statement per batch. */
  async stats(p: Principal, observableIds: string[]): Promise<Map<string, ObservableStats>> {
    const ip = visibleTo(p, 'i');
    const sp = visibleTo(p, 's');
    const sevCase = `CASE i.severity ${SEVERITY_ORDER.map((s, n) => `WHEN '${s}' THEN ${n}`).join(' ')} END`;
    // Both aggregates per observable through its index, in one round trip (a look-up pays one statement, not two).
    const [q, v] = this.db.driver.escapeQueryWithParameters(
      `SELECT x.id, ia.reporters, ia.n, ia.max_conf, ia.max_sev, ia.first_seen, ia.last_seen,
              sa.total AS s_total, sa.first_seen AS s_first_seen, sa.last_seen AS s_last_seen
         FROM unnest(CAST(:ids AS uuid[])) AS x(id)
         CROSS JOIN LATERAL (
           SELECT array_agg(DISTINCT i.author_id) AS reporters, count(*)::int AS n, max(i.confidence)::int AS max_conf,
                  max(${sevCase}) AS max_sev, min(i.first_reported) AS first_seen, max(i.last_reported) AS last_seen
             FROM indicators i WHERE i.observable_id = x.id AND i.revoked = false AND ${ip.sql}) ia
         CROSS JOIN LATERAL (
           SELECT sum(s.count)::bigint AS total, min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen
             FROM sightings s WHERE s.observable_id = x.id AND ${sp.sql}) sa`,
      { ids: observableIds, ...ip.params, ...sp.params },
    );
    const rows: StatsRow[] = await this.db.query(q, v);
    const ind = rows.filter((r) => r.n > 0);
    const sig = rows.filter((r) => r.s_total !== null).map((r) => ({ id: r.id, total: r.s_total!, first_seen: r.s_first_seen!, last_seen: r.s_last_seen! }));
    const out = new Map<string, ObservableStats>();
    for (const id of observableIds) out.set(id, { ...EMPTY_STATS, reporterIds: [] });
    for (const r of ind) {
      Object.assign(out.get(r.id)!, {
        reporterIds: r.reporters,
        indicatorCount: r.n,
        maxConfidence: r.max_conf,
        maxSeverity: SEVERITY_ORDER[r.max_sev],
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
      });
    }
    for (const r of sig) {
      const st = out.get(r.id)!;
      st.sightingCount = Number(r.total);
      if (!st.firstSeen || r.first_seen < st.firstSeen) st.firstSeen = r.first_seen;
      if (!st.lastSeen || r.last_seen > st.lastSeen) st.lastSeen = r.last_seen;
    }
    return out;
  }
}
