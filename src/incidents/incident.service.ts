import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer, Subject } from '../auth/authorize';
import { mayKnowRecipients, visibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { IncidentStatus, Severity, Tlp, WarningKind, type IncidentCategory } from '../common/enums';
import { badInput, InputProblem, notFound } from '../common/errors';
import { checkId } from '../common/ids';
import { LIMITS } from '../common/limits';
import type { Page } from '../common/pagination';
import { notInFuture, optionalText, text, textList } from '../common/validate';
import { visibleById, visibleByIds, where } from '../db/filters';
import { addedKeysetPage, keysetPage, type AddedPage, type AddedQuery } from '../db/paging';
import { inTransaction } from '../db/retry';
import type { ObservableEntity } from '../intel/observable.entity';
import { checkObservableList, linkObservables, type CheckedObservable } from '../intel/observable.writes';
import type { OrganizationService } from '../organizations/organization.service';
import type { WarningService } from '../warnings/warning.service';
import { transitionProblem } from './incident-status';
import { IncidentEntity, IncidentEventEntity, IncidentObservableEntity } from './incident.entity';
import type { IncidentFilter, IncidentInput, IncidentUpdateInput } from './incident.inputs';

export const IncidentEventKind = {
  REPORTED: 'REPORTED',
  STATUS_CHANGED: 'STATUS_CHANGED',
  NOTE: 'NOTE',
  ASSIGNED: 'ASSIGNED',
  SHARED: 'SHARED',
} as const;
export type IncidentEventKind = (typeof IncidentEventKind)[keyof typeof IncidentEventKind];

const MAX_OBSERVABLES = 1000;
/** The longest timeline note. */
export const MAX_NOTE = 4000;

interface CheckedReport {
  title: string;
  description: string | null;
  category: IncidentCategory;
  severity: Severity;
  occurredAt: Date | null;
  detectedAt: Date | null;
  affectedSystems: string[];
  observables: CheckedObservable[];
  /** Null when the report names none: the default is decided with the organisation's own. */
  tlp: Tlp | null;
}

interface CheckedUpdate {
  status?: IncidentStatus;
  note?: string;
  /** undefined: leave as is; null: unassign. */
  assignee?: string | null;
}

type NewEvent = Pick<IncidentEventEntity, 'kind'> & Partial<Pick<IncidentEventEntity, 'fromStatus' | 'toStatus' | 'note'>>;

/** Incidents: reporting, the status life cycle, sharing, and every read under the sharing policy. */
export class IncidentService {
  constructor(
    private readonly db: DataSource,
    private readonly orgs: OrganizationService,
    private readonly audit: AuditService,
    private readonly warnings: WarningService,
    private readonly authz: Authorizer,
  ) {}

  /**
   * Stores the incident, its observables and the first timeline entry together, or nothing.
   * `outer`: run inside the caller's transaction (as a savepoint), for imports that span several services.
   */
  async report(p: Principal, input: IncidentInput, outer?: EntityManager): Promise<IncidentEntity> {
    await this.authz.authorize(p, 'incident.report');
    const v = this.checkReport(input);
    return inTransaction(this.db, outer, async (m) => {
      const r = await this.orgs.resolveRecipients(m, input.recipients, 'input.recipients');
      // Unmarked: AMBER_STRICT, never the organisation's looser default (agencies must be sure no other agency
      // reads an incident they did not share); an organisation whose default is RED keeps RED.
      const tlp = v.tlp ?? ((await this.orgs.defaultTlp(p, m)) === Tlp.RED ? Tlp.RED : Tlp.AMBER_STRICT);
      const inserted = await m.insert(IncidentEntity, {
        authorId: p.orgId,
        tlp,
        recipientOrgIds: r.orgIds,
        recipientGroupIds: r.groupIds,
        title: v.title,
        description: v.description,
        category: v.category,
        severity: v.severity,
        status: IncidentStatus.REPORTED,
        occurredAt: v.occurredAt,
        detectedAt: v.detectedAt,
        affectedSystems: v.affectedSystems,
        createdBy: actorName(p),
      });
      const id = String(inserted.identifiers[0].id);
      await linkObservables(m, 'incident', id, v.observables);
      await this.appendEvents(m, p, id, [{ kind: IncidentEventKind.REPORTED, toStatus: IncidentStatus.REPORTED }]);
      // Titles and notes stay out of the audit log: its readers need not be readers of the incident.
      await this.audit.record(
        p,
        { action: 'incident.report', targetType: 'Incident', targetId: id, detail: { tlp, observables: v.observables.length } },
        m,
      );
      return m.findOneByOrFail(IncidentEntity, { id });
    });
  }

  /** The visible incidents matching `filter`, newest first. */
  async list(p: Principal, filter: IncidentFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<IncidentEntity>> {
    const pol = visibleTo(p, 't');
    const qb = this.db.getRepository(IncidentEntity).createQueryBuilder('t').where(pol.sql, pol.params);
    const fl = filter ?? {};
    if (fl.statuses?.length) qb.andWhere('t.status IN (:...statuses)', { statuses: fl.statuses });
    where.minSeverity(qb, 't', fl.minSeverity);
    if (fl.categories?.length) qb.andWhere('t.category IN (:...categories)', { categories: fl.categories });
    where.authoredBy(qb, 't', fl.authors);
    if (fl.reportedAfter) qb.andWhere('t.created_at >= :after_ts', { after_ts: fl.reportedAfter });
    if (fl.reportedBefore) qb.andWhere('t.created_at < :before_ts', { before_ts: fl.reportedBefore });
    if (fl.assignee != null) {
      const who = text('filter.assignee', fl.assignee!, { max: 200 });
      qb.andWhere('lower(t.assignee) = lower(:assignee)', { assignee: who });
    }
    return keysetPage(qb, 't', args);
  }

  /** One incident if the caller may read it; null for hidden and missing alike. */
  async byId(p: Principal, id: string): Promise<IncidentEntity | null> {
    return visibleById(this.db.manager, IncidentEntity, visibleTo(p, 't'), checkId(id));
  }

  /** Incidents by id among those the caller may read, in one query. */
  async byIds(p: Principal, ids: readonly string[]): Promise<Map<string, IncidentEntity>> {
    return visibleByIds(this.db.manager, IncidentEntity, visibleTo(p, 't'), ids);
  }

  /**
   * Status, note and assignee in one step. Hidden incidents are NOT_FOUND;
   * visible ones the caller may not change are FORBIDDEN (see incident-status.ts).
   */
  async update(p: Principal, id: string, input: IncidentUpdateInput, outer?: EntityManager): Promise<IncidentEntity> {
    await this.authz.authorize(p, 'incident.update');
    const iid = checkId(id);
    const change = this.checkUpdate(input);
    return inTransaction(this.db, outer, async (m) => {
      const inc = await visibleById(m, IncidentEntity, visibleTo(p, 't'), iid, { lock: true });
      if (!inc) throw notFound('Incident', id);
      const subject = subjectOf(inc);
      await this.authz.authorize(p, 'incident.update', subject);
      const events: NewEvent[] = [];
      const set: Partial<Pick<IncidentEntity, 'status' | 'assignee'>> = {};
      if (change.status) {
        const problem = transitionProblem(inc.status, change.status);
        if (problem) throw badInput('input.status', problem);
        if (change.status === IncidentStatus.TRIAGED) await this.authz.authorize(p, 'incident.triage', subject);
        events.push({ kind: IncidentEventKind.STATUS_CHANGED, fromStatus: inc.status, toStatus: change.status });
        set.status = change.status;
      }
      if (change.assignee !== undefined) {
        await this.authz.authorize(p, 'incident.assign', subject);
        if (change.assignee !== inc.assignee) {
          events.push({ kind: IncidentEventKind.ASSIGNED, note: change.assignee });
          set.assignee = change.assignee;
        }
      }
      if (change.note) events.push({ kind: IncidentEventKind.NOTE, note: change.note });
      if (events.length) {
        await m.createQueryBuilder().update(IncidentEntity).set({ ...set, updatedAt: () => 'now()' }).where('id = :id', { id: iid }).execute();
        await this.appendEvents(m, p, iid, events);
        await this.audit.record(
          p,
          {
            action: 'incident.update',
            targetType: 'Incident',
            targetId: iid,
            detail: { fromStatus: inc.status, toStatus: set.status ?? null, assigned: 'assignee' in set, noted: !!change.note },
          },
          m,
        );
        if (set.status || change.note) {
          await this.warnUpdated(m, inc, [set.status ? `${inc.status} → ${set.status}` : null, change.note ? 'new note' : null].filter(Boolean).join(', '));
        }
      }
      return m.findOneByOrFail(IncidentEntity, { id: iid });
    });
  }

  /**
   * Several notes on one incident's timeline, in the order given, under the
   * same rule as update's note (STIX imports bring whole timelines): one lock,
   * one statement, one audit entry and one warning for the lot.
   */
  async addNotes(p: Principal, id: string, notes: string[], outer?: EntityManager): Promise<IncidentEntity> {
    await this.authz.authorize(p, 'incident.update');
    const iid = checkId(id);
    if (!notes.length) throw badInput('notes', 'must contain at least one note');
    if (notes.length > LIMITS.bulkItems) throw badInput('notes', `must contain at most ${LIMITS.bulkItems} notes`);
    const checked = notes.map((n, i) => text(`notes[${i}]`, n, { max: MAX_NOTE, multiline: true }));
    return inTransaction(this.db, outer, async (m) => {
      const inc = await visibleById(m, IncidentEntity, visibleTo(p, 't'), iid, { lock: true });
      if (!inc) throw notFound('Incident', id);
      await this.authz.authorize(p, 'incident.update', subjectOf(inc));
      await m.insert(
        IncidentEventEntity,
        checked.map((note) => ({ incidentId: iid, kind: IncidentEventKind.NOTE, fromStatus: null, toStatus: null, note, actorOrgId: p.orgId, actorSub: p.sub })),
      );
      await m.createQueryBuilder().update(IncidentEntity).set({ updatedAt: () => 'now()' }).where('id = :id', { id: iid }).execute();
      await this.audit.record(p, { action: 'incident.update', targetType: 'Incident', targetId: iid, detail: { notes: checked.length } }, m);
      await this.warnUpdated(m, inc, checked.length === 1 ? 'new note' : `${checked.length} new notes`);
      return m.findOneByOrFail(IncidentEntity, { id: iid });
    });
  }

  private async warnUpdated(m: EntityManager, inc: IncidentEntity, what: string): Promise<void> {
    await this.warnings.raise(m, [
      {
        kind: WarningKind.INCIDENT_UPDATED,
        severity: inc.severity,
        title: `Incident updated: ${inc.title}`.slice(0, 300),
        summary: what,
        subjectType: 'Incident',
        subjectId: inc.id,
        authorId: inc.authorId,
        tlp: inc.tlp,
        recipientOrgIds: inc.recipientOrgIds,
        recipientGroupIds: inc.recipientGroupIds,
        audienceOrgIds: null,
      },
    ]);
  }

  /**
   * Adds recipients (never removes any). The reporting organisation may share
   * its incident; a coordinator's analysts may pass it on, except at RED,
   * where only the author decides who reads it.
   */
  async share(p: Principal, id: string, recipients: string[]): Promise<IncidentEntity> {
    await this.authz.authorize(p, 'incident.share');
    const iid = checkId(id);
    if (!recipients.length) throw badInput('recipients', 'must name at least one organisation code or sharing group');
    return this.db.transaction(async (m) => {
      const inc = await visibleById(m, IncidentEntity, visibleTo(p, 't'), iid, { lock: true });
      if (!inc) throw notFound('Incident', id);
      await this.authz.authorize(p, 'incident.share', subjectOf(inc));
      const r = await this.orgs.resolveRecipients(m, recipients, 'recipients');
      const addOrgs = r.orgIds.filter((x) => !inc.recipientOrgIds.includes(x));
      const addGroups = r.groupIds.filter((x) => !inc.recipientGroupIds.includes(x));
      if (addOrgs.length || addGroups.length) {
        await m
          .createQueryBuilder()
          .update(IncidentEntity)
          .set({
            recipientOrgIds: [...inc.recipientOrgIds, ...addOrgs],
            recipientGroupIds: [...inc.recipientGroupIds, ...addGroups],
            updatedAt: () => 'now()',
          })
          .where('id = :id', { id: iid })
          .execute();
        const names = await this.orgs.recipientNames(p, { orgIds: addOrgs, groupIds: addGroups });
        await this.appendEvents(m, p, iid, [{ kind: IncidentEventKind.SHARED, note: names.join(', ') }]);
        await this.audit.record(p, { action: 'incident.share', targetType: 'Incident', targetId: iid, detail: { added: names } }, m);
      }
      return m.findOneByOrFail(IncidentEntity, { id: iid });
    });
  }

  /**
   * Incidents the caller may read in the order their current version was
   * stored (`updated_at`: every status change, note, assignment or share is a
   * new version): TAXII's `date_added` keyset.
   */
  async addedPage(p: Principal, q: AddedQuery): Promise<AddedPage<IncidentEntity>> {
    const pol = visibleTo(p, 't');
    return addedKeysetPage(this.db.getRepository(IncidentEntity).createQueryBuilder('t').where(pol.sql, pol.params), 't', 'updated_at', q);
  }

  /**
   * Timeline entries of the incidents the caller may read, in the order they
   * were written (TAXII `note`s); `incident` is loaded for the note's
   * references and marking, and SHARED entries lose their names as on the incident.
   */
  async eventsAddedPage(p: Principal, q: AddedQuery): Promise<AddedPage<IncidentEventEntity>> {
    const pol = visibleTo(p, 't');
    const qb = this.db.getRepository(IncidentEventEntity).createQueryBuilder('e').innerJoinAndSelect('e.incident', 't').where(pol.sql, pol.params);
    const page = await addedKeysetPage(qb, 'e', 'created_at', q, 't');
    for (const e of page.items) if (e.kind === IncidentEventKind.SHARED && !mayKnowRecipients(p, e.incident!.authorId)) e.note = null;
    return page;
  }

  /** Incidents are closed, never deleted: a reader asking to delete one is refused (and audited); others see NOT_FOUND. */
  async delete(p: Principal, id: string): Promise<never> {
    const inc = await this.byId(p, id);
    if (!inc) throw notFound('Incident', id);
    await this.authz.authorize(p, 'incident.delete', subjectOf(inc));
    throw new Error('unreachable: incident.delete is never allowed');
  }

  /** Linked observables per incident, for the incidents among `ids` the caller may read. */
  async observablesOf(p: Principal, ids: string[]): Promise<Map<string, ObservableEntity[]>> {
    const pol = visibleTo(p, 't');
    const links = await this.db
      .getRepository(IncidentObservableEntity)
      .createQueryBuilder('io')
      .innerJoinAndSelect('io.observable', 'o')
      .innerJoin('io.incident', 't')
      .where('io.incident_id = ANY(:ids)', { ids })
      .andWhere(pol.sql, pol.params)
      .orderBy('o.type')
      .addOrderBy('o.value')
      .getMany();
    const out = new Map<string, ObservableEntity[]>();
    for (const l of links) out.set(l.incidentId, [...(out.get(l.incidentId) ?? []), l.observable!]);
    return out;
  }

  /** Timelines, oldest entry first, for the incidents among `ids` the caller may read. */
  async timelinesOf(p: Principal, ids: string[]): Promise<Map<string, IncidentEventEntity[]>> {
    const pol = visibleTo(p, 't');
    const events = await this.db
      .getRepository(IncidentEventEntity)
      .createQueryBuilder('e')
      .innerJoin('e.incident', 't')
      .addSelect(['t.id', 't.authorId'])
      .where('e.incident_id = ANY(:ids)', { ids })
      .andWhere(pol.sql, pol.params)
      .orderBy('e.seq', 'ASC')
      .getMany();
    const out = new Map<string, IncidentEventEntity[]>();
    for (const e of events) {
      // Who else received it is for those who may know recipients, as on the incident itself.
      if (e.kind === IncidentEventKind.SHARED && !mayKnowRecipients(p, e.incident!.authorId)) e.note = null;
      out.set(e.incidentId, [...(out.get(e.incidentId) ?? []), e]);
    }
    return out;
  }

  private checkReport(input: IncidentInput): CheckedReport {
    const occurredAt = notInFuture('input.occurredAt', input.occurredAt);
    const detectedAt = notInFuture('input.detectedAt', input.detectedAt);
    if (occurredAt && detectedAt && detectedAt < occurredAt) throw new InputProblem('input.detectedAt', 'must not be before occurredAt');
    return {
      title: text('input.title', input.title, { max: 200 }),
      description: optionalText('input.description', input.description, 20_000, { multiline: true }),
      category: input.category,
      severity: input.severity ?? Severity.MEDIUM,
      occurredAt,
      detectedAt,
      affectedSystems: textList('input.affectedSystems', input.affectedSystems, { maxItems: 100, maxLen: 200 }),
      observables: checkObservableList(input.observables, 'input.observables', MAX_OBSERVABLES),
      tlp: input.tlp ?? null,
    };
  }

  private checkUpdate(input: IncidentUpdateInput): CheckedUpdate {
    const out: CheckedUpdate = {};
    if (input.status != null) out.status = input.status;
    if (input.note != null) out.note = text('input.note', input.note, { max: MAX_NOTE, multiline: true });
    if (input.assignee !== undefined) out.assignee = optionalText('input.assignee', input.assignee, 200);
    if (out.status === undefined && out.note === undefined && out.assignee === undefined) {
      throw new InputProblem('input', 'must set at least one of status, note or assignee');
    }
    return out;
  }

  /** One statement per entry so that `seq` follows the order given. */
  private async appendEvents(m: EntityManager, p: Principal, incidentId: string, events: NewEvent[]): Promise<void> {
    for (const e of events) {
      await m.insert(IncidentEventEntity, {
        incidentId,
        kind: e.kind,
        fromStatus: e.fromStatus ?? null,
        toStatus: e.toStatus ?? null,
        note: e.note ?? null,
        actorOrgId: p.orgId,
        actorSub: p.sub,
      });
    }
  }
}

function subjectOf(inc: IncidentEntity): Subject {
  return { target: { type: 'Incident', id: inc.id }, authorId: inc.authorId, tlp: inc.tlp, status: inc.status };
}
