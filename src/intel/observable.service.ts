import type { DataSource } from 'typeorm';
import { policyShape, visibleTo } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { ObservableType, SEVERITY_ORDER, Severity } from '../common/enums';
import { badInput } from '../common/errors';
import { prefixedColumns, type PrefixedColumns } from '../db/hydrate';
import { compileNamed, preparedRead, type ColumnIndex } from '../db/prepared';
import { normalizeObservable } from './normalize';
import { IndicatorEntity } from './indicator.entity';
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

/** Whole observable rows, for withStats. */
const OBSERVABLES = { from: 'observables o', columns: 'o.id, o.type, o.value, o.net, o.created_at' };

/** withStats' statistics columns. */
const STAT_COLUMNS = ['id', 'seen', 'reporters', 'n', 'max_conf', 'max_sev', 'first_seen', 'last_seen', 's_total', 's_first_seen', 's_last_seen'] as const;
type StatColumns = Record<(typeof STAT_COLUMNS)[number], number>;
const statPositions = new WeakMap<ColumnIndex, StatColumns>();

/** Where withStats' statistics columns are in its rows: worked out once per statement. */
function statColumns(columns: ColumnIndex): StatColumns {
  let at = statPositions.get(columns);
  if (!at) statPositions.set(columns, (at = Object.fromEntries(STAT_COLUMNS.map((c) => [c, columns.get(c)!])) as StatColumns));
  return at;
}

/**
 * Observables are reachable only through what the caller may read: an
 * observable known solely from hidden indicators and sightings does not exist
 * for the caller, and its aggregates count visible rows only.
 */
export class ObservableService {
  constructor(private readonly db: DataSource) {}

  /**
   * Normalises `value` first, then finds the observable, with its statistics, if any visible indicator or sighting
   * refers to it. With `head` (a page size), the same statement also reads the first `head + 1` rows of
   * IndicatorService.list(p, { observableId }) — visible, unrevoked, newest first — for IndicatorService.headPage.
   */
  async lookup(p: Principal, type: ObservableType, value: string, opts: { head?: number } = {}): Promise<Visible | null> {
    const key = ObservableService.key(type, value);
    const sep = key.indexOf(':');
    const rows = await this.withStats(p, OBSERVABLES, 'o.type = :type AND o.value = :value', { type: key.slice(0, sep), value: key.slice(sep + 1) }, true, opts.head);
    return rows[0] ?? null;
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

  /**
   * Observables by `key(type, value)` among those the caller may read (see `lookup`), with their statistics:
   * one statement for the batch.
   */
  async visibleByKeys(p: Principal, keys: readonly string[]): Promise<Map<string, Visible>> {
    const pairs = keys.map((k) => [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)]);
    const rows = await this.withStats(p, OBSERVABLES, '(o.type, o.value) IN (SELECT * FROM unnest(CAST(:types AS text[]), CAST(:values AS text[])))', {
      types: pairs.map(([t]) => t),
      values: pairs.map(([, v]) => v),
    });
    return new Map(rows.map((r) => [`${r.observable.type}:${r.observable.value}`, r]));
  }

  /** Observables by id among those the caller may read (federation references), with their statistics: one statement. */
  async visibleByIds(p: Principal, ids: readonly string[]): Promise<Map<string, Visible>> {
    const rows = await this.withStats(p, OBSERVABLES, 'o.id = ANY(CAST(:ids AS uuid[]))', { ids });
    return new Map(rows.map((r) => [r.observable.id, r]));
  }

  /** Observables by id, for nested fields of objects the caller already may read. */
  async byIds(_p: Principal, ids: string[]): Promise<Map<string, ObservableEntity>> {
    const rows = await this.db.getRepository(ObservableEntity).createQueryBuilder('o').where('o.id = ANY(:ids)', { ids }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Aggregates per observable over the caller's visible, unrevoked indicators and visible sightings: one statement per batch. */
  async stats(p: Principal, observableIds: string[]): Promise<Map<string, ObservableStats>> {
    const rows = await this.withStats(p, { from: 'unnest(CAST(:ids AS uuid[])) AS o(id)', columns: 'o.id' }, 'true', { ids: observableIds }, false);
    return new Map(rows.map((r) => [r.observable.id, r.stats]));
  }

  /**
   * The rows of `source.from` (alias o) matching `where`, each with its aggregates over what the caller may read,
   * through the indexes on observable_id. With `visibleOnly`, only observables that a visible indicator
   * (revoked or not) or sighting refers to: the only ones that exist for the caller.
   */
  private async withStats(
    p: Principal,
    source: { from: string; columns: string },
    where: string,
    params: Record<string, unknown>,
    visibleOnly = true,
    head?: number,
  ): Promise<Visible[]> {
    const ip = visibleTo(p, 'i');
    const sp = visibleTo(p, 's');
    const hp = head ? visibleTo(p, 'h') : undefined;
    const all = { ...params, ...ip.params, ...sp.params, ...(hp ? { ...hp.params, head_limit: head! + 1 } : {}) };
    // The text depends only on these; the principal's ids and the values are parameters.
    const key = `withStats|${policyShape(p)}|${source.from}|${source.columns}|${where}|${visibleOnly}|${!!head}`;
    const statement = compileNamed(this.db, key, () => {
      // One row per head indicator (or one with NULLs), the observable's columns repeated.
      const headJoin = hp
        ? ` LEFT JOIN LATERAL (SELECT h.* FROM indicators h WHERE h.observable_id = o.id AND h.revoked = false AND ${hp.sql}
              ORDER BY h.seq DESC LIMIT :head_limit) h ON true`
        : '';
      const live = 'FILTER (WHERE NOT i.revoked)';
      const sevCase = `CASE i.severity ${SEVERITY_ORDER.map((s, n) => `WHEN '${s}' THEN ${n}`).join(' ')} END`;
      const sql = `SELECT ${source.columns}, ia.seen, ia.reporters, ia.n, ia.max_conf, ia.max_sev, ia.first_seen, ia.last_seen,
              sa.total AS s_total, sa.first_seen AS s_first_seen, sa.last_seen AS s_last_seen${head ? `, ${this.headRows.select('h')}` : ''}
         FROM ${source.from}
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS seen, coalesce(array_agg(DISTINCT i.author_id) ${live}, '{}') AS reporters, (count(*) ${live})::int AS n,
                  (max(i.confidence) ${live})::int AS max_conf, max(${sevCase}) ${live} AS max_sev,
                  min(i.first_reported) ${live} AS first_seen, max(i.last_reported) ${live} AS last_seen
             FROM indicators i WHERE i.observable_id = o.id AND ${ip.sql}) ia
         CROSS JOIN LATERAL (
           SELECT sum(s.count)::bigint AS total, min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen
             FROM sightings s WHERE s.observable_id = o.id AND ${sp.sql}) sa
         ${headJoin}
        WHERE ${where}${visibleOnly ? ' AND (ia.seen > 0 OR sa.total IS NOT NULL)' : ''}${head ? ' ORDER BY o.id, h.seq DESC' : ''}`;
      return { sql, params: all };
    });
    const { rows, columns } = await preparedRead(this.db, statement, all);
    const observableOf = this.observableRows.reader(columns);
    const headOf = head ? this.headRows.reader(columns) : null;
    const at = statColumns(columns);
    const out = new Map<string, Visible>();
    for (const r of rows) {
      const id = r[at.id] as string;
      let found = out.get(id);
      if (!found) {
        found = { observable: observableOf(r)!, stats: statsOf(r, at), ...(head ? { head: [] } : {}) };
        out.set(id, found);
      }
      const e = headOf?.(r);
      if (e) {
        e.observable = found.observable;
        found.head!.push(e);
      }
    }
    return [...out.values()];
  }

  /** The observable's own columns of withStats' rows (as many as `source.columns` names). */
  private get observableRows(): PrefixedColumns<ObservableEntity> {
    return prefixedColumns(this.db.manager, ObservableEntity, '');
  }

  /** A look-up's head indicators, read beside the observable as `h_…` columns. */
  private get headRows(): PrefixedColumns<IndicatorEntity> {
    return prefixedColumns(this.db.manager, IndicatorEntity, 'h_');
  }
}

/** An observable the caller may read, with its aggregates over what the caller may read. */
export interface Visible {
  observable: ObservableEntity;
  stats: ObservableStats;
  /** With lookup's `head`: the first rows of its visible, unrevoked indicators, newest first. */
  head?: IndicatorEntity[];
}

function statsOf(r: readonly unknown[], at: StatColumns): ObservableStats {
  const st: ObservableStats = { ...EMPTY_STATS, reporterIds: [] };
  const n = r[at.n] as number;
  if (n > 0) {
    Object.assign(st, {
      reporterIds: r[at.reporters] as string[],
      indicatorCount: n,
      maxConfidence: r[at.max_conf] as number,
      maxSeverity: SEVERITY_ORDER[r[at.max_sev] as number],
      firstSeen: r[at.first_seen] as Date,
      lastSeen: r[at.last_seen] as Date,
    });
  }
  const sTotal = r[at.s_total] as string | null;
  if (sTotal !== null) {
    const sFirst = r[at.s_first_seen] as Date;
    const sLast = r[at.s_last_seen] as Date;
    st.sightingCount = Number(sTotal);
    if (!st.firstSeen || sFirst < st.firstSeen) st.firstSeen = sFirst;
    if (!st.lastSeen || sLast > st.lastSeen) st.lastSeen = sLast;
  }
  return st;
}
