import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { PageArgs } from '../common/pagination';
import type { OrganizationEntity } from './organization.entity';
import type { OrganizationLoaders } from './organization.loaders';
import type { OrganizationService } from './organization.service';
import {
  OrganizationConnection,
  OrganizationInput,
  OrganizationType,
  OrganizationUpdateInput,
  PrincipalType,
  SigningKeyType,
} from './organization.types';

type Ctx = RequestContext<OrganizationLoaders>;

@Resolver(() => OrganizationType)
export class OrganizationResolver {
  constructor(private readonly orgs: OrganizationService) {}

  @Requires('read')
  @Query(() => PrincipalType, { description: 'Who the current token speaks for.' })
  me(@Ctx() ctx: Ctx): PrincipalType {
    const p = ctx.principal;
    return { organizationId: p.orgId, subject: p.sub, roles: p.roles, expiresAt: p.expiresAt, tokenId: p.jti, keyId: p.kid };
  }

  @Requires('read')
  @Query(() => OrganizationType, { nullable: true })
  organization(@Arg('code', () => String) code: string, @Ctx() ctx: Ctx): Promise<OrganizationEntity | null> {
    return this.orgs.byCode(ctx.principal, code);
  }

  @Requires('read')
  @Query(() => OrganizationConnection)
  async organizations(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Ctx) {
    return OrganizationConnection.from(await this.orgs.list(ctx.principal, args));
  }

  @Requires('organization.register')
  @Mutation(() => OrganizationType, { description: 'Coordinator ADMIN only.' })
  registerOrganization(@Arg('input', () => OrganizationInput) input: OrganizationInput, @Ctx() ctx: Ctx) {
    return this.orgs.register(ctx.principal, input);
  }

  @Requires('organization.update')
  @Mutation(() => OrganizationType, { description: 'Coordinator ADMIN only; suspending an organisation invalidates its tokens at once.' })
  updateOrganization(@Arg('code', () => String) code: string, @Arg('input', () => OrganizationUpdateInput) input: OrganizationUpdateInput, @Ctx() ctx: Ctx) {
    return this.orgs.update(ctx.principal, code, input);
  }

  @Requires('signingKey.register')
  @Mutation(() => SigningKeyType, { description: 'The organisation\'s own ADMIN or a coordinator ADMIN. Public keys only.' })
  registerSigningKey(
    @Arg('organization', () => String) organization: string,
    @Arg('jwk', () => GraphQLJSONObject) jwk: Record<string, unknown>,
    @Ctx() ctx: Ctx,
  ) {
    return this.orgs.registerKey(ctx.principal, organization, jwk);
  }

  @Requires('signingKey.retire')
  @Mutation(() => SigningKeyType, {
    description: 'ACTIVE to RETIRED: tokens signed with the key keep verifying until `until` (at most 90 days ahead), then fail. Rotate with an overlap: register the new key, switch, retire the old one.',
  })
  retireSigningKey(
    @Arg('organization', () => String) organization: string,
    @Arg('kid', () => String) kid: string,
    @Arg('until', () => Date, { description: 'When the key stops verifying tokens.' }) until: Date,
    @Ctx() ctx: Ctx,
  ) {
    return this.orgs.retireKey(ctx.principal, organization, kid, until);
  }

  @Requires('signingKey.revoke')
  @Mutation(() => SigningKeyType, { description: 'Tokens signed with a revoked key fail at once.' })
  revokeSigningKey(@Arg('organization', () => String) organization: string, @Arg('kid', () => String) kid: string, @Ctx() ctx: Ctx) {
    return this.orgs.revokeKey(ctx.principal, organization, kid);
  }

  @FieldResolver(() => OrganizationType, { nullable: true })
  async parent(@Root() org: OrganizationEntity, @Ctx() ctx: Ctx) {
    return org.parentId ? ((await ctx.loaders.organization.load(org.parentId)) ?? null) : null;
  }

  @FieldResolver(() => [OrganizationType])
  children(@Root() org: OrganizationEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.children.load(org.id);
  }

  @FieldResolver(() => [SigningKeyType], { description: 'Visible to the organisation\'s own ADMIN and coordinator ADMINs; empty otherwise.' })
  signingKeys(@Root() org: OrganizationEntity, @Ctx() ctx: Ctx) {
    return this.orgs.keysOf(ctx.principal, org.id);
  }
}

@Resolver(() => PrincipalType)
export class PrincipalResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() me: PrincipalType, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(me.organizationId);
  }
}
