import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import type { OrganizationEntity } from './organization.entity';
import { OrganizationType } from './organization.types';
import type { RateLimitService } from './rate-limit.service';
import { OrganizationLimitsInput, OrganizationLimitsType } from './rate-limit.types';

@Resolver(() => OrganizationType)
export class OrganizationLimitsResolver {
  constructor(private readonly rateLimits: RateLimitService) {}

  @FieldResolver(() => OrganizationLimitsType, {
    nullable: true,
    description: 'The organisation\'s rate limits: visible to its own members and to coordinator organisations; null otherwise.',
  })
  limits(@Root() org: OrganizationEntity, @Ctx() ctx: RequestContext) {
    return this.rateLimits.limitsOf(ctx.principal, org);
  }

  @Requires('organizationLimits.set')
  @Mutation(() => OrganizationType, { description: 'Coordinator ADMIN only. Takes effect on the next operation, on every instance.' })
  setOrganizationLimits(
    @Arg('organization', () => String, { description: 'Organisation code.' }) organization: string,
    @Arg('limits', () => OrganizationLimitsInput) limits: OrganizationLimitsInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.rateLimits.setLimits(ctx.principal, organization, limits);
  }
}
