import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { Role } from '../common/enums';
import { PageArgs } from '../common/pagination';
import type { Context } from '../context';
import type { OrganizationEntity } from './organization.entity';
import {
  OrganizationConnection,
  OrganizationInput,
  OrganizationType,
  OrganizationUpdateInput,
  PrincipalType,
  SharingGroupType,
  SigningKeyType,
} from './organization.types';

@Resolver(() => OrganizationType)
export class OrganizationResolver {
  @Requires(Role.VIEWER)
  @Query(() => PrincipalType, { description: 'Who the current token speaks for.' })
  me(@Ctx() ctx: Context): PrincipalType {
    const p = ctx.principal;
    return { organizationId: p.orgId, subject: p.sub, roles: p.roles, expiresAt: p.expiresAt, tokenId: p.jti, keyId: p.kid };
  }

  @Requires(Role.VIEWER)
  @Query(() => OrganizationType, { nullable: true })
  organization(@Arg('code', () => String) code: string, @Ctx() ctx: Context): Promise<OrganizationEntity | null> {
    return ctx.services.organizations.byCode(ctx.principal, code);
  }

  @Requires(Role.VIEWER)
  @Query(() => OrganizationConnection)
  async organizations(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return OrganizationConnection.from(await ctx.services.organizations.list(ctx.principal, args));
  }

  @Requires(Role.ADMIN)
  @Mutation(() => OrganizationType, { description: 'Coordinator ADMIN only.' })
  registerOrganization(@Arg('input', () => OrganizationInput) input: OrganizationInput, @Ctx() ctx: Context) {
    return ctx.services.organizations.register(ctx.principal, input);
  }

  @Requires(Role.ADMIN)
  @Mutation(() => OrganizationType, { description: 'Coordinator ADMIN only; suspending an organisation invalidates its tokens at once.' })
  updateOrganization(
    @Arg('code', () => String) code: string,
    @Arg('input', () => OrganizationUpdateInput) input: OrganizationUpdateInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.organizations.update(ctx.principal, code, input);
  }

  @Requires(Role.ADMIN)
  @Mutation(() => SigningKeyType, { description: 'The organisation\'s own ADMIN or a coordinator ADMIN. Public keys only.' })
  registerSigningKey(
    @Arg('organization', () => String) organization: string,
    @Arg('jwk', () => GraphQLJSONObject) jwk: Record<string, unknown>,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.organizations.registerKey(ctx.principal, organization, jwk);
  }

  @Requires(Role.ADMIN)
  @Mutation(() => SigningKeyType, { description: 'Tokens signed with a revoked key fail at once.' })
  revokeSigningKey(@Arg('organization', () => String) organization: string, @Arg('kid', () => String) kid: string, @Ctx() ctx: Context) {
    return ctx.services.organizations.revokeKey(ctx.principal, organization, kid);
  }

  @Requires(Role.ADMIN)
  @Mutation(() => SharingGroupType)
  createSharingGroup(
    @Arg('name', () => String) name: string,
    @Arg('members', () => [String], { description: 'Organisation codes.' }) members: string[],
    @Ctx() ctx: Context,
  ) {
    return ctx.services.organizations.createGroup(ctx.principal, name, members);
  }

  @FieldResolver(() => OrganizationType, { nullable: true })
  async parent(@Root() org: OrganizationEntity, @Ctx() ctx: Context) {
    return org.parentId ? ((await ctx.loaders.organization.load(org.parentId)) ?? null) : null;
  }

  @FieldResolver(() => [OrganizationType])
  children(@Root() org: OrganizationEntity, @Ctx() ctx: Context) {
    return ctx.services.organizations.children(ctx.principal, org.id);
  }

  @FieldResolver(() => [SigningKeyType], { description: 'Visible to the organisation\'s own ADMIN and coordinator ADMINs; empty otherwise.' })
  signingKeys(@Root() org: OrganizationEntity, @Ctx() ctx: Context) {
    return ctx.services.organizations.keysOf(ctx.principal, org.id);
  }
}

@Resolver(() => PrincipalType)
export class PrincipalResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() me: PrincipalType, @Ctx() ctx: Context) {
    return ctx.loaders.organization.load(me.organizationId);
  }
}

@Resolver(() => SharingGroupType)
export class SharingGroupResolver {
  @FieldResolver(() => [OrganizationType])
  members(@Root() g: SharingGroupType, @Ctx() ctx: Context) {
    return ctx.services.organizations.groupMembers(ctx.principal, g.id);
  }

  @FieldResolver(() => OrganizationType)
  owner(@Root() g: SharingGroupType, @Ctx() ctx: Context) {
    return ctx.loaders.organization.load(g.ownerId);
  }
}
