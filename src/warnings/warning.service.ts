import type { DataSource, EntityManager } from 'typeorm';
import { warningVisibleTo } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { SEVERITY_ORDER, Severity, severitiesFrom, type Tlp, type WarningKind } from '../common/enums';
import { badInput } from '../common/errors';
import type { Metrics } from '../common/metrics';
import type { Page } from '../common/pagination';
import { pgList, pgLiteral, pgPlain, pgQuoted } from '../db/arrays';
import { fixedStatement, preparedIn } from '../db/prepared';
import { keysetPage } from '../db/paging';
import type { WarningBroker } from './broker';
import { WarningEntity } from './warning.entity';
import { visibleByIds, where } from '../db/filters';
import type { WarningFilter } from './warning.inputs';

const SUBJECT_TYPES = ['Advisory', 'Indicator', 'Incident', 'SafetyDossier', 'Inspection', 'RankingSnapshot'];

export interface WarningDraft {
  kind: WarningKind;
  severity: Severity;
  title: string;
  summary: string | null;
  subjectType: 'Advisory' | 'Indicator' | 'Incident' | 'SafetyDossier' | 'Inspection' | 'RankingSnapshot';
  subjectId: string;
  authorId: string;
  tlp: Tlp;
  recipientOrgIds: string[];
  recipientGroupIds: string[];
  audienceOrgIds: string[] | null;
}

/** Checks a filter once; the same filter is applied in SQL (queries, replay) and in memory (live delivery). */
export function checkFilter(filter: WarningFilter | null | undefined): WarningFilter {
  const f = filter ?? {};
  f.subjectTypes?.forEach((t, i) => {
    if (!SUBJECT_TYPES.includes(t)) throw badInput(`filter.subjectTypes[${i}]`, `must be one of ${SUBJECT_TYPES.join(', ')}`);
  });
  return f;
}

export function matchesFilter(w: Pick<WarningEntity, 'kind' | 'severity' | 'subjectType'>, f: WarningFilter): boolean {
  if (f.minSeverity && SEVERITY_ORDER.indexOf(w.severity) < SEVERITY_ORDER.indexOf(f.minSeverity)) return false;
  if (f.kinds?.length && !f.kinds.includes(w.kind)) return false;
  if (f.subjectTypes?.length && !f.subjectTypes.includes(w.subjectType)) return false;
  return true;
}

/** The lock under which warnings get their final seq (migrations WarningSeqAtCommit, WarningSeqUnderLock): 'tfwa'. */
const WARNINGS_SEQ_LOCK = 1952872289;

/**
 * From how many candidate rows `numberNow` takes the lock at insert. Below it, renumbering at commit is cheap and holds
 * the lock for microseconds; taking it at insert made a stream of one-item posts queue on it (bench:warnings: sessions
 * waiting for it in 86 % of samples at 20 posts a second, against none).
 */
export const NUMBER_AT_INSERT_FROM = 200;

/** A freshly created indicator with its observable, as raiseForNewIndicators needs it. */
export interface NewIndicator {
  id: string;
  seq: string;
  tlp: string;
  recipient_org_ids: string[];
  recipient_group_ids: string[];
  severity: Severity;
  threat_types: string[];
  type: string;
  value: string;
  net: string | null;
}

/** The candidates as raiseForNewIndicators' statement takes them: $1–$10, a column each (src/db/arrays.ts). */
function candidateParams(cs: readonly NewIndicator[]): string[] {
  const n = cs.length;
  const cols = Array.from({ length: 10 }, () => new Array<string | number>(n));
  for (let i = 0; i < n; i++) {
    const c = cs[i];
    cols[0][i] = pgPlain(c.id);
    cols[1][i] = pgPlain(c.seq);
    cols[2][i] = pgPlain(c.tlp);
    cols[3][i] = pgList(c.recipient_org_ids, true);
    cols[4][i] = pgList(c.recipient_group_ids, true);
    cols[5][i] = pgPlain(c.severity);
    cols[6][i] = pgList(c.threat_types, true);
    cols[7][i] = pgPlain(c.type);
    cols[8][i] = pgQuoted(c.value);
    cols[9][i] = pgPlain(c.net);
  }
  return cols.map(pgLiteral);
}

/**
 * raiseForNewIndicators' one statement: $1–$10 the candidates (candidateParams), $11 the severities that raise
 * INDICATOR_HIGH_SEVERITY, $12 their author. Returns (kind, count, highest seq) per kind raised.
 */
const RAISE_FOR_NEW_INDICATORS = fixedStatement(`WITH src AS MATERIALIZED (
    -- A row's lists are array literals, NULL when empty; $12 is the author of them all.
    SELECT s.id, s.seq, $12::uuid AS author_id, s.tlp, coalesce(s.recipient_org_ids::uuid[], '{}') AS recipient_org_ids,
           coalesce(s.recipient_group_ids::uuid[], '{}') AS recipient_group_ids, s.severity, coalesce(s.threat_types::text[], '{}') AS threat_types,
           s.type, s.value, s.net
      FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::inet[])
           AS s(id, seq, tlp, recipient_org_ids, recipient_group_ids, severity, threat_types, type, value, net)
  ), prefixes AS MATERIALIZED (
    SELECT * FROM threatfed_approved_prefixes()
  ), severe AS (
    INSERT INTO warnings (kind, severity, title, summary, subject_type, subject_id, author_id, tlp, recipient_org_ids, recipient_group_ids)
    SELECT 'INDICATOR_HIGH_SEVERITY', s.severity, s.severity || ' ' || s.type || ' indicator: ' || left(s.value, 200),
           nullif(array_to_string(s.threat_types, ', '), ''), 'Indicator', s.id, s.author_id, s.tlp, s.recipient_org_ids, s.recipient_group_ids
      FROM src s WHERE s.severity = ANY($11::text[])
    ORDER BY s.seq
    RETURNING seq, kind
  ), exposed AS (
    -- The (organisation, indicator) pairs are the ones the indicators trigger has just written to indicator_exposures
    -- (migration IndicatorExposures); only the summary reads the ranges again, with the prefix probes of migration
    -- ExposureAtIngest rather than an index search of the ranges per address.
    INSERT INTO warnings (kind, severity, title, summary, subject_type, subject_id, author_id, tlp, recipient_org_ids, recipient_group_ids, audience_org_ids)
    SELECT 'EXPOSURE', s.severity, 'Your address space appears in an indicator (' || s.type || '): ' || s.value,
           'Overlaps ' || r.cidrs, 'Indicator', s.id, s.author_id, s.tlp, s.recipient_org_ids, s.recipient_group_ids, ARRAY[x.organization_id]
      FROM src s JOIN indicator_exposures x ON x.indicator_id = s.id
      CROSS JOIN LATERAL (
        SELECT string_agg(o.cidr::text, ', ' ORDER BY o.cidr) AS cidrs FROM (
          SELECT a.cidr FROM prefixes p CROSS JOIN LATERAL (
            SELECT cidr FROM asset_ranges WHERE cidr::text = set_masklen(network(s.net), p.len)::text AND status = 'APPROVED'
               AND organization_id = x.organization_id OFFSET 0) a
           WHERE p.family = family(s.net) AND p.len <= masklen(s.net)
          UNION ALL
          SELECT a.cidr FROM asset_ranges a
           WHERE a.organization_id = x.organization_id AND a.status = 'APPROVED' AND a.cidr << s.net
             AND masklen(s.net) < CASE family(s.net) WHEN 4 THEN 32 ELSE 128 END) o) r
     WHERE s.net IS NOT NULL AND x.organization_id <> s.author_id
       AND (s.tlp IN ('CLEAR','GREEN','AMBER') OR x.organization_id = ANY(s.recipient_org_ids)
            OR EXISTS (SELECT 1 FROM sharing_group_members gm WHERE gm.organization_id = x.organization_id AND gm.group_id = ANY(s.recipient_group_ids)))
     ORDER BY s.seq, x.organization_id
    RETURNING seq, kind
  )
  SELECT kind, count(*)::int AS n, max(seq)::text AS seq FROM (SELECT seq, kind FROM severe UNION ALL SELECT seq, kind FROM exposed) x GROUP BY kind`);

/**
 * The warning log: producers append inside their own transactions (so a
 * warning exists exactly when its cause committed), readers see it through
 * `warningVisibleTo`. The final `seq` is given at commit, in commit order, by
 * a trigger (migration WarningSeqAtCommit), so a reader of "seq > last"
 * never skips a late commit.
 */
export class WarningService {
  constructor(
    private readonly db: DataSource,
    private readonly broker: WarningBroker,
    private readonly minSeverity: Severity,
    private readonly metrics: Metrics,
  ) {}

  /** Appends warnings within the caller's transaction and announces them on commit. */
  async raise(m: EntityManager, drafts: WarningDraft[]): Promise<void> {
    if (!drafts.length) return;
    const rows = await m
      .createQueryBuilder()
      .insert()
      .into(WarningEntity)
      .values(drafts.map((d) => ({ ...d })))
      .returning(['seq'])
      .execute();
    const seqs = rows.raw.map((r: { seq: string }) => BigInt(r.seq));
    await this.broker.announce(m, seqs.reduce((a: bigint, b: bigint) => (b > a ? b : a)).toString());
    for (const d of drafts) this.metrics.warningsLogged.inc({ kind: d.kind });
  }

  /**
   * Set-based warnings for freshly created indicators: INDICATOR_HIGH_SEVERITY
   * at or above the configured severity, and EXPOSURE, one per organisation
   * whose APPROVED asset ranges the IP or CIDR overlaps (however many of its
   * ranges; a declared range counts only once a reviewer vouched for it),
   * for CLEAR, GREEN and AMBER; for AMBER_STRICT and RED only when the owner
   * is a recipient.
   *
   * `numberNow`: for a transaction that commits right after this (nothing slow
   * in between). With at least NUMBER_AT_INSERT_FROM candidates it takes the
   * warnings lock here and numbers the warnings for good as it writes them
   * (migration WarningSeqUnderLock), instead of their being renumbered one by
   * one at COMMIT. The lock is then held to the commit, so other writers of
   * warnings wait that long.
   */
  async raiseForNewIndicators(m: EntityManager, authorId: string, created: NewIndicator[], opts: { numberNow?: boolean } = {}): Promise<void> {
    const severe = severitiesFrom(this.minSeverity);
    // Only rows that can raise one, as the caller just wrote them: reading them back (with their observables) cost
    // a scan that grew with the tables.
    const candidates = created.filter((c) => c.net !== null || severe.includes(c.severity));
    if (!candidates.length) return;
    if (opts.numberNow && candidates.length >= NUMBER_AT_INSERT_FROM) {
      // The number is drawn after the lock is held (the CTE is read first): everything this transaction draws from
      // here on is above whatever any transaction committed or will commit before it.
      await m.query(
        `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($1))
         SELECT set_config('threatfed.warnings_seq_from', nextval('warnings_seq_seq')::text, true) FROM l`,
        [WARNINGS_SEQ_LOCK],
      );
    }
    const result = await preparedIn(m, RAISE_FOR_NEW_INDICATORS, [...candidateParams(candidates), severe, authorId]);
    const [kind, n, seq] = [result.columns.get('kind')!, result.columns.get('n')!, result.columns.get('seq')!];
    const inserted = result.rows.map((r) => ({ kind: r[kind] as WarningKind, n: r[n] as number, seq: r[seq] as string }));
    if (!inserted.length) return;
    const max = inserted.map((r) => BigInt(r.seq)).reduce((a, b) => (b > a ? b : a));
    await this.broker.announce(m, max.toString());
    for (const r of inserted) this.metrics.warningsLogged.inc({ kind: r.kind }, r.n);
  }

  /** The log as a connection, newest first. */
  list(p: Principal, filter: WarningFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<WarningEntity>> {
    const qb = this.visibleQuery(p, checkFilter(filter));
    return keysetPage(qb, 'w', args);
  }

  /** Entries of the log by id among those the caller may read (federation references), in one query. */
  byIds(p: Principal, ids: readonly string[]): Promise<Map<string, WarningEntity>> {
    return visibleByIds(this.db.manager, WarningEntity, warningVisibleTo(p, 't'), ids);
  }

  /** Replay: readable warnings after `seq`, oldest first. */
  since(p: Principal, seq: string, filter: WarningFilter, limit: number): Promise<WarningEntity[]> {
    return this.visibleQuery(p, filter).andWhere('w.seq > :since', { since: seq }).orderBy('w.seq', 'ASC').limit(limit).getMany();
  }

  /** Which of `seqs` the principal may read: one query per organisation and batch, by the same policy as every read. */
  async visibleAmong(p: Principal, seqs: string[]): Promise<Set<string>> {
    const pol = warningVisibleTo(p, 'w');
    const rows = await this.db
      .getRepository(WarningEntity)
      .createQueryBuilder('w')
      .select('w.seq', 'seq')
      .where('w.seq = ANY(CAST(:seqs AS bigint[]))', { seqs })
      .andWhere(pol.sql, pol.params)
      .getRawMany<{ seq: string }>();
    return new Set(rows.map((r) => String(r.seq)));
  }

  /** System read for the delivery hub: every new entry once, whoever may read it is decided per subscriber. */
  after(seq: string, limit: number): Promise<WarningEntity[]> {
    return this.db.getRepository(WarningEntity).createQueryBuilder('w').where('w.seq > :seq', { seq }).orderBy('w.seq', 'ASC').limit(limit).getMany();
  }

  async maxSeq(): Promise<string> {
    const [row] = await this.db.query('SELECT coalesce(max(seq), 0)::text AS seq FROM warnings');
    return row.seq;
  }

  private visibleQuery(p: Principal, f: WarningFilter) {
    const pol = warningVisibleTo(p, 'w');
    const qb = this.db.getRepository(WarningEntity).createQueryBuilder('w').where(pol.sql, pol.params);
    where.minSeverity(qb, 'w', f.minSeverity);
    if (f.kinds?.length) qb.andWhere('w.kind IN (:...wkinds)', { wkinds: f.kinds });
    if (f.subjectTypes?.length) qb.andWhere('w.subject_type IN (:...wsubj)', { wsubj: f.subjectTypes });
    return qb;
  }
}
