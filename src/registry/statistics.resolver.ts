import { Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Requires } from '../auth/roles';
import { StatisticsGrouping } from '../common/enums';
import { OrganizationType } from '../organizations/organization.types';
import type { StatisticsHub } from './statistics.hub';
import type { StatisticsResult, StatisticsService } from './statistics.service';
import { RegistryStatisticsType, StatisticsGroupType } from './statistics.types';
import type { RegistryContext } from './system.resolver';

type Ctx = RegistryContext;
/** A subscription's context also carries this process's live-statistics hub. */
export type StatisticsContext = RegistryContext & { statisticsHub: StatisticsHub };

@ArgsType()
class StatisticsArgs {
  @Field(() => String, { nullable: true, description: "An organisation code: its subtree, counted over what the caller may read. Default: the caller's own subtree (everything for a coordinator)." })
  organization?: string | null;

  @Field(() => StatisticsGrouping, { nullable: true, description: 'Default NONE.' })
  groupBy?: StatisticsGrouping | null;
}

function subscribe({ args, context }: SubscribeResolverData<unknown, StatisticsArgs, StatisticsContext>): Promise<AsyncIterable<StatisticsResult>> {
  return context.statisticsHub.stream(context.principal, args);
}

@Resolver(() => RegistryStatisticsType)
export class StatisticsResolver {
  constructor(private readonly service: StatisticsService) {}

  @Requires('read')
  @Query(() => RegistryStatisticsType, { description: 'Registry, incident and exposure figures over what the caller may read.' })
  statistics(@Args(() => StatisticsArgs) args: StatisticsArgs, @Ctx() ctx: Ctx) {
    return this.service.statistics(ctx.principal, args);
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: 'The organisation asked for; null for the caller\'s whole scope.' })
  organization(@Root() r: StatisticsResult, @Ctx() ctx: Ctx) {
    return r.organizationId ? ctx.loaders.organization.load(r.organizationId) : null;
  }
}

@Resolver(() => RegistryStatisticsType)
export class StatisticsSubscriptionResolver {
  @Requires('read')
  @Subscription(() => RegistryStatisticsType, {
    subscribe,
    description: 'The same figures as the query: first the current ones, then again whenever they change (at most about once a second).',
  })
  statistics(@Root() event: StatisticsResult, @Args(() => StatisticsArgs) _args: StatisticsArgs): StatisticsResult {
    return event;
  }
}

@Resolver(() => StatisticsGroupType)
export class StatisticsGroupResolver {
  @FieldResolver(() => OrganizationType, { nullable: true, description: 'Grouped by organisation: the organisation.' })
  organization(@Root() g: { organizationId: string | null }, @Ctx() ctx: Ctx) {
    return g.organizationId ? ctx.loaders.organization.load(g.organizationId) : null;
  }
}
