import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { PageArgs } from '../common/pagination';
import { ObservableType_ } from '../intel/intel.types';
import type { OrganizationEntity } from '../organizations/organization.entity';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { SharedObjectResolver } from '../organizations/shared-object.resolver';
import type { AdvisoryEntity } from './advisory.entity';
import type { AdvisoryLoaders } from './advisory.loaders';
import type { AdvisoryService } from './advisory.service';
import {
  AdvisoryAudienceType,
  AdvisoryConnection,
  AdvisoryFilter,
  AdvisoryInput,
  AdvisoryRevisionInput,
  AdvisoryType,
} from './advisory.types';

@ArgsType()
class AdvisoriesArgs extends PageArgs {
  @Field(() => AdvisoryFilter, { nullable: true })
  filter?: AdvisoryFilter | null;
}

type Ctx = RequestContext<AdvisoryLoaders & OrganizationLoaders>;

@Resolver(() => AdvisoryType)
export class AdvisoryResolver extends SharedObjectResolver(AdvisoryType) {
  constructor(private readonly service: AdvisoryService) {
    super();
  }

  @Requires('read')
  @Query(() => AdvisoryType, { nullable: true, description: 'Null when missing or not visible to the caller.' })
  advisory(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.service.byId(ctx.principal, id);
  }

  @Requires('read')
  @Query(() => AdvisoryConnection, { description: 'Newest first. Drafts only to their author organisation, its ancestors and coordinators.' })
  async advisories(@Args(() => AdvisoriesArgs) args: AdvisoriesArgs, @Ctx() ctx: Ctx) {
    return AdvisoryConnection.from(await this.service.list(ctx.principal, args.filter, args));
  }

  @Requires('advisory.create')
  @Mutation(() => AdvisoryType, { description: 'A DRAFT by the caller\'s organisation.' })
  createAdvisory(@Arg('input', () => AdvisoryInput) input: AdvisoryInput, @Ctx() ctx: Ctx) {
    return this.service.create(ctx.principal, input);
  }

  @Requires('advisory.publish')
  @Mutation(() => AdvisoryType, { description: 'DRAFT to PUBLISHED; a coordinator organisation\'s ANALYST only.' })
  publishAdvisory(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.service.publish(ctx.principal, id);
  }

  @Requires('advisory.revise')
  @Mutation(() => AdvisoryType, {
    description: 'A draft: its author organisation or a coordinator\'s ANALYST. A published advisory: a coordinator\'s ANALYST, and the revision goes up by one.',
  })
  reviseAdvisory(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AdvisoryRevisionInput) input: AdvisoryRevisionInput,
    @Ctx() ctx: Ctx,
  ) {
    return this.service.revise(ctx.principal, id, input);
  }

  @Requires('advisory.withdraw')
  @Mutation(() => AdvisoryType, { description: 'PUBLISHED to WITHDRAWN; a coordinator\'s or the author organisation\'s ANALYST.' })
  withdrawAdvisory(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Ctx) {
    return this.service.withdraw(ctx.principal, id, reason);
  }

  @FieldResolver(() => AdvisoryAudienceType)
  async audience(@Root() row: AdvisoryEntity, @Ctx() ctx: Ctx): Promise<Omit<AdvisoryAudienceType, 'organizations'> & { organizations: OrganizationEntity[] }> {
    const orgs = await ctx.loaders.organization.loadMany(row.audienceOrgIds);
    return {
      everyone: row.audienceEveryone,
      sectors: row.audienceSectors,
      regions: row.audienceRegions,
      organizations: orgs.filter((o): o is OrganizationEntity => !!o && !(o instanceof Error)),
    };
  }

  @FieldResolver(() => [ObservableType_], { description: 'Linked observables, ordered by type and value.' })
  async observables(@Root() row: AdvisoryEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.advisoryObservables.load(row.id);
  }
}
