import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { PageArgs } from '../common/pagination';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { SharedObjectResolver } from '../organizations/shared-object.resolver';
import type { AssetRangeService } from './asset-range.service';
import type { IndicatorEntity } from './indicator.entity';
import type { IndicatorService } from './indicator.service';
import type { IntelLoaders } from './intel.loaders';
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
  @Field(() => [String], { nullable: true, description: 'Defaults to the caller\'s approved asset ranges; only a coordinator may pass ranges outside its approved ones.' })
  ranges?: string[] | null;
}

type Ctx = RequestContext<IntelLoaders & OrganizationLoaders>;

@Resolver(() => IndicatorType)
export class IndicatorResolver extends SharedObjectResolver(IndicatorType) {
  constructor(
    private readonly indicatorService: IndicatorService,
    private readonly assetRangeService: AssetRangeService,
  ) {
    super();
  }

  @Requires('read')
  @Query(() => IndicatorType, { nullable: true, description: 'Null when missing or not shared with the caller.' })
  indicator(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.indicatorService.byId(ctx.principal, id);
  }

  @Requires('read')
  @Query(() => IndicatorConnection, { description: 'Newest first. Revoked indicators only with filter.includeRevoked.' })
  async indicators(@Args(() => IndicatorsArgs) args: IndicatorsArgs, @Ctx() ctx: Ctx) {
    return IndicatorConnection.from(await this.indicatorService.list(ctx.principal, args.filter, args));
  }

  @Requires('read')
  @Query(() => IndicatorConnection, { description: 'IP and CIDR indicators the caller may read that overlap its APPROVED asset ranges (or `ranges`).' })
  async exposure(@Args(() => ExposureArgs) args: ExposureArgs, @Ctx() ctx: Ctx) {
    return IndicatorConnection.from(await this.assetRangeService.exposure(ctx.principal, args.ranges, args));
  }

  @Requires('indicator.submit')
  @Mutation(() => SubmitIndicatorsPayload, {
    description: 'Up to 5,000 items. Bad items are reported by index and the rest stored, unless atomic is true.',
  })
  submitIndicators(
    @Arg('input', () => [IndicatorInput]) input: IndicatorInput[],
    @Arg('atomic', () => Boolean, { defaultValue: false, description: 'Store nothing if any item is rejected.' }) atomic: boolean,
    @Ctx() ctx: Ctx,
  ) {
    return this.indicatorService.submit(ctx.principal, input, { atomic });
  }

  @Requires('indicator.revoke')
  @Mutation(() => IndicatorType, { description: 'Only the organisation that posted it.' })
  revokeIndicator(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Ctx) {
    return this.indicatorService.revoke(ctx.principal, id, reason);
  }

  @FieldResolver(() => ObservableType_)
  observable(@Root() row: IndicatorEntity, @Ctx() ctx: Ctx) {
    return row.observable ?? ctx.loaders.observable.load(row.observableId);
  }
}

