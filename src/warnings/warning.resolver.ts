import { Args, ArgsType, Ctx, Field, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Requires } from '../auth/roles';
import { Role } from '../common/enums';
import { decodeCursor, PageArgs } from '../common/pagination';
import { SharedObjectResolver } from '../common/shared.resolver';
import type { Context } from '../context';
import { CloseCode } from '../ws-close-codes';
import { checkFilter } from './warning.service';
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

function subscribe({ args, context }: SubscribeResolverData<unknown, WarningStreamArgs, Context>): AsyncIterable<WarningEvent> {
  const filter = checkFilter(args.filter);
  const afterSeq = decodeCursor(args.after);
  return context.services.warningHub.stream(context.principal, filter, {
    afterSeq,
    onOverflow: () => context.connection?.close(CloseCode.SlowConsumer, 'Too far behind: reconnect and resume with after'),
  });
}

@Resolver(() => WarningType)
export class WarningResolver extends SharedObjectResolver(WarningType) {
  @Requires(Role.VIEWER)
  @Query(() => WarningConnection, { description: 'The warning log, newest first: the same entries the subscription delivers.' })
  async warnings(@Args(() => WarningsArgs) args: WarningsArgs, @Ctx() ctx: Context) {
    return WarningConnection.from(await ctx.services.warnings.list(ctx.principal, args.filter, args));
  }
}

@Resolver(() => WarningEvent)
export class WarningSubscriptionResolver {
  @Requires(Role.VIEWER)
  @Subscription(() => WarningEvent, { subscribe, description: 'Live warnings, in order, each once; resume with `after`.' })
  warnings(@Root() event: WarningEvent, @Args(() => WarningStreamArgs) _args: WarningStreamArgs): WarningEvent {
    return event;
  }
}
