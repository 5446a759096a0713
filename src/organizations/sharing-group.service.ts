import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { Authorizer } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { badInput, conflict, notFound } from '../common/errors';
import { lookupKey, lookupKeys, text } from '../common/validate';
import { OrganizationEntity } from './organization.entity';
import { SharingGroupEntity, SharingGroupMemberEntity } from './sharing-group.entity';
import { ChangeSignal } from '../common/change-signal';

const MAX_MEMBERS = 1000;

/** A group as the API returns it: the row and its members' ids at the time of the write. */
export type SharingGroupWithMembers = SharingGroupEntity & { memberIds: string[] };

/**
 * Sharing groups: named sets of organisations that objects can be shared
 * with. The sharing policy reads membership as it is when an object is read
 * (the principal's groups are resolved per request, and re-resolved on open
 * websockets at each re-check), so a member added sees what was shared with
 * the group before, and a member removed stops seeing it at once. The
 * organisation that created a group manages it, as do coordinators.
 */
export class SharingGroupService {
  /** Fires after each committed change to groups or their members. */
  readonly changed = new ChangeSignal();

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly authz: Authorizer,
  ) {}

  async create(p: Principal, name: string, members: string[]): Promise<SharingGroupWithMembers> {
    await this.authz.authorize(p, 'sharingGroup.create');
    const groupName = text('name', name, { max: 100 });
    return this.changed.after(this.db.transaction(async (m) => {
      const byCode = await this.orgIdsByCode(m, members);
      if (await m.existsBy(SharingGroupEntity, { name: groupName })) throw conflict(`sharing group "${groupName}" already exists`);
      const group = await m.save(m.create(SharingGroupEntity, { name: groupName, ownerId: p.orgId }));
      const memberIds = [...new Set(byCode.values())];
      if (memberIds.length) await m.insert(SharingGroupMemberEntity, memberIds.map((organizationId) => ({ groupId: group.id, organizationId })));
      await this.audit.record(p, { action: 'sharingGroup.create', targetType: 'SharingGroup', targetId: group.name, detail: { members: [...byCode.keys()] } }, m);
      return Object.assign(group, { memberIds });
    }));
  }

  async rename(p: Principal, name: string, newName: string): Promise<SharingGroupWithMembers> {
    const to = text('newName', newName, { max: 100 });
    return this.change(p, name, async (m, group) => {
      if (to === group.name) return null;
      if (await m.existsBy(SharingGroupEntity, { name: to })) throw conflict(`sharing group "${to}" already exists`);
      await m.update(SharingGroupEntity, { id: group.id }, { name: to });
      const from = group.name;
      group.name = to;
      return { renamed: { from, to } };
    });
  }

  async addMembers(p: Principal, name: string, members: string[]): Promise<SharingGroupWithMembers> {
    return this.change(p, name, async (m, group) => {
      const byCode = await this.orgIdsByCode(m, members);
      const rows = [...new Set(byCode.values())].map((organizationId) => ({ groupId: group.id, organizationId }));
      if (rows.length) await m.createQueryBuilder().insert().into(SharingGroupMemberEntity).values(rows).orIgnore().execute();
      return { added: [...byCode.keys()] };
    });
  }

  /** Members named who are not in the group are ignored; the call is idempotent. */
  async removeMembers(p: Principal, name: string, members: string[]): Promise<SharingGroupWithMembers> {
    return this.change(p, name, async (m, group) => {
      const byCode = await this.orgIdsByCode(m, members);
      if (byCode.size) {
        await m
          .createQueryBuilder()
          .delete()
          .from(SharingGroupMemberEntity)
          .where('group_id = :gid AND organization_id = ANY(CAST(:oids AS uuid[]))', { gid: group.id, oids: [...byCode.values()] })
          .execute();
      }
      return { removed: [...byCode.keys()] };
    });
  }

  /**
   * Deletes a group and its memberships. Objects shared with it keep the
   * group's id among their recipients, which then matches nobody: its former
   * members stop reading them through it (the author, coordinators and any
   * other recipients still do).
   */
  async delete(p: Principal, name: string): Promise<boolean> {
    await this.authz.authorize(p, 'sharingGroup.delete');
    await this.changed.after(this.db.transaction(async (m) => {
      const group = await this.lockGroup(m, p, name, 'sharingGroup.delete');
      const members = await m.countBy(SharingGroupMemberEntity, { groupId: group.id });
      await m.delete(SharingGroupEntity, { id: group.id });
      await this.audit.record(p, { action: 'sharingGroup.delete', targetType: 'SharingGroup', targetId: group.name, detail: { members } }, m);
    }));
    return true;
  }

  /** Sharing groups by id (their names label recipients). */
  async byIds(_p: Principal, ids: readonly string[]): Promise<Map<string, SharingGroupEntity>> {
    const rows = await this.db.getRepository(SharingGroupEntity).createQueryBuilder('g').where('g.id = ANY(:ids)', { ids }).getMany();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The members of each of `groupIds`, by code, in one query. */
  async membersOf(_p: Principal, groupIds: readonly string[]): Promise<Map<string, OrganizationEntity[]>> {
    const { raw, entities } = await this.db
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .innerJoin(SharingGroupMemberEntity, 'gm', 'gm.organization_id = o.id')
      .addSelect('gm.group_id', 'group_id')
      .where('gm.group_id = ANY(:groupIds)', { groupIds })
      .orderBy('o.code')
      .getRawAndEntities();
    const out = new Map<string, OrganizationEntity[]>();
    entities.forEach((e, i) => {
      const gid = (raw[i] as { group_id: string }).group_id;
      out.set(gid, [...(out.get(gid) ?? []), e]);
    });
    return out;
  }

  /** One audited change to a group its caller manages; `apply` returns the audit detail, or null when nothing changed. */
  private async change(
    p: Principal,
    name: string,
    apply: (m: EntityManager, group: SharingGroupEntity) => Promise<Record<string, unknown> | null>,
  ): Promise<SharingGroupWithMembers> {
    await this.authz.authorize(p, 'sharingGroup.update');
    return this.changed.after(this.db.transaction(async (m) => {
      const group = await this.lockGroup(m, p, name, 'sharingGroup.update');
      const target = group.name;
      const detail = await apply(m, group);
      if (detail) await this.audit.record(p, { action: 'sharingGroup.update', targetType: 'SharingGroup', targetId: target, detail }, m);
      const members = await m.findBy(SharingGroupMemberEntity, { groupId: group.id });
      return Object.assign(group, { memberIds: members.map((x) => x.organizationId) });
    }));
  }

  /** The group named `name`, locked, once the caller is allowed to manage it; NOT_FOUND when there is none. */
  private async lockGroup(m: EntityManager, p: Principal, name: string, action: 'sharingGroup.update' | 'sharingGroup.delete'): Promise<SharingGroupEntity> {
    const group = await m.findOne(SharingGroupEntity, { where: { name: lookupKey('name', name) }, lock: { mode: 'pessimistic_write' } });
    if (!group) throw notFound('SharingGroup', name);
    await this.authz.authorize(p, action, { target: { type: 'SharingGroup', id: group.name }, organizationId: group.ownerId });
    return group;
  }

  /** Organisation codes (case-insensitive) to ids, in input order; an unknown code is bad input naming its index. */
  private async orgIdsByCode(m: EntityManager, members: string[]): Promise<Map<string, string>> {
    if (members.length > MAX_MEMBERS) throw badInput('members', `must have at most ${MAX_MEMBERS} items`);
    const codes = lookupKeys('members', members).map((c) => c.toUpperCase());
    const orgs = codes.length ? await m.createQueryBuilder(OrganizationEntity, 'o').where('o.code = ANY(:codes)', { codes }).getMany() : [];
    const found = new Map(orgs.map((o) => [o.code, o.id]));
    const out = new Map<string, string>();
    codes.forEach((c, i) => {
      const id = found.get(c);
      if (!id) throw badInput(`members[${i}]`, `unknown organisation "${members[i]}"`);
      out.set(c, id);
    });
    return out;
  }
}
