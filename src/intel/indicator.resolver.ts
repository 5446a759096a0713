import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { Role } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { SharedObjectResolver } from '../common/shared.resolver';
import type { Context } from '../context';
import type { IndicatorEntity } from './indicator.entity';
import {
  IndicatorConnection,
  IndicatorFilter,
  IndicatorInput,
  IndicatorType,
  ObservableType_,
  SubmitIndicatorsPayload,
} from './intel.types';

@ArgsType()
class IndicatorsArgs extends PageArgs {
  @Field(() => IndicatorFilter, { nullable: true })
  filter?: IndicatorFilter | null;
}

@ArgsType()
class ExposureArgs extends PageArgs {
  @Field(() => [String], { nullable: true, description: 'Defaults to the caller\'s asset ranges; only a coordinator may pass ranges outside its own.' })
  ranges?: string[] | null;
}

@Resolver(() => IndicatorType)
export class IndicatorResolver extends SharedObjectResolver(IndicatorType) {
  @Requires(Role.VIEWER)
  @Query(() => IndicatorType, { nullable: true, description: 'Null when missing or not shared with the caller.' })
  indicator(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.indicators.byId(ctx.principal, id);
  }

  @Requires(Role.VIEWER)
  @Query(() => IndicatorConnection, { description: 'Newest first. Revoked indicators only with filter.includeRevoked.' })
  async indicators(@Args(() => IndicatorsArgs) args: IndicatorsArgs, @Ctx() ctx: Context) {
    return IndicatorConnection.from(await ctx.services.indicators.list(ctx.principal, args.filter, args));
  }

  @Requires(Role.VIEWER)
  @Query(() => IndicatorConnection, { description: 'IP and CIDR indicators overlapping the caller\'s asset ranges (or `ranges`).' })
  async exposure(@Args(() => ExposureArgs) args: ExposureArgs, @Ctx() ctx: Context) {
    return IndicatorConnection.from(await ctx.services.assetRanges.exposure(ctx.principal, args.ranges, args));
  }

  @Requires(Role.CONTRIBUTOR)
  @Mutation(() => SubmitIndicatorsPayload, {
    description: 'Up to 5,000 items. Bad items are reported by index and the rest stored, unless atomic is true.',
  })
  submitIndicators(
    @Arg('input', () => [IndicatorInput]) input: IndicatorInput[],
    @Arg('atomic', () => Boolean, { defaultValue: false, description: 'Store nothing if any item is rejected.' }) atomic: boolean,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.indicators.submit(ctx.principal, input, { atomic });
  }

  @Requires(Role.CONTRIBUTOR)
  @Mutation(() => IndicatorType, { description: 'Only the organisation that posted it.' })
  revokeIndicator(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context) {
    return ctx.services.indicators.revoke(ctx.principal, id, reason);
  }

  @FieldResolver(() => ObservableType_)
  observable(@Root() row: IndicatorEntity, @Ctx() ctx: Context) {
    return row.observable ?? ctx.loaders.observable.load(row.observableId);
  }
}

