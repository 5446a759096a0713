import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer, Subject } from '../auth/authorize';
import { advisoryVisibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { AdvisoryStatus, ObservableType, Severity, WarningKind } from '../common/enums';
import { badInput, conflict, InputProblem, notFound } from '../common/errors';
import { checkId } from '../common/ids';
import type { Page } from '../common/pagination';
import { optionalText, text, textList } from '../common/validate';
import { visibleById, visibleByIds, where } from '../db/filters';
import { addedKeysetPage, keysetPage, type AddedPage, type AddedQuery } from '../db/paging';
import { inTransaction } from '../db/retry';
import type { ObservableRef } from '../intel/intel.inputs';
import type { ObservableEntity } from '../intel/observable.entity';
import { checkObservableList, linkObservables, type CheckedObservable } from '../intel/observable.writes';
import type { OrganizationService } from '../organizations/organization.service';
import type { WarningService } from '../warnings/warning.service';
import { audienceOrgIds, checkAudience, organizationsReached } from '../organizations/audience';
import type { AdvisoryFilter, AdvisoryInput, AdvisoryRevisionInput } from './advisory.inputs';
import { AdvisoryEntity } from './advisory.entity';

const CVE = /^CVE-\d{4}-\d{4,19}$/;
const MAX_OBSERVABLES = 1000;

/** Checked content fields; a key is present only when the input set it. */
interface Fields {
  title?: string;
  summary?: string;
  body?: string | null;
  severity?: Severity;
  cveIds?: string[];
  affectedProducts?: string[];
  recommendedActions?: string[];
}

/**
 * Advisories: drafted by contributors, published by coordinators, revised and
 * withdrawn. Every read, lock and count goes through advisoryVisibleTo, so a
 * hidden advisory is indistinguishable from a missing one.
 */
export class AdvisoryService {
  constructor(
    private readonly db: DataSource,
    private readonly orgs: OrganizationService,
    private readonly audit: AuditService,
    private readonly warnings: WarningService,
    private readonly authz: Authorizer,
  ) {}

  /** The visible advisories matching `filter`, newest first. */
  async list(p: Principal, filter: AdvisoryFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<AdvisoryEntity>> {
    const pol = advisoryVisibleTo(p, 't');
    const qb = this.db.getRepository(AdvisoryEntity).createQueryBuilder('t').where(pol.sql, pol.params);
    const fl = filter ?? {};
    if (fl.statuses?.length) qb.andWhere('t.status IN (:...statuses)', { statuses: fl.statuses });
    where.minSeverity(qb, 't', fl.minSeverity);
    if (fl.cve != null) qb.andWhere('CAST(:cve AS text) = ANY(t.cve_ids)', { cve: cveId('filter.cve', fl.cve!) });
    where.authoredBy(qb, 't', fl.authors);
    if (fl.publishedAfter) qb.andWhere('t.published_at >= :pubAfter', { pubAfter: fl.publishedAfter });
    if (fl.publishedBefore) qb.andWhere('t.published_at < :pubBefore', { pubBefore: fl.publishedBefore });
    if (fl.forMe) {
      // Sector and region names are free text on both sides, so they match case-insensitively.
      qb.andWhere(
        `(t.audience_everyone
          OR CAST(:forMeOrg AS uuid) = ANY(t.audience_org_ids)
          OR EXISTS (SELECT 1 FROM organizations me WHERE me.id = CAST(:forMeOrg AS uuid)
                     AND (lower(me.sector) IN (SELECT lower(s) FROM unnest(t.audience_sectors) s)
                          OR lower(me.region) IN (SELECT lower(r) FROM unnest(t.audience_regions) r))))`,
        { forMeOrg: p.orgId },
      );
    }
    return keysetPage(qb, 't', args);
  }

  /** One advisory if the caller may read it; null for hidden and missing alike. */
  async byId(p: Principal, id: string): Promise<AdvisoryEntity | null> {
    return visibleById(this.db.manager, AdvisoryEntity, advisoryVisibleTo(p, 't'), checkId(id));
  }

  /** Advisories by id among those the caller may read, in one query. */
  async byIds(p: Principal, ids: readonly string[]): Promise<Map<string, AdvisoryEntity>> {
    return visibleByIds(this.db.manager, AdvisoryEntity, advisoryVisibleTo(p, 't'), ids);
  }

  /**
   * Published and withdrawn advisories the caller may read, in the order
   * their current version was stored (`updated_at`: publication, each
   * revision, withdrawal): TAXII's `date_added` keyset. Drafts are not served
   * as STIX reports: a report is published by definition.
   */
  async addedPage(p: Principal, q: AddedQuery): Promise<AddedPage<AdvisoryEntity>> {
    const pol = advisoryVisibleTo(p, 't');
    const qb = this.db.getRepository(AdvisoryEntity).createQueryBuilder('t').where(pol.sql, pol.params).andWhere(`t.status <> 'DRAFT'`);
    return addedKeysetPage(qb, 't', 'updated_at', q);
  }

  /** Linked observables per advisory, for the nested field; the policy is applied again rather than trusted from the parent. */
  async observablesOf(p: Principal, advisoryIds: string[]): Promise<Map<string, ObservableEntity[]>> {
    const pol = advisoryVisibleTo(p, 't');
    const [sql, params] = this.db.driver.escapeQueryWithParameters(
      `SELECT ao.advisory_id, o.id, o.type, o.value, o.net, o.created_at
         FROM advisory_observables ao
         JOIN observables o ON o.id = ao.observable_id
         JOIN advisories t ON t.id = ao.advisory_id
        WHERE ao.advisory_id = ANY(CAST(:ids AS uuid[])) AND ${pol.sql}
        ORDER BY o.type, o.value`,
      { ids: advisoryIds, ...pol.params },
    );
    const rows: { advisory_id: string; id: string; type: ObservableType; value: string; net: string | null; created_at: Date }[] =
      await this.db.query(sql, params);
    const out = new Map<string, ObservableEntity[]>(advisoryIds.map((id) => [id, []]));
    for (const r of rows) out.get(r.advisory_id)?.push({ id: r.id, type: r.type, value: r.value, net: r.net, createdAt: r.created_at });
    return out;
  }

  /** A new DRAFT by the caller's organisation, with its observables, in one transaction (or a savepoint of the caller's `outer` one). */
  async create(p: Principal, input: AdvisoryInput, outer?: EntityManager): Promise<AdvisoryEntity> {
    await this.authz.authorize(p, 'advisory.create');
    const fields = checkFields(input);
    const observables = checkObservables(input.observables);
    const audience = checkAudience(input.audience ?? {});
    return inTransaction(this.db, outer, async (m) => {
      const tlp = input.tlp ?? (await this.orgs.defaultTlp(p, m));
      const recipients = await this.orgs.resolveRecipients(m, input.recipients, 'input.recipients');
      const namedOrgIds = await audienceOrgIds(m, audience.orgCodes);
      const saved = await m.save(
        m.create(AdvisoryEntity, {
          ...fields,
          authorId: p.orgId,
          tlp,
          recipientOrgIds: recipients.orgIds,
          recipientGroupIds: recipients.groupIds,
          severity: fields.severity ?? Severity.MEDIUM,
          audienceEveryone: audience.everyone,
          audienceSectors: audience.sectors,
          audienceRegions: audience.regions,
          audienceOrgIds: namedOrgIds,
          status: AdvisoryStatus.DRAFT,
          revision: 1,
          createdBy: actorName(p),
        }),
      );
      await linkObservables(m, 'advisory', saved.id, observables ?? []);
      await this.audit.record(
        p,
        { action: 'advisory.create', targetType: 'Advisory', targetId: saved.id, detail: { tlp, observables: observables?.length ?? 0 } },
        m,
      );
      return m.findOneByOrFail(AdvisoryEntity, { id: saved.id });
    });
  }

  /** DRAFT → PUBLISHED, by a coordinator organisation's ANALYST. */
  async publish(p: Principal, id: string): Promise<AdvisoryEntity> {
    await this.authz.authorize(p, 'advisory.publish');
    const advId = checkId(id);
    return this.db.transaction(async (m) => {
      const adv = await lockVisible(m, p, advId);
      await this.authz.authorize(p, 'advisory.publish', subjectOf(adv));
      if (adv.status === AdvisoryStatus.PUBLISHED) throw conflict(`advisory ${advId} is already published`);
      if (adv.status === AdvisoryStatus.WITHDRAWN) throw conflict(`advisory ${advId} was withdrawn and cannot be published again`);
      await m.update(AdvisoryEntity, { id: advId }, { status: AdvisoryStatus.PUBLISHED, publishedAt: () => 'now()', updatedAt: () => 'now()' });
      await this.audit.record(p, { action: 'advisory.publish', targetType: 'Advisory', targetId: advId }, m);
      const published = await m.findOneByOrFail(AdvisoryEntity, { id: advId });
      await this.warn(m, published, WarningKind.ADVISORY_PUBLISHED);
      return published;
    });
  }

  /**
   * Edits a DRAFT (its author organisation, or a coordinator's ANALYST) or a
   * PUBLISHED advisory (a coordinator's ANALYST only, and the revision goes
   * up by one). A withdrawn advisory is final.
   */
  async revise(p: Principal, id: string, input: AdvisoryRevisionInput, outer?: EntityManager): Promise<AdvisoryEntity> {
    await this.authz.authorize(p, 'advisory.revise');
    const advId = checkId(id);
    const fields = checkFields(input);
    const observables = checkObservables(input.observables);
    const audience = input.audience == null ? null : checkAudience(input.audience);
    const changed = [
      ...Object.keys(fields),
      ...(observables ? ['observables'] : []),
      ...(audience ? ['audience'] : []),
      ...(input.tlp != null ? ['tlp'] : []),
      ...(input.recipients != null ? ['recipients'] : []),
    ];
    if (!changed.length) throw badInput('input', 'must change at least one field');
    return inTransaction(this.db, outer, async (m) => {
      const adv = await lockVisible(m, p, advId);
      // Who may edit at all comes before what state it is in; then the state's own rule.
      await this.authz.authorize(p, 'advisory.revise', { ...subjectOf(adv), status: AdvisoryStatus.DRAFT });
      if (adv.status === AdvisoryStatus.WITHDRAWN) throw conflict(`advisory ${advId} was withdrawn and cannot be revised`);
      await this.authz.authorize(p, 'advisory.revise', subjectOf(adv));
      const patch: QueryDeepPartialEntity<AdvisoryEntity> = { ...fields, updatedAt: () => 'now()' };
      if (input.tlp != null) patch.tlp = input.tlp;
      if (input.recipients != null) {
        const r = await this.orgs.resolveRecipients(m, input.recipients, 'input.recipients');
        Object.assign(patch, { recipientOrgIds: r.orgIds, recipientGroupIds: r.groupIds });
      }
      if (audience) {
        Object.assign(patch, {
          audienceEveryone: audience.everyone,
          audienceSectors: audience.sectors,
          audienceRegions: audience.regions,
          audienceOrgIds: await audienceOrgIds(m, audience.orgCodes),
        });
      }
      // A draft is still being written; only changes to what members have already read count as revisions.
      if (adv.status === AdvisoryStatus.PUBLISHED) patch.revision = () => 'revision + 1';
      await m.update(AdvisoryEntity, { id: advId }, patch);
      if (observables) {
        await m.query('DELETE FROM advisory_observables WHERE advisory_id = $1', [advId]);
        await linkObservables(m, 'advisory', advId, observables);
      }
      const after = await m.findOneByOrFail(AdvisoryEntity, { id: advId });
      await this.audit.record(
        p,
        { action: 'advisory.revise', targetType: 'Advisory', targetId: advId, detail: { changed, status: after.status, revision: after.revision } },
        m,
      );
      return after;
    });
  }

  /** PUBLISHED → WITHDRAWN, by a coordinator's or the author organisation's ANALYST, with a reason. */
  async withdraw(p: Principal, id: string, reason: string): Promise<AdvisoryEntity> {
    await this.authz.authorize(p, 'advisory.withdraw');
    const advId = checkId(id);
    const why = text('reason', reason, { max: 1000, multiline: true });
    return this.db.transaction(async (m) => {
      const adv = await lockVisible(m, p, advId);
      await this.authz.authorize(p, 'advisory.withdraw', subjectOf(adv));
      if (adv.status === AdvisoryStatus.DRAFT) throw conflict(`advisory ${advId} is a draft: only a published advisory can be withdrawn`);
      if (adv.status === AdvisoryStatus.WITHDRAWN) throw conflict(`advisory ${advId} is already withdrawn`);
      await m.update(
        AdvisoryEntity,
        { id: advId },
        { status: AdvisoryStatus.WITHDRAWN, withdrawnAt: () => 'now()', withdrawnReason: why, updatedAt: () => 'now()' },
      );
      await this.audit.record(p, { action: 'advisory.withdraw', targetType: 'Advisory', targetId: advId, detail: { reason: why } }, m);
      const withdrawn = await m.findOneByOrFail(AdvisoryEntity, { id: advId });
      await this.warn(m, withdrawn, WarningKind.ADVISORY_WITHDRAWN, why);
      return withdrawn;
    });
  }

  /** Logs the warning for a published or withdrawn advisory, addressed to its audience resolved to organisations now. */
  private async warn(m: EntityManager, adv: AdvisoryEntity, kind: WarningKind, reason?: string): Promise<void> {
    const audience = adv.audienceEveryone
      ? null
      : await organizationsReached(m, { orgIds: adv.audienceOrgIds, sectors: adv.audienceSectors, regions: adv.audienceRegions });
    await this.warnings.raise(m, [
      {
        kind,
        severity: adv.severity,
        title: `${kind === WarningKind.ADVISORY_WITHDRAWN ? 'Withdrawn: ' : ''}${adv.title}`.slice(0, 300),
        summary: reason ? `Withdrawn: ${reason}` : adv.summary.slice(0, 2000),
        subjectType: 'Advisory',
        subjectId: adv.id,
        authorId: adv.authorId,
        tlp: adv.tlp,
        recipientOrgIds: adv.recipientOrgIds,
        recipientGroupIds: adv.recipientGroupIds,
        audienceOrgIds: audience,
      },
    ]);
  }
}

/** The advisory, locked, if the caller may read it; NOT_FOUND otherwise, exactly as for a missing id. */
async function lockVisible(m: EntityManager, p: Principal, id: string): Promise<AdvisoryEntity> {
  const adv = await visibleById(m, AdvisoryEntity, advisoryVisibleTo(p, 't'), id, { lock: true });
  if (!adv) throw notFound('Advisory', id);
  return adv;
}

function subjectOf(adv: AdvisoryEntity): Subject {
  return { target: { type: 'Advisory', id: adv.id }, authorId: adv.authorId, tlp: adv.tlp, status: adv.status };
}

function cveId(field: string, raw: string): string {
  const v = raw.trim().toUpperCase();
  if (!CVE.test(v)) throw new InputProblem(field, 'must be a CVE id such as CVE-2024-12345');
  return v;
}

/** The content fields both inputs share; absent (or null) fields are left out so that a revision keeps them. */
function checkFields(input: AdvisoryInput | AdvisoryRevisionInput): Fields {
  const out: Fields = {};
  if (input.title != null) out.title = text('input.title', input.title, { max: 300 });
  if (input.summary != null) out.summary = text('input.summary', input.summary, { max: 10_000, multiline: true });
  if (input.body != null) out.body = optionalText('input.body', input.body, 200_000, { multiline: true });
  if (input.severity != null) out.severity = input.severity;
  if (input.cveIds != null) {
    if (input.cveIds.length > 200) throw new InputProblem('input.cveIds', 'must have at most 200 items');
    out.cveIds = [...new Set(input.cveIds.map((c, i) => cveId(`input.cveIds[${i}]`, c)))];
  }
  if (input.affectedProducts != null) out.affectedProducts = textList('input.affectedProducts', input.affectedProducts, { maxItems: 200, maxLen: 300 });
  if (input.recommendedActions != null) {
    out.recommendedActions = textList('input.recommendedActions', input.recommendedActions, { maxItems: 100, maxLen: 2000, multiline: true });
  }
  return out;
}

/** null when not given (a revision leaves them as they are); [] clears them. */
function checkObservables(list: ObservableRef[] | null | undefined): CheckedObservable[] | null {
  return list == null ? null : checkObservableList(list, 'input.observables', MAX_OBSERVABLES);
}
