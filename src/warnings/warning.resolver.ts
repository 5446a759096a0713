import { Args, ArgsType, Ctx, Field, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { decodeCursor } from '../common/cursor';
import { PageArgs } from '../common/pagination';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { SharedObjectResolver } from '../organizations/shared-object.resolver';
import { WARNING_CURSORS, type WarningEvent as LiveEvent, type WarningHub } from './warning.hub';
import { checkFilter, type WarningService } from './warning.service';
import { WarningConnection, WarningEvent, WarningFilter, WarningType } from './warning.types';

@ArgsType()
class WarningsArgs extends PageArgs {
  @Field(() => WarningFilter, { nullable: true })
  filter?: WarningFilter | null;
}

@ArgsType()
class WarningStreamArgs {
  @Field(() => WarningFilter, { nullable: true })
  filter?: WarningFilter | null;

  @Field(() => String, { nullable: true, description: 'A cursor from an earlier event: replay everything readable since, then continue live.' })
  after?: string | null;
}

/** A subscription's context also carries this process's delivery hub (subscribe functions are not resolver methods). */
export type WarningContext = RequestContext<OrganizationLoaders> & { warningHub: WarningHub };

function subscribe({ args, context }: SubscribeResolverData<unknown, WarningStreamArgs, WarningContext>): AsyncIterable<LiveEvent> {
  return context.warningHub.stream(context.principal, checkFilter(args.filter), decodeCursor(WARNING_CURSORS, args.after));
}

@Resolver(() => WarningType)
export class WarningResolver extends SharedObjectResolver(WarningType) {
  constructor(private readonly log: WarningService) {
    super();
  }

  @Requires('read')
  @Query(() => WarningConnection, { description: 'The warning log, newest first: the same entries the subscription delivers.' })
  async warnings(@Args(() => WarningsArgs) args: WarningsArgs, @Ctx() ctx: WarningContext) {
    return WarningConnection.from(await this.log.list(ctx.principal, args.filter, args));
  }
}

@Resolver(() => WarningEvent)
export class WarningSubscriptionResolver {
  @Requires('read')
  @Subscription(() => WarningEvent, { subscribe, description: 'Live warnings, in order, each once; resume with `after`.' })
  warnings(@Root() event: WarningEvent, @Args(() => WarningStreamArgs) _args: WarningStreamArgs): WarningEvent {
    return event;
  }
}
