import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import { registryVisibleTo } from '../auth/policy';
import type { Principal } from '../auth/principal';
import { AssessmentSource } from '../common/enums';
import { badInput, conflict, InputProblem, notFound } from '../common/errors';
import { groupBy } from '../common/group';
import { checkId } from '../common/ids';
import type { Page } from '../common/pagination';
import { lookupKey, optionalText, pattern, text } from '../common/validate';
import { keysetPage } from '../db/paging';
import type { RequirementInput, RequirementStatusInput, RequirementUpdateInput } from './registry.inputs';
import {
  assessChecklist,
  checkAssessments,
  lockVisibleSystem,
  requiredLevelSql,
  reviewerOf,
  safetyLevel,
  subtreeIdsSql,
  syncChecklist,
  systemSubject,
  type RegistryChanges,
} from './registry.shared';
import { RequirementEntity, SystemRequirementEntity } from './requirement.entity';
import type { InformationSystemEntity } from './system.entity';

const CATEGORIES = ['MANAGEMENT', 'TECHNICAL'];
const CODE_RULE = /^[A-Z][A-Z0-9_.-]{0,31}$/;
const MAX_ITEMS = 200;

/** The checklist lines that apply to a system now (alias `t` on system_requirements, `r` requirements, `s` systems). */
const APPLIES = `r.active AND r.level <= ${requiredLevelSql('s')} AND s.lifecycle = 'IN_OPERATION'`;

export interface UnmetScope {
  /** An organisation code; default: everything the caller may read. */
  organization?: string | null;
  /** With the organisations below it (default true). */
  includeDescendants?: boolean | null;
}

/** The requirement catalogue (coordinators keep it) and each system's checklist (the owner fills it, the reviewer checks it). */
export class RequirementService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
    private readonly changes: RegistryChanges,
  ) {}

  /** Active requirements that apply at `level` (levels are cumulative), or all active ones; by level, then code. */
  async catalogue(_p: Principal, level: number | null | undefined): Promise<RequirementEntity[]> {
    const qb = this.db.getRepository(RequirementEntity).createQueryBuilder('r').where('r.active');
    if (level != null) qb.andWhere('r.level <= :lvl', { lvl: safetyLevel('level', level) });
    return qb.orderBy('r.level').addOrderBy('r.code').getMany();
  }

  /** Requirements by id (the catalogue is public to members): for nested fields. */
  async byIds(_p: Principal, ids: readonly string[]): Promise<Map<string, RequirementEntity>> {
    const rows = await this.db.getRepository(RequirementEntity).createQueryBuilder('r').where('r.id = ANY(CAST(:ids AS uuid[]))', { ids }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  async create(p: Principal, input: RequirementInput): Promise<RequirementEntity> {
    await this.authz.authorize(p, 'requirement.manage');
    await this.authz.authorize(p, 'requirement.manage', { target: { type: 'Requirement', id: input.code } });
    const values = {
      code: pattern('input.code', input.code.trim().toUpperCase(), CODE_RULE, 'must be 1 to 32 upper-case letters, digits, _, . or -, starting with a letter'),
      title: text('input.title', input.title, { max: 300 }),
      description: optionalText('input.description', input.description, 20_000, { multiline: true }),
      level: safetyLevel('input.level', input.level),
      category: category('input.category', input.category),
      legalBasis: optionalText('input.legalBasis', input.legalBasis, 200),
    };
    const req = await this.db.transaction(async (m) => {
      if (await m.existsBy(RequirementEntity, { code: values.code })) throw conflict(`requirement ${values.code} already exists`);
      const inserted = await m.insert(RequirementEntity, values);
      const id = String(inserted.identifiers[0].id);
      await syncChecklist(m, null);
      await this.audit.record(p, { action: 'requirement.manage', targetType: 'Requirement', targetId: values.code, detail: { created: true, level: values.level } }, m);
      return m.findOneByOrFail(RequirementEntity, { id });
    });
    this.changes.changed(null);
    return req;
  }

  /** Edits a requirement; a new level or retiring it changes every checklist it is on. */
  async update(p: Principal, id: string, input: RequirementUpdateInput): Promise<RequirementEntity> {
    await this.authz.authorize(p, 'requirement.manage');
    const rid = checkId(id);
    await this.authz.authorize(p, 'requirement.manage', { target: { type: 'Requirement', id: rid } });
    const patch: QueryDeepPartialEntity<RequirementEntity> = {};
    if (input.title != null) patch.title = text('input.title', input.title, { max: 300 });
    if (input.description !== undefined) patch.description = optionalText('input.description', input.description, 20_000, { multiline: true });
    if (input.level != null) patch.level = safetyLevel('input.level', input.level);
    if (input.category != null) patch.category = category('input.category', input.category);
    if (input.legalBasis !== undefined) patch.legalBasis = optionalText('input.legalBasis', input.legalBasis, 200);
    if (input.active != null) patch.active = input.active;
    if (!Object.keys(patch).length) throw badInput('input', 'must change at least one field');
    const req = await this.db.transaction(async (m) => {
      const current = await m.findOne(RequirementEntity, { where: { id: rid }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound('Requirement', id);
      await m.update(RequirementEntity, { id: rid }, { ...patch, updatedAt: () => 'now()' });
      await syncChecklist(m, null);
      await this.audit.record(p, { action: 'requirement.manage', targetType: 'Requirement', targetId: current.code, detail: { changed: Object.keys(patch) } }, m);
      return m.findOneByOrFail(RequirementEntity, { id: rid });
    });
    this.changes.changed(null);
    return req;
  }

  /**
   * Marks requirements of a system's checklist met or not, with evidence: by
   * the owner (source OWNER) or the competent reviewer (REVIEW). Only
   * requirements that apply to the system's level now may be recorded.
   */
  async record(p: Principal, systemId: string, items: RequirementStatusInput[]): Promise<InformationSystemEntity> {
    await this.authz.authorize(p, 'requirement.record');
    if (!items.length) throw badInput('items', 'must not be empty');
    if (items.length > MAX_ITEMS) throw badInput('items', `must have at most ${MAX_ITEMS} items`);
    const checked = checkAssessments(items, (i) => items[i].evidence, 'items', 'evidence');
    const sys = await this.db.transaction(async (m) => {
      const s = await lockVisibleSystem(m, p, systemId, 'systemId');
      await this.authz.authorize(p, 'requirement.record', systemSubject(s, await reviewerOf(m, s.ownerId)));
      const source = p.orgId === s.ownerId ? AssessmentSource.OWNER : AssessmentSource.REVIEW;
      await assessChecklist(m, p, s.id, checked, source, 'items');
      await this.audit.record(
        p,
        { action: 'requirement.record', targetType: 'InformationSystem', targetId: s.id, detail: { source, met: checked.filter((c) => c.met).length, unmet: checked.filter((c) => !c.met).length } },
        m,
      );
      return s;
    });
    this.changes.changed([sys.ownerId]);
    return sys;
  }

  /** The applicable checklist of each visible system among `systemIds`, by level and code, with the requirement joined. */
  async checklistOf(p: Principal, systemIds: readonly string[]): Promise<Map<string, SystemRequirementEntity[]>> {
    const pol = registryVisibleTo(p, 't');
    const rows = await this.db
      .getRepository(SystemRequirementEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.requirement', 'r')
      .innerJoin('t.system', 's')
      .where('t.system_id = ANY(CAST(:ids AS uuid[]))', { ids: systemIds })
      .andWhere(`r.active AND r.level <= ${requiredLevelSql('s')}`)
      .andWhere(pol.sql, pol.params)
      .orderBy('r.level')
      .addOrderBy('r.code')
      .getMany();
    return groupBy(rows, (r) => r.systemId);
  }

  /**
   * Unmet requirements of systems in operation, newest line first: of one
   * organisation (and those below it, by default), or of everything the
   * caller may read. An organisation the caller may not read counts as one
   * with nothing unmet.
   */
  async unmet(p: Principal, scope: UnmetScope, args: { first?: number | null; after?: string | null }): Promise<Page<SystemRequirementEntity>> {
    const pol = registryVisibleTo(p, 't');
    const qb = this.db
      .getRepository(SystemRequirementEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.requirement', 'r')
      .innerJoin('t.system', 's')
      .where(pol.sql, pol.params)
      .andWhere(`NOT t.met AND ${APPLIES}`);
    if (scope.organization != null) {
      const code = lookupKey('organization', scope.organization).toUpperCase();
      const [org]: { id: string }[] = await this.db.query('SELECT id FROM organizations WHERE code = $1', [code]);
      if (!org) throw notFound('Organization', scope.organization);
      if (scope.includeDescendants === false) qb.andWhere('t.owner_id = :unmetOrg', { unmetOrg: org.id });
      else qb.andWhere(`t.owner_id IN ${subtreeIdsSql('unmetCode')}`, { unmetCode: code });
    }
    return keysetPage(qb, 't', args);
  }
}

function category(field: string, value: string): string {
  const v = value.trim().toUpperCase();
  if (!CATEGORIES.includes(v)) throw new InputProblem(field, `must be one of ${CATEGORIES.join(', ')}`);
  return v;
}
