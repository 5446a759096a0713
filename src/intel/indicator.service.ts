import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { visibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { Severity, ThreatType, Tlp } from '../common/enums';
import { badInput, InputProblem, notFound } from '../common/errors';
import { checkId } from '../common/ids';
import type { Metrics } from '../common/metrics';
import type { Page } from '../common/pagination';
import { intRange, lookupKey, lookupKeys, optionalText, text, textList } from '../common/validate';
import { visibleById, visibleByIds, where } from '../db/filters';
import { pgList, pgLiteral, pgPlain, pgQuoted } from '../db/arrays';
import { fixedStatement, preparedIn, type ColumnIndex } from '../db/prepared';
import { addedKeysetPage, keysetPage, pageOfRows, type AddedPage, type AddedQuery } from '../db/paging';
import { inTransaction } from '../db/retry';
import { OrganizationService } from '../organizations/organization.service';
import type { NewIndicator, WarningService } from '../warnings/warning.service';
import { shareAddressSpace } from './asset-range.checks';
import { checkBulkSize, checkItems, sharedItem, type SharedItemRow } from './bulk';
import { IndicatorEntity } from './indicator.entity';
import { ObservableEntity } from './observable.entity';
import type { IndicatorFilter, IndicatorInput, ItemError } from './intel.inputs';
import { normalizeObservable } from './normalize';
import { ensureObservableIds, observableKey } from './observable.writes';

export interface SubmitResult {
  results: { index: number; indicator: IndicatorEntity | null; created: boolean; error: ItemError | null }[];
  created: number;
  updated: number;
  rejected: number;
}

/**
 * Upserts the caller's indicators: $1–$11 their columns as arrays (`upsertParams`), $12 author id, $13 actor.
 * Exported for the ingest benchmark's baseline.
 * Rows are written in observable order, so that two concurrent calls naming the same observables (re-posts of one
 * list in opposite orders, or the same new ones) take their row and key locks in one order and queue instead of
 * deadlocking; `seq` is still given in input order (nextval in a volatile target list is evaluated after the sort
 * by ordinality, and before the outer sort), so that a list, and its warnings, read back in the order it was posted.
 * A row that turns out to exist keeps its seq (the number drawn for it is a gap). The sequence is named as a regclass
 * literal, resolved once when the statement is parsed: pg_get_serial_sequence() was looked up again for every row
 * (17 ms of a 5,000-row call, EXPLAIN ANALYZE at the national data set).
 * `last_reported` is TAXII's date_added: taken per row (clock_timestamp), not per transaction, so that a 5,000-item
 * call is not one group of equal date_added that a TAXII page must return whole.
 * It returns only what the statement decided; the rest of each row is the caller's own input (parsing 5,000 whole
 * rows, dates and arrays, was about a tenth of a call's time in Node). A new row's `first_reported` is its
 * `last_reported` and its `created_by` the caller, so those two come back (as NULL otherwise) only for a row that
 * existed; `valid_until` is always the item's own.
 * A row's lists (recipients, threat types, tags) are array literals cast per row, NULL when empty (src/db/arrays.ts).
 */
export const UPSERT_INDICATORS_SQL = `INSERT INTO indicators (seq, observable_id, author_id, tlp, recipient_org_ids, recipient_group_ids, confidence, severity,
                         threat_types, tags, valid_from, valid_until, description, created_by, updated_by, first_reported, last_reported)
 SELECT x.seq, x.observable_id, $12, x.tlp, coalesce(x.recipient_org_ids::uuid[], '{}'), coalesce(x.recipient_group_ids::uuid[], '{}'), x.confidence,
        x.severity, coalesce(x.threat_types::text[], '{}'), coalesce(x.tags::text[], '{}'), coalesce(x.valid_from, now()), x.valid_until, x.description,
        $13, $13, x.t, x.t
   FROM (SELECT r.*, nextval('indicators_seq_seq'::regclass) AS seq, clock_timestamp() AS t
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
                       $10::timestamptz[], $11::text[])
                WITH ORDINALITY AS r(observable_id, tlp, recipient_org_ids, recipient_group_ids, confidence, severity, threat_types, tags,
                valid_from, valid_until, description, n)
          ORDER BY r.n) x
  ORDER BY x.observable_id
 ON CONFLICT (observable_id, author_id) DO UPDATE SET
   tlp = EXCLUDED.tlp, recipient_org_ids = EXCLUDED.recipient_org_ids, recipient_group_ids = EXCLUDED.recipient_group_ids,
   confidence = EXCLUDED.confidence, severity = EXCLUDED.severity, threat_types = EXCLUDED.threat_types, tags = EXCLUDED.tags,
   valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, description = EXCLUDED.description,
   revoked = false, revoked_reason = NULL, revoked_at = NULL, last_reported = clock_timestamp(), updated_by = EXCLUDED.updated_by
 RETURNING id, seq, observable_id, valid_from, last_reported, (xmax = 0) AS inserted,
           CASE WHEN xmax <> 0 THEN first_reported END AS first_reported, CASE WHEN xmax <> 0 THEN created_by END AS created_by`;

/** UPSERT_INDICATORS_SQL's parameters for `rows` (checked items, distinct by observable) and their observables' ids. */
export function upsertParams(rows: readonly Omit<IndicatorRow, 'index' | 'key'>[], observableIds: readonly string[], authorId: string, actor: string): unknown[] {
  const n = rows.length;
  const cols = Array.from({ length: 11 }, () => new Array<string | number>(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    cols[0][i] = pgPlain(observableIds[i]);
    cols[1][i] = pgPlain(r.tlp);
    cols[2][i] = pgList(r.recipient_org_ids, true);
    cols[3][i] = pgList(r.recipient_group_ids, true);
    cols[4][i] = r.confidence;
    cols[5][i] = pgPlain(r.severity);
    cols[6][i] = pgList(r.threat_types, true);
    cols[7][i] = pgList(r.tags, false);
    cols[8][i] = pgPlain(r.valid_from);
    cols[9][i] = pgPlain(r.valid_until);
    cols[10][i] = pgQuoted(r.description);
  }
  return [...cols.map(pgLiteral), authorId, actor];
}

const UPSERT_INDICATORS = fixedStatement(UPSERT_INDICATORS_SQL);

/** What UPSERT_INDICATORS_SQL returns of each row: the columns the statement, not the caller, decided. */
interface WrittenRow {
  id: string;
  seq: string;
  observable_id: string;
  valid_from: Date;
  last_reported: Date;
  inserted: boolean;
  /** Only for a row that existed (a new one's are its `last_reported` and the caller). */
  first_reported: Date | null;
  created_by: string | null;
}

/** UPSERT_INDICATORS_SQL's rows (arrays, as preparedIn returns them) by column name. */
function writtenRows(rows: unknown[][], columns: ColumnIndex): WrittenRow[] {
  const at = (name: string) => columns.get(name)!;
  const [id, seq, obs, from, last, inserted, first, by] = ['id', 'seq', 'observable_id', 'valid_from', 'last_reported', 'inserted', 'first_reported', 'created_by'].map(at);
  return rows.map((r) => ({
    id: r[id] as string, seq: r[seq] as string, observable_id: r[obs] as string, valid_from: r[from] as Date, last_reported: r[last] as Date,
    inserted: r[inserted] as boolean, first_reported: r[first] as Date | null, created_by: r[by] as string | null,
  }));
}

/** A checked item, ready to be written (also what test/bench/ingest.bench.ts sends raw). */
export interface IndicatorRow extends SharedItemRow {
  /** `type \0 value`: the observable's key within the call, made once per item (not sent to SQL: jsonb has no NUL). */
  key: string;
  confidence: number;
  severity: Severity;
  threat_types: ThreatType[];
  tags: string[];
  valid_from: string | null;
  valid_until: string | null;
  description: string | null;
}

export interface IndicatorQuery extends IndicatorFilter {
  observableId?: string;
}

/** Indicators: bulk, idempotent ingest and every read under the sharing policy. */
export class IndicatorService {
  constructor(
    private readonly db: DataSource,
    private readonly orgs: OrganizationService,
    private readonly audit: AuditService,
    private readonly warnings: WarningService,
    private readonly authz: Authorizer,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Posts up to 5,000 indicators in one transaction with a handful of
   * set-based statements. Each item is normalised and checked; bad items are
   * reported by index and the good ones stored, or, with `atomic`, nothing is
   * stored when any item is bad. Posting an observable again updates the
   * caller's own indicator for it. `manager`: run inside the caller's
   * transaction (as a savepoint), for imports that span several services.
   */
  async submit(p: Principal, input: IndicatorInput[], opts: { atomic?: boolean; manager?: EntityManager } = {}): Promise<SubmitResult> {
    await this.authz.authorize(p, 'indicator.submit');
    checkBulkSize(input);

    const result = await inTransaction(this.db, opts.manager, async (m) => {
      const defaultTlp = await this.orgs.defaultTlp(p, m);
      const found = await this.orgs.lookupRecipients(m, input.flatMap((i) => i.recipients ?? []));
      const { rows, errors } = checkItems(input, (item, index, f) => this.checkItem(item, index, f, defaultTlp, found));
      if (opts.atomic && errors.size) {
        const first = [...errors.values()][0];
        const e = badInput('input', `${errors.size} of ${input.length} items rejected, nothing was stored; first: ${first.message}`);
        Object.assign(e.details, { items: [...errors.entries()].map(([index, er]) => ({ index, ...er })) });
        this.metrics.ingestItems.inc({ kind: 'indicator', outcome: 'rejected' }, input.length);
        throw e;
      }

      // The same observable twice in one call: the last item wins, earlier ones report the same indicator.
      const lastByKey = new Map<string, IndicatorRow>();
      for (const r of rows) lastByKey.set(r.key, r);
      const unique = [...lastByKey.values()];
      const byKey = new Map<string, IndicatorEntity>();
      const createdIds = new Set<string>();

      if (unique.length) {
        const obsId = await ensureObservableIds(m, unique);
        const byObservable = new Map<string, IndicatorRow>();
        const observableIds = unique.map((r) => {
          const observableId = obsId.get(r.key)!;
          byObservable.set(observableId, r);
          return observableId;
        });
        const actor = actorName(p);
        await shareAddressSpace(m);
        const upserted = await preparedIn(m, UPSERT_INDICATORS, upsertParams(unique, observableIds, p.orgId, actor));
        const written = writtenRows(upserted.rows, upserted.columns);
        const fresh: NewIndicator[] = [];
        for (const w of written) {
          const r = byObservable.get(w.observable_id)!;
          const o = observableOf(w.observable_id, r);
          byKey.set(r.key, writtenIndicator(w, r, o, p.orgId, actor));
          if (!w.inserted) continue;
          createdIds.add(w.id);
          fresh.push({
            id: w.id, seq: w.seq, tlp: r.tlp, recipient_org_ids: r.recipient_org_ids, recipient_group_ids: r.recipient_group_ids,
            severity: r.severity, threat_types: r.threat_types, type: o.type, value: o.value, net: o.net,
          });
        }
        await this.audit.record(
          p,
          { action: 'indicator.submit', targetType: 'Indicator', detail: { items: input.length, written: written.length, rejected: errors.size } },
          m,
        );
        // Last before COMMIT: in its own transaction the call numbers its warnings as it writes them, holding the
        // warnings lock to the commit; inside a caller's transaction (an import) it leaves that to the commit.
        await this.warnings.raiseForNewIndicators(m, p.orgId, fresh, { numberNow: !opts.manager });
      }

      const results: SubmitResult['results'] = new Array(input.length);
      for (const r of rows) {
        const indicator = byKey.get(r.key) ?? null;
        // Of several items for one observable, only the one that wrote it counts as the creation.
        const created = !!indicator && createdIds.has(indicator.id) && lastByKey.get(r.key) === r;
        results[r.index] = { index: r.index, indicator, created, error: null };
      }
      for (const [index, error] of errors) results[index] = { index, indicator: null, created: false, error };
      const created = results.filter((r) => r.created).length;
      return { results, created, updated: results.filter((r) => r.indicator && !r.created).length, rejected: errors.size };
    }, { retry: true });
    // Counted once committed.
    for (const outcome of ['created', 'updated', 'rejected'] as const) {
      if (result[outcome]) this.metrics.ingestItems.inc({ kind: 'indicator', outcome }, result[outcome]);
    }
    return result;
  }

  private checkItem(
    item: IndicatorInput,
    index: number,
    f: (name: string) => string,
    defaultTlp: Tlp,
    found: Map<string, { org?: string; group?: string }>,
  ): IndicatorRow {
    const validFrom = item.validFrom ?? null;
    const validUntil = item.validUntil ?? null;
    const shared = sharedItem(item, index, f, defaultTlp, found);
    if (validFrom && validUntil && validUntil <= validFrom) throw new InputProblem(f('validUntil'), 'must be after validFrom');
    // One literal with every field (a spread of `shared` made each row a slow, reshaped object: ~14 µs an item).
    return {
      index: shared.index, key: observableKey(shared.type, shared.value), type: shared.type, value: shared.value, net: shared.net, tlp: shared.tlp,
      recipient_org_ids: shared.recipient_org_ids, recipient_group_ids: shared.recipient_group_ids,
      confidence: item.confidence == null ? 50 : intRange(f('confidence'), item.confidence, 0, 100),
      severity: item.severity ?? Severity.MEDIUM,
      threat_types: [...new Set(item.threatTypes ?? [])],
      tags: textList(f('tags'), item.tags, { maxItems: 50, maxLen: 64 }).map((t) => t.toLowerCase()),
      valid_from: validFrom ? validFrom.toISOString() : null,
      valid_until: validUntil ? validUntil.toISOString() : null,
      description: optionalText(f('description'), item.description, 4000, { multiline: true }),
    };
  }

  /** The visible indicators matching `filter`, newest first. */
  async list(p: Principal, filter: IndicatorQuery | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<IndicatorEntity>> {
    return keysetPage(this.listQuery(p, filter), 't', args);
  }

  /**
   * The first page of `list(p, { observableId })` from rows a look-up read with its observable
   * (ObservableService.lookup's `head`, under the same predicates); the count, if asked for, is the list's.
   */
  headPage(p: Principal, observableId: string, rows: IndicatorEntity[], first: number): Page<IndicatorEntity> {
    return pageOfRows(this.db.getMetadata(IndicatorEntity).tableName, rows, first, () => this.listQuery(p, { observableId }).getCount());
  }

  private listQuery(p: Principal, filter: IndicatorQuery | null | undefined) {
    const pol = visibleTo(p, 't');
    const qb = this.db.getRepository(IndicatorEntity).createQueryBuilder('t').innerJoinAndSelect('t.observable', 'o').where(pol.sql, pol.params);
    const fl = filter ?? {};
    if (fl.observableId) qb.andWhere('t.observable_id = :observableId', { observableId: fl.observableId });
    if (fl.types?.length) qb.andWhere('o.type IN (:...types)', { types: fl.types });
    if (fl.value != null) {
      let value = lookupKey('filter.value', fl.value);
      if (fl.types?.length === 1) value = normalizeObservable(fl.types[0], fl.value, 'filter.value').value;
      qb.andWhere('o.value = :value', { value });
    }
    if (fl.valueContains) {
      const needle = text('filter.valueContains', fl.valueContains!, { max: 256 });
      qb.andWhere(`o.value ILIKE :contains ESCAPE '\\'`, { contains: `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    }
    where.minSeverity(qb, 't', fl.minSeverity);
    if (fl.severities?.length) qb.andWhere('t.severity IN (:...sevs)', { sevs: fl.severities });
    if (fl.tlp?.length) qb.andWhere('t.tlp IN (:...tlps)', { tlps: fl.tlp });
    if (fl.threatTypes?.length) qb.andWhere('t.threat_types && CAST(:threats AS text[])', { threats: fl.threatTypes });
    if (fl.tags?.length) qb.andWhere('t.tags && CAST(:tags AS text[])', { tags: lookupKeys('filter.tags', fl.tags).map((t) => t.toLowerCase()) });
    where.authoredBy(qb, 't', fl.authors);
    if (fl.minConfidence != null) qb.andWhere('t.confidence >= :minConf', { minConf: intRange('filter.minConfidence', fl.minConfidence, 0, 100) });
    if (fl.reportedAfter) qb.andWhere('t.last_reported >= :after_ts', { after_ts: fl.reportedAfter });
    if (fl.reportedBefore) qb.andWhere('t.last_reported < :before_ts', { before_ts: fl.reportedBefore });
    if (!fl.includeRevoked) qb.andWhere('t.revoked = false');
    return qb;
  }

  /**
   * Indicators the caller may read in ascending order of when their current
   * version was added (`last_reported`), then id: the keyset of TAXII's
   * `date_added` paging. Revoked indicators stay in it (their revocation is a version).
   */
  async addedPage(p: Principal, q: AddedQuery): Promise<AddedPage<IndicatorEntity>> {
    const pol = visibleTo(p, 't');
    const qb = this.db.getRepository(IndicatorEntity).createQueryBuilder('t').innerJoinAndSelect('t.observable', 'o').where(pol.sql, pol.params);
    return addedKeysetPage(qb, 't', 'last_reported', q);
  }

  /** One indicator if the caller may read it; null for hidden and missing alike. */
  async byId(p: Principal, id: string): Promise<IndicatorEntity | null> {
    return visibleById(this.db.manager, IndicatorEntity, visibleTo(p, 't'), checkId(id), { join: ['observable', 'o'] });
  }

  /** Indicators by id among those the caller may read (federation references, exports): one query for the batch. */
  async byIds(p: Principal, ids: readonly string[]): Promise<Map<string, IndicatorEntity>> {
    return visibleByIds(this.db.manager, IndicatorEntity, visibleTo(p, 't'), ids, { join: ['observable', 'o'] });
  }

  /** Only the author organisation revokes its assertion; others get NOT_FOUND or FORBIDDEN exactly as reads would show it. */
  async revoke(p: Principal, id: string, reason: string, outer?: EntityManager): Promise<IndicatorEntity> {
    await this.authz.authorize(p, 'indicator.revoke');
    const why = text('reason', reason, { max: 1000, multiline: true });
    const iid = checkId(id);
    return inTransaction(this.db, outer, async (m) => {
      const ind = await visibleById(m, IndicatorEntity, visibleTo(p, 't'), iid, { lock: true, join: ['observable', 'o'] });
      if (!ind) throw notFound('Indicator', id);
      await this.authz.authorize(p, 'indicator.revoke', { target: { type: 'Indicator', id: iid }, authorId: ind.authorId });
      ind.revoked = true;
      ind.revokedReason = why;
      ind.revokedAt = ind.revokedAt ?? new Date();
      ind.updatedBy = actorName(p);
      // A revocation is a new version of the assertion (STIX: `revoked` with a later `modified`), so that TAXII clients polling
      // by date_added receive it.
      await m.update(IndicatorEntity, { id: ind.id }, { revoked: true, revokedReason: why, revokedAt: ind.revokedAt, updatedBy: ind.updatedBy, lastReported: () => 'now()' });
      ind.lastReported = (await m.findOneByOrFail(IndicatorEntity, { id: ind.id })).lastReported;
      await this.audit.record(p, { action: 'indicator.revoke', targetType: 'Indicator', targetId: ind.id, detail: { reason: why } }, m);
      return ind;
    });
  }
}

/**
 * The observable an item named, from the item itself and the id the call found or gave it. `createdAt` is not read
 * back: no answer shows it (it would tell when anyone first recorded the value).
 */
function observableOf(id: string, r: SharedItemRow): ObservableEntity {
  const o = new ObservableEntity();
  o.id = id;
  o.type = r.type;
  o.value = r.value;
  o.net = r.net;
  return o;
}

/**
 * The indicator as UPSERT_INDICATORS_SQL left it: what the statement decided (`w`) and, for the rest, the checked item
 * it wrote (`r`). An update clears a revocation and keeps the original creator (`created_by` comes back).
 */
function writtenIndicator(w: WrittenRow, r: IndicatorRow, observable: ObservableEntity, authorId: string, actor: string): IndicatorEntity {
  const e = new IndicatorEntity();
  e.id = w.id;
  e.seq = w.seq;
  e.observableId = w.observable_id;
  e.observable = observable;
  e.authorId = authorId;
  e.tlp = r.tlp;
  e.recipientOrgIds = r.recipient_org_ids;
  e.recipientGroupIds = r.recipient_group_ids;
  e.confidence = r.confidence;
  e.severity = r.severity;
  e.threatTypes = r.threat_types;
  e.tags = r.tags;
  e.validFrom = w.valid_from;
  e.validUntil = r.valid_until === null ? null : new Date(r.valid_until);
  e.description = r.description;
  e.revoked = false;
  e.revokedReason = null;
  e.revokedAt = null;
  e.firstReported = w.first_reported ?? w.last_reported;
  e.lastReported = w.last_reported;
  e.createdBy = w.created_by ?? actor;
  e.updatedBy = actor;
  return e;
}
