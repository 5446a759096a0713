import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { ObservableType, Role } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { SharedObjectResolver } from '../common/shared.resolver';
import type { Context } from '../context';
import { OrganizationType } from '../organizations/organization.types';
import {
  AssetRangeType,
  IndicatorConnection,
  ObservableStatsType,
  ObservableType_,
  ReportSightingsPayload,
  SightingConnection,
  SightingInput,
  SightingType,
} from './intel.types';
import type { ObservableEntity } from './observable.entity';
import type { SightingEntity } from './sighting.entity';

@Resolver(() => ObservableType_)
export class ObservableResolver {
  @Requires(Role.VIEWER)
  @Query(() => ObservableType_, {
    nullable: true,
    description: 'The value is normalised first. Null unless an indicator or sighting the caller may read refers to it.',
  })
  observable(@Arg('type', () => ObservableType) type: ObservableType, @Arg('value', () => String) value: string, @Ctx() ctx: Context) {
    return ctx.services.observables.lookup(ctx.principal, type, value);
  }

  @FieldResolver(() => IndicatorConnection, { description: 'The visible, unrevoked indicators about it.' })
  async indicators(@Root() o: ObservableEntity, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return IndicatorConnection.from(await ctx.services.indicators.list(ctx.principal, { observableId: o.id }, args));
  }

  @FieldResolver(() => SightingConnection, { description: 'The visible sightings of it.' })
  async sightings(@Root() o: ObservableEntity, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return SightingConnection.from(await ctx.services.sightings.list(ctx.principal, { observableId: o.id }, args));
  }

  @FieldResolver(() => ObservableStatsType)
  stats(@Root() o: ObservableEntity, @Ctx() ctx: Context) {
    return ctx.loaders.observableStats.load(o.id);
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations with a visible, unrevoked indicator about it.' })
  async reporters(@Root() o: ObservableEntity, @Ctx() ctx: Context) {
    const stats = await ctx.loaders.observableStats.load(o.id);
    const orgs = await Promise.all((stats?.reporterIds ?? []).map((id) => ctx.loaders.organization.load(id)));
    return orgs.filter((x) => x !== undefined).sort((a, b) => a.code.localeCompare(b.code));
  }
}

@Resolver(() => SightingType)
export class SightingResolver extends SharedObjectResolver(SightingType) {
  @Requires(Role.REPORTER)
  @Mutation(() => ReportSightingsPayload, { description: 'Up to 5,000 items; bad items are reported by index, the rest stored.' })
  reportSightings(@Arg('input', () => [SightingInput]) input: SightingInput[], @Ctx() ctx: Context) {
    return ctx.services.sightings.report(ctx.principal, input);
  }

  @FieldResolver(() => ObservableType_)
  observable(@Root() row: SightingEntity, @Ctx() ctx: Context) {
    return row.observable ?? ctx.loaders.observable.load(row.observableId);
  }
}

@Resolver(() => AssetRangeType)
export class AssetRangeResolver {
  @Requires(Role.VIEWER)
  @Query(() => [AssetRangeType], { description: 'The caller\'s organisation\'s asset ranges.' })
  assetRanges(@Ctx() ctx: Context) {
    return ctx.services.assetRanges.list(ctx.principal);
  }

  @Requires(Role.REPORTER)
  @Mutation(() => [AssetRangeType], { description: 'Replaces the caller\'s organisation\'s asset ranges (CIDR blocks or single addresses).' })
  setAssetRanges(@Arg('ranges', () => [String]) ranges: string[], @Ctx() ctx: Context) {
    return ctx.services.assetRanges.replace(ctx.principal, ranges);
  }
}
