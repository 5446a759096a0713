import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import type { OrganizationLoaders } from './organization.loaders';
import { OrganizationType } from './organization.types';
import type { SharingGroupService } from './sharing-group.service';
import { SharingGroupType } from './sharing-group.types';

type Ctx = RequestContext<OrganizationLoaders>;

const MEMBERS = { description: 'Organisation codes.' };

@Resolver(() => SharingGroupType)
export class SharingGroupResolver {
  constructor(private readonly groups: SharingGroupService) {}

  @Requires('sharingGroup.create')
  @Mutation(() => SharingGroupType)
  createSharingGroup(@Arg('name', () => String) name: string, @Arg('members', () => [String], MEMBERS) members: string[], @Ctx() ctx: Ctx) {
    return this.groups.create(ctx.principal, name, members);
  }

  @Requires('sharingGroup.update')
  @Mutation(() => SharingGroupType, { description: 'The creating organisation\'s ADMIN or a coordinator ADMIN. Recipients lists show the new name.' })
  renameSharingGroup(@Arg('name', () => String) name: string, @Arg('newName', () => String) newName: string, @Ctx() ctx: Ctx) {
    return this.groups.rename(ctx.principal, name, newName);
  }

  @Requires('sharingGroup.update')
  @Mutation(() => SharingGroupType, { description: 'New members read what was shared with the group before, at once.' })
  addSharingGroupMembers(@Arg('name', () => String) name: string, @Arg('members', () => [String], MEMBERS) members: string[], @Ctx() ctx: Ctx) {
    return this.groups.addMembers(ctx.principal, name, members);
  }

  @Requires('sharingGroup.update')
  @Mutation(() => SharingGroupType, {
    description: 'Removed members stop reading what was shared with the group at once over HTTP, and within seconds on open subscriptions.',
  })
  removeSharingGroupMembers(@Arg('name', () => String) name: string, @Arg('members', () => [String], MEMBERS) members: string[], @Ctx() ctx: Ctx) {
    return this.groups.removeMembers(ctx.principal, name, members);
  }

  @Requires('sharingGroup.delete')
  @Mutation(() => Boolean, { description: 'Deletes the group: its former members stop reading what was shared only with it.' })
  deleteSharingGroup(@Arg('name', () => String) name: string, @Ctx() ctx: Ctx) {
    return this.groups.delete(ctx.principal, name);
  }

  @FieldResolver(() => [OrganizationType])
  members(@Root() g: SharingGroupType, @Ctx() ctx: Ctx) {
    return ctx.loaders.groupMembers.load(g.id);
  }

  @FieldResolver(() => OrganizationType)
  owner(@Root() g: SharingGroupType, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(g.ownerId);
  }
}
