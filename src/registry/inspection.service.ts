import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Action, Authorizer } from '../auth/authorize';
import { registryVisibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { ApprovalStatus, AssessmentSource, InspectionKind, InspectionStatus, Severity, WarningKind } from '../common/enums';
import { badInput, conflict, notFound } from '../common/errors';
import { groupBy } from '../common/group';
import { checkId } from '../common/ids';
import type { Page } from '../common/pagination';
import { optionalText, text } from '../common/validate';
import { visibleById, visibleByIds } from '../db/filters';
import { keysetPage } from '../db/paging';
import type { WarningService } from '../warnings/warning.service';
import { InspectionEntity, InspectionFindingEntity } from './inspection.entity';
import type { InspectionFilter, InspectionFindingInput } from './registry.inputs';
import {
  approvalStatusOf,
  assessChecklist,
  checkAssessments,
  lockVisibleSystem,
  raiseRegistryWarning,
  reviewerOf,
  systemSubject,
  type RegistryChanges,
} from './registry.shared';
import type { InformationSystemEntity } from './system.entity';

const DAY_MS = 86_400_000;
const MAX_FINDINGS = 200;

/** InspectionStatus at read time: a SCHEDULED inspection past its due date is OVERDUE. */
export function inspectionStatusOf(i: Pick<InspectionEntity, 'status' | 'dueAt'>, now = Date.now()): InspectionStatus {
  return i.status === InspectionStatus.SCHEDULED && i.dueAt.getTime() < now ? InspectionStatus.OVERDUE : i.status;
}

const statusSql = (t: string) => `(CASE WHEN ${t}.status = 'SCHEDULED' AND ${t}.due_at < now() THEN 'OVERDUE' ELSE ${t}.status END)`;

/**
 * Inspections and annual evaluations of approved systems (the social-security
 * sector's practice): the competent reviewer schedules them and records
 * findings against the system's requirements; the findings update its checklist.
 */
export class InspectionService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly warnings: WarningService,
    private readonly authz: Authorizer,
    private readonly changes: RegistryChanges,
  ) {}

  async schedule(p: Principal, systemId: string, due: Date, kind: InspectionKind | null | undefined, notes: string | null | undefined): Promise<InspectionEntity> {
    await this.authz.authorize(p, 'inspection.schedule');
    if (Number.isNaN(due.getTime())) throw badInput('due', 'must be a valid date-time');
    if (due.getTime() > Date.now() + 3 * 366 * DAY_MS) throw badInput('due', 'must be at most three years ahead');
    const note = optionalText('notes', notes, 10_000, { multiline: true });
    const out = await this.db.transaction(async (m) => {
      const sys = await lockVisibleSystem(m, p, systemId, 'systemId');
      const reviewerOrgId = await reviewerOf(m, sys.ownerId);
      await this.authz.authorize(p, 'inspection.schedule', systemSubject(sys, reviewerOrgId));
      if (approvalStatusOf(sys) !== ApprovalStatus.APPROVED) throw conflict('only an approved system (with a valid approval) is inspected or evaluated');
      const inserted = await m.insert(InspectionEntity, {
        systemId: sys.id,
        ownerId: sys.ownerId,
        kind: kind ?? InspectionKind.INSPECTION,
        dueAt: due,
        status: InspectionStatus.SCHEDULED,
        notes: note,
        scheduledByOrgId: p.orgId,
        scheduledBy: actorName(p),
      });
      const ins = await m.findOneByOrFail(InspectionEntity, { id: String(inserted.identifiers[0].id) });
      await this.step(m, p, 'inspection.schedule', ins, sys, reviewerOrgId, `${label(ins.kind)} scheduled: ${sys.name}, due ${due.toISOString().slice(0, 10)}`, note);
      return ins;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  /** Completes a scheduled inspection with its findings; each finding sets the matching checklist line (source INSPECTION). */
  async record(p: Principal, id: string, findings: InspectionFindingInput[], summary: string | null | undefined): Promise<InspectionEntity> {
    await this.authz.authorize(p, 'inspection.record');
    if (findings.length > MAX_FINDINGS) throw badInput('findings', `must have at most ${MAX_FINDINGS} items`);
    const checked = checkAssessments(findings, (i) => findings[i].note, 'findings', 'note');
    const about = optionalText('summary', summary, 20_000, { multiline: true });
    const out = await this.db.transaction(async (m) => {
      const { ins, sys, reviewerOrgId } = await this.lock(m, p, id, 'inspection.record');
      if (ins.status !== InspectionStatus.SCHEDULED) throw conflict(`the inspection is ${ins.status}: only a scheduled one is recorded`);
      await assessChecklist(m, p, sys.id, checked, AssessmentSource.INSPECTION, 'findings');
      if (checked.length) {
        await m.insert(
          InspectionFindingEntity,
          checked.map((c) => ({ inspectionId: ins.id, requirementId: c.requirement_id, met: c.met, note: c.evidence })),
        );
      }
      await m.update(
        InspectionEntity,
        { id: ins.id },
        { status: InspectionStatus.COMPLETED, summary: about, completedAt: () => 'now()', completedBy: actorName(p), updatedAt: () => 'now()' },
      );
      const done = await m.findOneByOrFail(InspectionEntity, { id: ins.id });
      const unmet = checked.filter((c) => !c.met).length;
      await this.step(m, p, 'inspection.record', done, sys, reviewerOrgId, `${label(ins.kind)} recorded: ${sys.name}, ${unmet} requirement(s) not met`, about, unmet ? Severity.MEDIUM : Severity.INFO);
      return done;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  async cancel(p: Principal, id: string, reason: string): Promise<InspectionEntity> {
    await this.authz.authorize(p, 'inspection.cancel');
    const why = text('reason', reason, { max: 2000, multiline: true });
    const out = await this.db.transaction(async (m) => {
      const { ins, sys, reviewerOrgId } = await this.lock(m, p, id, 'inspection.cancel');
      if (ins.status !== InspectionStatus.SCHEDULED) throw conflict(`the inspection is ${ins.status}: only a scheduled one is cancelled`);
      await m.update(InspectionEntity, { id: ins.id }, { status: InspectionStatus.CANCELLED, summary: why, updatedAt: () => 'now()' });
      const done = await m.findOneByOrFail(InspectionEntity, { id: ins.id });
      await this.step(m, p, 'inspection.cancel', done, sys, reviewerOrgId, `${label(ins.kind)} cancelled: ${sys.name}`, why);
      return done;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  /** The visible inspections matching `filter`, newest first. */
  list(p: Principal, filter: InspectionFilter | null | undefined, args: { first?: number | null; after?: string | null }): Promise<Page<InspectionEntity>> {
    const pol = registryVisibleTo(p, 't');
    const qb = this.db.getRepository(InspectionEntity).createQueryBuilder('t').where(pol.sql, pol.params);
    const f = filter ?? {};
    if (f.systemId != null) qb.andWhere('t.system_id = :insSystem', { insSystem: checkId(f.systemId, 'filter.systemId') });
    if (f.statuses?.length) qb.andWhere(`${statusSql('t')} IN (:...insStatuses)`, { insStatuses: f.statuses });
    if (f.kinds?.length) qb.andWhere('t.kind IN (:...insKinds)', { insKinds: f.kinds });
    return keysetPage(qb, 't', args);
  }

  byId(p: Principal, id: string): Promise<InspectionEntity | null> {
    return visibleById(this.db.manager, InspectionEntity, registryVisibleTo(p, 't'), checkId(id));
  }

  /** Inspections of each visible system among `systemIds`, newest first. */
  async ofSystems(p: Principal, systemIds: readonly string[]): Promise<Map<string, InspectionEntity[]>> {
    const pol = registryVisibleTo(p, 't');
    const rows = await this.db
      .getRepository(InspectionEntity)
      .createQueryBuilder('t')
      .where('t.system_id = ANY(CAST(:ids AS uuid[]))', { ids: systemIds })
      .andWhere(pol.sql, pol.params)
      .orderBy('t.seq', 'DESC')
      .getMany();
    return groupBy(rows, (r) => r.systemId);
  }

  /** Findings of the visible inspections among `ids`. */
  async findingsOf(p: Principal, ids: readonly string[]): Promise<Map<string, InspectionFindingEntity[]>> {
    const visible = await visibleByIds(this.db.manager, InspectionEntity, registryVisibleTo(p, 't'), ids);
    if (!visible.size) return new Map();
    const rows = await this.db
      .getRepository(InspectionFindingEntity)
      .createQueryBuilder('f')
      .innerJoinAndSelect('f.requirement', 'r')
      .where('f.inspection_id = ANY(CAST(:ids AS uuid[]))', { ids: [...visible.keys()] })
      .orderBy('r.level')
      .addOrderBy('r.code')
      .getMany();
    return groupBy(rows, (r) => r.inspectionId);
  }

  private async lock(m: EntityManager, p: Principal, id: string, action: Action) {
    const iid = checkId(id);
    const pol = registryVisibleTo(p, 't');
    const peek = await visibleById(m, InspectionEntity, pol, iid);
    if (!peek) throw notFound('Inspection', id);
    const sys = await lockVisibleSystem(m, p, peek.systemId);
    const ins = (await visibleById(m, InspectionEntity, pol, iid, { lock: true }))!;
    const reviewerOrgId = await reviewerOf(m, sys.ownerId);
    await this.authz.authorize(p, action, systemSubject(sys, reviewerOrgId, { type: 'Inspection', id: iid }));
    return { ins, sys, reviewerOrgId };
  }

  private async step(
    m: EntityManager,
    p: Principal,
    action: Action,
    ins: InspectionEntity,
    sys: InformationSystemEntity,
    reviewerOrgId: string | null,
    title: string,
    summary: string | null,
    severity = Severity.INFO,
  ): Promise<void> {
    await this.audit.record(p, { action, targetType: 'Inspection', targetId: ins.id, detail: { system: sys.id, kind: ins.kind, status: ins.status } }, m);
    await raiseRegistryWarning(this.warnings, m, {
      kind: WarningKind.INSPECTION_UPDATED,
      system: sys,
      reviewerOrgId,
      title,
      summary: summary?.slice(0, 2000) ?? null,
      subjectType: 'Inspection',
      subjectId: ins.id,
      severity,
    });
  }
}

const label = (k: InspectionKind) => (k === InspectionKind.ANNUAL_EVALUATION ? 'Annual evaluation' : 'Inspection');
