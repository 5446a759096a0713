import type { EntityManager } from 'typeorm';
import type { Subject } from '../auth/authorize';
import { registryVisibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { ApprovalStatus, OrgKind, OrgStatus, Severity, Tlp, type AssessmentSource, type WarningKind } from '../common/enums';
import { InputProblem, notFound } from '../common/errors';
import { checkId } from '../common/ids';
import { intRange, optionalText } from '../common/validate';
import { visibleById } from '../db/filters';
import type { WarningService } from '../warnings/warning.service';
import { InformationSystemEntity, ReviewState } from './system.entity';

export const MIN_LEVEL = 1;
export const MAX_LEVEL = 5;

/** A safety level from the input: an integer from 1 to 5. */
export const safetyLevel = (field: string, value: number) => intRange(field, value, MIN_LEVEL, MAX_LEVEL);

/**
 * The level whose requirements a system must meet now (alias `s` on
 * information_systems): the level it proposes, or the level it is approved
 * at while that approval is valid, whichever is higher. Checklist rows exist
 * up to the higher of the two regardless of validity, so this only filters.
 */
export const requiredLevelSql = (s: string) => `GREATEST(${s}.proposed_level, CASE WHEN ${s}.approved_until > now() THEN ${s}.approved_level END)`;

/** ApprovalStatus in SQL, computed at read time from the approval's validity; approvalStatusOf is the same rule for a loaded row. */
export const approvalStatusSql = (s: string) =>
  `(CASE WHEN ${s}.approved_until > now() THEN 'APPROVED'` +
  ` WHEN ${s}.review_state = 'SUBMITTED' THEN 'PENDING'` +
  ` WHEN ${s}.review_state = 'RETURNED' THEN 'RETURNED'` +
  ` WHEN ${s}.approved_until IS NOT NULL THEN 'EXPIRED'` +
  ` ELSE 'NOT_SUBMITTED' END)`;

/** The system's approval status at `now` (see approvalStatusSql). An approval with a pending renewal stays APPROVED until it lapses. */
export function approvalStatusOf(s: Pick<InformationSystemEntity, 'approvedUntil' | 'reviewState'>, now = Date.now()): ApprovalStatus {
  if (s.approvedUntil && s.approvedUntil.getTime() > now) return ApprovalStatus.APPROVED;
  if (s.reviewState === ReviewState.SUBMITTED) return ApprovalStatus.PENDING;
  if (s.reviewState === ReviewState.RETURNED) return ApprovalStatus.RETURNED;
  return s.approvedUntil ? ApprovalStatus.EXPIRED : ApprovalStatus.NOT_SUBMITTED;
}

/** The approved level while the approval is valid, else null. */
export function validApprovedLevel(s: Pick<InformationSystemEntity, 'approvedUntil' | 'approvedLevel'>, now = Date.now()): number | null {
  return s.approvedUntil && s.approvedUntil.getTime() > now ? s.approvedLevel : null;
}

/** The competent reviewer organisation of an owner: its parent, or null when a coordinator reviews. */
export async function reviewerOf(m: EntityManager, ownerId: string): Promise<string | null> {
  const [row]: { parent_id: string | null }[] = await m.query('SELECT parent_id FROM organizations WHERE id = $1', [ownerId]);
  return row?.parent_id ?? null;
}

/** What authorize's registry rules look at: the owner and its competent reviewer. */
export function systemSubject(sys: InformationSystemEntity, reviewerOrgId: string | null, target = { type: 'InformationSystem', id: sys.id }): Subject {
  return { target, authorId: sys.ownerId, reviewerOrgId };
}

/** The system, locked for the transaction, if the caller may read it; NOT_FOUND for hidden and missing alike. */
export async function lockVisibleSystem(m: EntityManager, p: Principal, id: string, field = 'id'): Promise<InformationSystemEntity> {
  const sid = checkId(id, field);
  const sys = await visibleById(m, InformationSystemEntity, registryVisibleTo(p, 't'), sid, { lock: true });
  if (!sys) throw notFound('InformationSystem', id);
  return sys;
}

/**
 * Adds the missing checklist rows (not met, never assessed) of `systemIds`,
 * or of every system when null: one row per active requirement up to the
 * higher of the proposed and the approved level. Rows are never deleted, so
 * an assessment survives a level going down and up again.
 */
export async function syncChecklist(m: EntityManager, systemIds: string[] | null): Promise<void> {
  await m.query(
    `INSERT INTO system_requirements (system_id, requirement_id, owner_id)
     SELECT s.id, r.id, s.owner_id
       FROM information_systems s
       JOIN requirements r ON r.active AND r.level <= GREATEST(s.proposed_level, coalesce(s.approved_level, 0))
      WHERE ($1::uuid[] IS NULL OR s.id = ANY($1::uuid[]))
     ON CONFLICT (system_id, requirement_id) DO NOTHING`,
    [systemIds],
  );
}

/**
 * Who a dossier or inspection warning reaches: the owner and its competent
 * reviewer — the parent, or every active coordinator when it has none.
 */
export async function registryAudience(m: EntityManager, ownerId: string, reviewerOrgId: string | null): Promise<string[]> {
  if (reviewerOrgId) return [ownerId, reviewerOrgId];
  const rows: { id: string }[] = await m.query('SELECT id FROM organizations WHERE kind = $1 AND status = $2 AND id <> $3 ORDER BY id', [
    OrgKind.COORDINATOR,
    OrgStatus.ACTIVE,
    ownerId,
  ]);
  return [ownerId, ...rows.map((r) => r.id)];
}

/** Logs a DOSSIER_UPDATED or INSPECTION_UPDATED warning inside the step's transaction, addressed to the owner and the reviewer. */
export async function raiseRegistryWarning(
  warnings: WarningService,
  m: EntityManager,
  w: { kind: WarningKind; system: InformationSystemEntity; reviewerOrgId: string | null; title: string; summary: string | null; subjectType: 'SafetyDossier' | 'Inspection'; subjectId: string; severity?: Severity },
): Promise<void> {
  await warnings.raise(m, [
    {
      kind: w.kind,
      severity: w.severity ?? Severity.INFO,
      title: w.title.slice(0, 300),
      summary: w.summary,
      subjectType: w.subjectType,
      subjectId: w.subjectId,
      authorId: w.system.ownerId,
      // Nominal: registry warnings are read by their audience only (warningVisibleTo).
      tlp: Tlp.AMBER_STRICT,
      recipientOrgIds: [],
      recipientGroupIds: [],
      audienceOrgIds: await registryAudience(m, w.system.ownerId, w.reviewerOrgId),
    },
  ]);
}

/**
 * Registry writes announce the owners whose figures changed, after commit,
 * so that live statistics in this process refresh at once (other processes
 * learn through the warning log, or at the next periodic refresh).
 */
export class RegistryChanges {
  private readonly listeners = new Set<(orgIds: string[] | null) => void>();

  on(listener: (orgIds: string[] | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `null`: every organisation's figures may have changed (the requirement catalogue did). */
  changed(orgIds: string[] | null): void {
    for (const l of this.listeners) l(orgIds);
  }
}

/**
 * Which of an owner's asset ranges (alias `a` on asset_ranges) a system may
 * use: the approved ones only, as for exposure (a declared range is only a
 * claim until a coordinator or an approving ancestor confirms it).
 * Registration, updates and the `covered` flag all go through this one predicate.
 */
export const usableAssetRangeSql = (a: string) => `${a}.status = 'APPROVED'`;

/** The ids of the organisation with code `:${param}` and of every organisation below it, as a subquery. */
export const subtreeIdsSql = (param: string) =>
  `(WITH RECURSIVE sub(id) AS (SELECT id FROM organizations WHERE code = :${param}` +
  ` UNION SELECT o.id FROM organizations o JOIN sub ON o.parent_id = sub.id) SELECT id FROM sub)`;

/** `value` as a LIKE pattern that matches it literally anywhere. */
export const containsPattern = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One assessment of a checklist line. */
export interface Assessment {
  requirement_id: string;
  met: boolean;
  evidence: string | null;
}

/**
 * Sets checklist lines of a locked system — only lines that apply to its
 * level now — as assessed by `p` from `source`. The first item that is not
 * such a line is an InputProblem at `${field}[i].requirementId`, and the
 * caller's transaction rolls back.
 */
export async function assessChecklist(m: EntityManager, p: Principal, systemId: string, items: Assessment[], source: AssessmentSource, field: string): Promise<void> {
  if (!items.length) return;
  // UPDATE answers [rows, count] through TypeORM.
  const [updated]: [{ requirement_id: string }[], number] = await m.query(
    `UPDATE system_requirements t SET met = x.met, evidence = x.evidence, source = $3, assessed_at = now(), assessed_by_org_id = $4, assessed_by = $5
       FROM jsonb_to_recordset($2::jsonb) AS x(requirement_id uuid, met boolean, evidence text), requirements r, information_systems s
      WHERE t.system_id = $1 AND t.requirement_id = x.requirement_id AND r.id = t.requirement_id AND s.id = t.system_id
        AND r.active AND r.level <= ${requiredLevelSql('s')} AND s.lifecycle = 'IN_OPERATION'
      RETURNING t.requirement_id`,
    [systemId, JSON.stringify(items), source, p.orgId, actorName(p)],
  );
  const done = new Set(updated.map((u) => u.requirement_id));
  const missing = items.findIndex((c) => !done.has(c.requirement_id));
  if (missing >= 0) throw new InputProblem(`${field}[${missing}].requirementId`, "is not a requirement of this system's safety level");
}

/** Checks assessment items: ids, evidence, each requirement once. */
export function checkAssessments(items: { requirementId: string; met: boolean }[], evidenceOf: (i: number) => string | null | undefined, field: string, evidenceName: string): Assessment[] {
  const out = items.map((it, i) => ({
    requirement_id: checkId(it.requirementId, `${field}[${i}].requirementId`),
    met: it.met,
    evidence: optionalText(`${field}[${i}].${evidenceName}`, evidenceOf(i), 10_000, { multiline: true }),
  }));
  const dup = out.findIndex((c, i) => out.findIndex((d) => d.requirement_id === c.requirement_id) !== i);
  if (dup >= 0) throw new InputProblem(`${field}[${dup}].requirementId`, 'is named twice');
  return out;
}
