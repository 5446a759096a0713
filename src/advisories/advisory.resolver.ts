import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { BatchLoader } from '../common/batch-loader';
import { Role } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { SharedObjectResolver } from '../common/shared.resolver';
import type { Context } from '../context';
import { ObservableType_ } from '../intel/intel.types';
import type { ObservableEntity } from '../intel/observable.entity';
import type { OrganizationEntity } from '../organizations/organization.entity';
import type { AdvisoryEntity } from './advisory.entity';
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

// Per request, keyed by its context, so that a page of advisories loads its observables in one query.
const observableLoaders = new WeakMap<Context, BatchLoader<string, ObservableEntity[]>>();
function observablesLoader(ctx: Context): BatchLoader<string, ObservableEntity[]> {
  let loader = observableLoaders.get(ctx);
  if (!loader) {
    loader = new BatchLoader((ids) => ctx.services.advisories.observablesOf(ctx.principal, ids));
    observableLoaders.set(ctx, loader);
  }
  return loader;
}

@Resolver(() => AdvisoryType)
export class AdvisoryResolver extends SharedObjectResolver(AdvisoryType) {
  @Requires(Role.VIEWER)
  @Query(() => AdvisoryType, { nullable: true, description: 'Null when missing or not visible to the caller.' })
  advisory(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.advisories.byId(ctx.principal, id);
  }

  @Requires(Role.VIEWER)
  @Query(() => AdvisoryConnection, { description: 'Newest first. Drafts only to their author organisation, its ancestors and coordinators.' })
  async advisories(@Args(() => AdvisoriesArgs) args: AdvisoriesArgs, @Ctx() ctx: Context) {
    return AdvisoryConnection.from(await ctx.services.advisories.list(ctx.principal, args.filter, args));
  }

  @Requires(Role.CONTRIBUTOR)
  @Mutation(() => AdvisoryType, { description: 'A DRAFT by the caller\'s organisation.' })
  createAdvisory(@Arg('input', () => AdvisoryInput) input: AdvisoryInput, @Ctx() ctx: Context) {
    return ctx.services.advisories.create(ctx.principal, input);
  }

  @Requires(Role.ANALYST)
  @Mutation(() => AdvisoryType, { description: 'DRAFT to PUBLISHED; a coordinator organisation\'s ANALYST only.' })
  publishAdvisory(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.advisories.publish(ctx.principal, id);
  }

  @Requires(Role.CONTRIBUTOR)
  @Mutation(() => AdvisoryType, {
    description: 'A draft: its author organisation or a coordinator\'s ANALYST. A published advisory: a coordinator\'s ANALYST, and the revision goes up by one.',
  })
  reviseAdvisory(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AdvisoryRevisionInput) input: AdvisoryRevisionInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.advisories.revise(ctx.principal, id, input);
  }

  @Requires(Role.ANALYST)
  @Mutation(() => AdvisoryType, { description: 'PUBLISHED to WITHDRAWN; a coordinator\'s or the author organisation\'s ANALYST.' })
  withdrawAdvisory(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context) {
    return ctx.services.advisories.withdraw(ctx.principal, id, reason);
  }

  @FieldResolver(() => AdvisoryAudienceType)
  async audience(@Root() row: AdvisoryEntity, @Ctx() ctx: Context): Promise<Omit<AdvisoryAudienceType, 'organizations'> & { organizations: OrganizationEntity[] }> {
    const orgs = await Promise.all(row.audienceOrgIds.map((id) => ctx.loaders.organization.load(id)));
    return {
      everyone: row.audienceEveryone,
      sectors: row.audienceSectors,
      regions: row.audienceRegions,
      organizations: orgs.filter((o): o is OrganizationEntity => o !== undefined),
    };
  }

  @FieldResolver(() => [ObservableType_], { description: 'Linked observables, ordered by type and value.' })
  async observables(@Root() row: AdvisoryEntity, @Ctx() ctx: Context) {
    return (await observablesLoader(ctx).load(row.id)) ?? [];
  }
}
