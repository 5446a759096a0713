import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { ObservableType } from '../common/enums';
import { selectedFieldArgs } from '../common/lookahead';
import { PageArgs, validPageSize } from '../common/pagination';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { OrganizationType } from '../organizations/organization.types';
import { SharedObjectResolver } from '../organizations/shared-object.resolver';
import type { IndicatorService } from './indicator.service';
import type { IntelLoaders } from './intel.loaders';
import {
  IndicatorConnection,
  ObservableStatsType,
  ObservableType_,
  ReportSightingsPayload,
  SightingConnection,
  SightingInput,
  SightingType,
} from './intel.types';
import type { ObservableEntity } from './observable.entity';
import type { ObservableService } from './observable.service';
import type { SightingEntity } from './sighting.entity';
import type { SightingService } from './sighting.service';

type Ctx = RequestContext<IntelLoaders & OrganizationLoaders>;

@Resolver(() => ObservableType_)
export class ObservableResolver {
  constructor(
    private readonly observableService: ObservableService,
    private readonly indicatorService: IndicatorService,
    private readonly sightingService: SightingService,
  ) {}

  @Requires('read')
  @Query(() => ObservableType_, {
    nullable: true,
    description: 'The value is normalised first. Null unless an indicator or sighting the caller may read refers to it.',
  })
  async observable(
    @Arg('type', () => ObservableType) type: ObservableType,
    @Arg('value', () => String) value: string,
    @Ctx() ctx: Ctx,
    @Info() info: GraphQLResolveInfo,
  ) {
    // A look-up usually wants the first page of its indicators: read it in the same statement when the query asks for it.
    const wanted = selectedFieldArgs(info, 'indicators');
    const head = wanted && wanted.after == null && validPageSize(wanted.first);
    const found = await this.observableService.lookup(ctx.principal, type, value, { head: head || undefined });
    if (!found) return null;
    // Its statistics came with it: `stats` and `reporters` read them from the loader instead of asking again.
    ctx.loaders.observableStats.prime(found.observable.id, found.stats);
    if (head && found.head) ctx.loaders.indicatorHeads.set(`${found.observable.id}:${head}`, found.head);
    return found.observable;
  }

  @FieldResolver(() => IndicatorConnection, { description: 'The visible, unrevoked indicators about it.' })
  async indicators(@Root() o: ObservableEntity, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Ctx) {
    const first = args.after == null && validPageSize(args.first);
    const head = first && ctx.loaders.indicatorHeads.get(`${o.id}:${first}`);
    if (head) return IndicatorConnection.from(this.indicatorService.headPage(ctx.principal, o.id, head, first));
    return IndicatorConnection.from(await this.indicatorService.list(ctx.principal, { observableId: o.id }, args));
  }

  @FieldResolver(() => SightingConnection, { description: 'The visible sightings of it.' })
  async sightings(@Root() o: ObservableEntity, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Ctx) {
    return SightingConnection.from(await this.sightingService.list(ctx.principal, { observableId: o.id }, args));
  }

  @FieldResolver(() => ObservableStatsType)
  stats(@Root() o: ObservableEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.observableStats.load(o.id);
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations with a visible, unrevoked indicator about it.' })
  async reporters(@Root() o: ObservableEntity, @Ctx() ctx: Ctx) {
    const stats = await ctx.loaders.observableStats.load(o.id);
    const orgs = await Promise.all((stats?.reporterIds ?? []).map((id) => ctx.loaders.organization.load(id)));
    return orgs.filter((x) => x !== undefined).sort((a, b) => a.code.localeCompare(b.code));
  }
}

@Resolver(() => SightingType)
export class SightingResolver extends SharedObjectResolver(SightingType) {
  constructor(private readonly sightingService: SightingService) {
    super();
  }

  @Requires('sighting.report')
  @Mutation(() => ReportSightingsPayload, { description: 'Up to 5,000 items; bad items are reported by index, the rest stored.' })
  reportSightings(@Arg('input', () => [SightingInput]) input: SightingInput[], @Ctx() ctx: Ctx) {
    return this.sightingService.report(ctx.principal, input);
  }

  @FieldResolver(() => ObservableType_)
  observable(@Root() row: SightingEntity, @Ctx() ctx: Ctx) {
    return row.observable ?? ctx.loaders.observable.load(row.observableId);
  }
}
