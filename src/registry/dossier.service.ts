import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuditService } from '../audit/audit.service';
import type { Action, Authorizer } from '../auth/authorize';
import { registryVisibleTo } from '../auth/policy';
import { actorName, type Principal } from '../auth/principal';
import { DossierStatus, SystemLifecycle, WarningKind } from '../common/enums';
import { badInput, conflict, InputProblem, notFound } from '../common/errors';
import { checkId } from '../common/ids';
import { optionalText, text, textList } from '../common/validate';
import { visibleById } from '../db/filters';
import type { WarningService } from '../warnings/warning.service';
import { appendToAttachment, checkAttachments, decodeBase64, storeAttachments, type CheckedAttachment } from './dossier.attachments';
import { DossierAttachmentEntity, DossierEventEntity, SafetyDossierEntity } from './dossier.entity';
import type { DossierInput, DossierRevisionInput } from './registry.inputs';
import { lockVisibleSystem, raiseRegistryWarning, reviewerOf, safetyLevel, syncChecklist, systemSubject, type RegistryChanges } from './registry.shared';
import { InformationSystemEntity, ReviewState } from './system.entity';

export const DossierEventKind = {
  SUBMITTED: 'SUBMITTED',
  REVISED: 'REVISED',
  ATTACHED: 'ATTACHED',
  APPROVED: 'APPROVED',
  RETURNED: 'RETURNED',
  WITHDRAWN: 'WITHDRAWN',
} as const;
type DossierEventKind = (typeof DossierEventKind)[keyof typeof DossierEventKind];

const DAY_MS = 86_400_000;
/** An approval lasts a year unless the reviewer says otherwise, and at most five. */
export const DEFAULT_VALIDITY_DAYS = 365;
const MAX_VALIDITY_DAYS = 5 * 366;

interface Content {
  proposedLevel: number;
  description: string;
  measures: string[];
}

/** A locked dossier with its locked system and the system's competent reviewer. */
interface Locked {
  dossier: SafetyDossierEntity;
  system: InformationSystemEntity;
  reviewerOrgId: string | null;
}

/**
 * Safety-level dossiers: the owner submits, the competent reviewer approves
 * (with a validity) or returns with comments, the owner revises and
 * resubmits. Every step is kept in the dossier's history, audited, and
 * warned to the owner and the reviewer in the same transaction.
 */
export class DossierService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly warnings: WarningService,
    private readonly authz: Authorizer,
    private readonly changes: RegistryChanges,
  ) {}

  /** A new dossier for a system with none open; the system's proposed level becomes the dossier's. */
  async submit(p: Principal, input: DossierInput): Promise<SafetyDossierEntity> {
    await this.authz.authorize(p, 'dossier.submit');
    const content = checkContent(input);
    const files = checkAttachments(input.attachments, 'input.attachments');
    const out = await this.db.transaction(async (m) => {
      const sys = await lockVisibleSystem(m, p, input.systemId, 'input.systemId');
      const reviewerOrgId = await reviewerOf(m, sys.ownerId);
      await this.authz.authorize(p, 'dossier.submit', systemSubject(sys, reviewerOrgId));
      if (sys.lifecycle === SystemLifecycle.RETIRED) throw conflict('the system is retired: it needs no safety-level approval');
      if (sys.reviewState !== ReviewState.NONE) throw conflict('the system already has an open dossier: revise it (reviseDossier) or withdraw it first');
      const inserted = await m.insert(SafetyDossierEntity, {
        systemId: sys.id,
        ownerId: sys.ownerId,
        version: 1,
        ...content,
        status: DossierStatus.SUBMITTED,
        submittedBy: actorName(p),
      });
      const id = String(inserted.identifiers[0].id);
      await storeAttachments(m, id, 1, files, actorName(p), 'input.attachments');
      await this.event(m, p, id, DossierEventKind.SUBMITTED, 1, { content });
      await this.setSystem(m, sys.id, { proposedLevel: content.proposedLevel, reviewState: ReviewState.SUBMITTED });
      const dossier = await m.findOneByOrFail(SafetyDossierEntity, { id });
      await this.step(m, p, 'dossier.submit', { dossier, system: sys, reviewerOrgId }, `Dossier submitted: ${sys.name} (level ${content.proposedLevel})`, null, {
        attachments: files.length,
      });
      return dossier;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  /** A returned dossier, revised and resubmitted by its owner as the next version. */
  async revise(p: Principal, id: string, input: DossierRevisionInput): Promise<SafetyDossierEntity> {
    await this.authz.authorize(p, 'dossier.revise');
    const files = checkAttachments(input.attachments, 'input.attachments');
    const out = await this.db.transaction(async (m) => {
      const l = await this.lock(m, p, id, 'dossier.revise');
      if (l.dossier.status !== DossierStatus.RETURNED) throw conflict(`only a RETURNED dossier can be revised; this one is ${l.dossier.status}`);
      const content = checkContent({
        proposedLevel: input.proposedLevel ?? l.dossier.proposedLevel,
        description: input.description ?? l.dossier.description,
        measures: input.measures ?? l.dossier.measures,
      });
      const version = l.dossier.version + 1;
      await m.update(
        SafetyDossierEntity,
        { id: l.dossier.id },
        {
          ...content,
          version,
          status: DossierStatus.SUBMITTED,
          submittedAt: () => 'now()',
          submittedBy: actorName(p),
          // The decision on the last version stays in the history; the dossier waits for a new one.
          reviewedAt: null,
          reviewedBy: null,
          reviewerOrgId: null,
          reviewComments: null,
          updatedAt: () => 'now()',
        },
      );
      await storeAttachments(m, l.dossier.id, version, files, actorName(p), 'input.attachments');
      await this.event(m, p, l.dossier.id, DossierEventKind.REVISED, version, { content });
      await this.setSystem(m, l.system.id, { proposedLevel: content.proposedLevel, reviewState: ReviewState.SUBMITTED });
      const dossier = await m.findOneByOrFail(SafetyDossierEntity, { id: l.dossier.id });
      await this.step(m, p, 'dossier.revise', { ...l, dossier }, `Dossier resubmitted: ${l.system.name} (version ${version}, level ${content.proposedLevel})`, null, {
        version,
        attachments: files.length,
      });
      return dossier;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  /** More files (or text) for an open dossier, as evidence, without a new version. */
  async attach(p: Principal, id: string, attachments: DossierRevisionInput['attachments']): Promise<SafetyDossierEntity> {
    await this.authz.authorize(p, 'dossier.attach');
    const files = checkAttachments(attachments, 'attachments');
    if (!files.length) throw badInput('attachments', 'must not be empty');
    return this.db.transaction(async (m) => {
      const l = await this.lock(m, p, id, 'dossier.attach');
      assertOpen(l.dossier);
      await this.addFiles(m, p, l.dossier, files);
      return m.findOneByOrFail(SafetyDossierEntity, { id: l.dossier.id });
    });
  }

  /** The next part of a large attachment of an open dossier. */
  async appendAttachment(p: Principal, attachmentId: string, contentBase64: string): Promise<DossierAttachmentEntity> {
    await this.authz.authorize(p, 'dossier.attach');
    const aid = checkId(attachmentId, 'attachmentId');
    const part = decodeBase64('contentBase64', contentBase64);
    return this.db.transaction(async (m) => {
      const [found]: { dossier_id: string }[] = await m.query('SELECT dossier_id FROM dossier_attachments WHERE id = $1', [aid]);
      if (!found) throw notFound('DossierAttachment', attachmentId);
      const l = await this.lock(m, p, found.dossier_id, 'dossier.attach', () => notFound('DossierAttachment', attachmentId));
      assertOpen(l.dossier);
      const att = await m.findOneByOrFail(DossierAttachmentEntity, { id: aid });
      await appendToAttachment(m, att, part, 'contentBase64');
      await this.audit.record(p, { action: 'dossier.attach', targetType: 'SafetyDossier', targetId: l.dossier.id, detail: { appended: part.length, attachment: aid } }, m);
      return m.findOneByOrFail(DossierAttachmentEntity, { id: aid });
    });
  }

  /** The owner takes an open dossier back; the system is then as if it had none open. */
  async withdraw(p: Principal, id: string, reason: string): Promise<SafetyDossierEntity> {
    await this.authz.authorize(p, 'dossier.withdraw');
    const why = text('reason', reason, { max: 2000, multiline: true });
    const out = await this.db.transaction(async (m) => {
      const l = await this.lock(m, p, id, 'dossier.withdraw');
      assertOpen(l.dossier);
      await m.update(SafetyDossierEntity, { id: l.dossier.id }, { status: DossierStatus.WITHDRAWN, updatedAt: () => 'now()' });
      await this.event(m, p, l.dossier.id, DossierEventKind.WITHDRAWN, l.dossier.version, { comments: why });
      await this.setSystem(m, l.system.id, { reviewState: ReviewState.NONE });
      const dossier = await m.findOneByOrFail(SafetyDossierEntity, { id: l.dossier.id });
      await this.step(m, p, 'dossier.withdraw', { ...l, dossier }, `Dossier withdrawn: ${l.system.name}`, why, {});
      return dossier;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  /**
   * The competent reviewer's decision on a SUBMITTED dossier: approval (the
   * system is approved at the dossier's level until `validUntil`, by default
   * a year; an earlier approved dossier is superseded) or return with comments.
   */
  async review(p: Principal, id: string, approve: boolean, comments: string | null | undefined, validUntil: Date | null | undefined): Promise<SafetyDossierEntity> {
    await this.authz.authorize(p, 'dossier.review');
    const note = optionalText('comments', comments, 20_000, { multiline: true });
    if (!approve && !note) throw badInput('comments', 'must say what to change when a dossier is returned');
    const until = approve ? checkValidity(validUntil) : null;
    if (!approve && validUntil != null) throw badInput('validUntil', 'applies only to an approval');
    const out = await this.db.transaction(async (m) => {
      const l = await this.lock(m, p, id, 'dossier.review');
      if (l.dossier.status === DossierStatus.RETURNED) throw conflict('the dossier was returned and waits for the owner\'s revision');
      if (l.dossier.status !== DossierStatus.SUBMITTED) throw conflict(`only a SUBMITTED dossier can be reviewed; this one is ${l.dossier.status}`);
      const reviewed = { reviewedAt: () => 'now()', reviewedBy: actorName(p), reviewerOrgId: p.orgId, reviewComments: note, updatedAt: () => 'now()' };
      if (approve) {
        await m.query(`UPDATE safety_dossiers SET status = $2, updated_at = now() WHERE system_id = $1 AND status = $3`, [
          l.system.id,
          DossierStatus.SUPERSEDED,
          DossierStatus.APPROVED,
        ]);
        await m.update(SafetyDossierEntity, { id: l.dossier.id }, { ...reviewed, status: DossierStatus.APPROVED, validUntil: until });
        await this.setSystem(m, l.system.id, {
          approvedLevel: l.dossier.proposedLevel,
          approvedAt: () => 'now()',
          approvedUntil: until,
          approvedDossierId: l.dossier.id,
          reviewState: ReviewState.NONE,
        });
        await this.event(m, p, l.dossier.id, DossierEventKind.APPROVED, l.dossier.version, { comments: note, validUntil: until });
      } else {
        await m.update(SafetyDossierEntity, { id: l.dossier.id }, { ...reviewed, status: DossierStatus.RETURNED });
        await this.setSystem(m, l.system.id, { reviewState: ReviewState.RETURNED });
        await this.event(m, p, l.dossier.id, DossierEventKind.RETURNED, l.dossier.version, { comments: note });
      }
      const dossier = await m.findOneByOrFail(SafetyDossierEntity, { id: l.dossier.id });
      const title = approve
        ? `Dossier approved: ${l.system.name} at level ${l.dossier.proposedLevel} until ${until!.toISOString().slice(0, 10)}`
        : `Dossier returned: ${l.system.name}`;
      await this.step(m, p, 'dossier.review', { ...l, dossier }, title, note, { approve, validUntil: until?.toISOString() ?? null });
      return dossier;
    });
    this.changes.changed([out.ownerId]);
    return out;
  }

  /** The dossier (and its system) locked, system first so that every writer takes the locks in one order. */
  private async lock(m: EntityManager, p: Principal, id: string, action: Action, missing = () => notFound('SafetyDossier', id)): Promise<Locked> {
    const did = checkId(id);
    const pol = registryVisibleTo(p, 't');
    const peek = await visibleById(m, SafetyDossierEntity, pol, did);
    if (!peek) throw missing();
    const system = await lockVisibleSystem(m, p, peek.systemId);
    const dossier = (await visibleById(m, SafetyDossierEntity, pol, did, { lock: true }))!;
    const reviewerOrgId = await reviewerOf(m, system.ownerId);
    await this.authz.authorize(p, action, systemSubject(system, reviewerOrgId, { type: 'SafetyDossier', id: did }));
    return { dossier, system, reviewerOrgId };
  }

  private async addFiles(m: EntityManager, p: Principal, d: SafetyDossierEntity, files: CheckedAttachment[]): Promise<void> {
    const ids = await storeAttachments(m, d.id, d.version, files, actorName(p), 'attachments');
    await this.event(m, p, d.id, DossierEventKind.ATTACHED, d.version, { comments: files.map((f) => f.name).join(', ') });
    await this.audit.record(p, { action: 'dossier.attach', targetType: 'SafetyDossier', targetId: d.id, detail: { attachments: ids } }, m);
  }

  private async event(
    m: EntityManager,
    p: Principal,
    dossierId: string,
    kind: DossierEventKind,
    version: number,
    e: { content?: Content; comments?: string | null; validUntil?: Date | null },
  ): Promise<void> {
    await m.insert(DossierEventEntity, {
      dossierId,
      kind,
      version,
      proposedLevel: e.content?.proposedLevel ?? null,
      comments: e.comments ?? null,
      snapshot: e.content ? { description: e.content.description, measures: e.content.measures } : null,
      validUntil: e.validUntil ?? null,
      actorOrgId: p.orgId,
      actorSub: p.sub,
    });
  }

  private async setSystem(m: EntityManager, systemId: string, set: QueryDeepPartialEntity<InformationSystemEntity>): Promise<void> {
    await m.update(InformationSystemEntity, { id: systemId }, { ...set, updatedAt: () => 'now()' });
    await syncChecklist(m, [systemId]);
  }

  /** Audit and warning of one workflow step, in its transaction. */
  private async step(m: EntityManager, p: Principal, action: Action, l: Locked, title: string, summary: string | null, detail: Record<string, unknown>): Promise<void> {
    await this.audit.record(p, { action, targetType: 'SafetyDossier', targetId: l.dossier.id, detail: { system: l.system.id, status: l.dossier.status, ...detail } }, m);
    await raiseRegistryWarning(this.warnings, m, {
      kind: WarningKind.DOSSIER_UPDATED,
      system: l.system,
      reviewerOrgId: l.reviewerOrgId,
      title,
      summary: summary?.slice(0, 2000) ?? null,
      subjectType: 'SafetyDossier',
      subjectId: l.dossier.id,
    });
  }
}

function assertOpen(d: SafetyDossierEntity): void {
  if (d.status !== DossierStatus.SUBMITTED && d.status !== DossierStatus.RETURNED) throw conflict(`the dossier is ${d.status}: only an open dossier changes`);
}

function checkContent(input: { proposedLevel: number; description: string; measures?: string[] | null }): Content {
  return {
    proposedLevel: safetyLevel('input.proposedLevel', input.proposedLevel),
    description: text('input.description', input.description, { max: 50_000, multiline: true }),
    measures: textList('input.measures', input.measures, { maxItems: 200, maxLen: 2000, multiline: true }),
  };
}

/** A validity in the future, at most five years ahead; a year from now when not given. */
function checkValidity(v: Date | null | undefined): Date {
  const now = Date.now();
  if (v == null) return new Date(now + DEFAULT_VALIDITY_DAYS * DAY_MS);
  if (Number.isNaN(v.getTime())) throw new InputProblem('validUntil', 'must be a valid date-time');
  if (v.getTime() <= now) throw new InputProblem('validUntil', 'must be in the future');
  if (v.getTime() > now + MAX_VALIDITY_DAYS * DAY_MS) throw new InputProblem('validUntil', 'must be at most five years ahead');
  return v;
}
