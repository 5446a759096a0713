import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { IncidentStatus, Role } from '../common/enums';
import { BatchLoader } from '../common/batch-loader';
import { PageArgs } from '../common/pagination';
import { SharedObjectResolver } from '../common/shared.resolver';
import type { Context } from '../context';
import { ObservableType_ } from '../intel/intel.types';
import type { ObservableEntity } from '../intel/observable.entity';
import { OrganizationType } from '../organizations/organization.types';
import { nextStatuses } from './incident-status';
import type { IncidentEntity, IncidentEventEntity } from './incident.entity';
import {
  IncidentConnection,
  IncidentEventType,
  IncidentFilter,
  IncidentInput,
  IncidentType,
  IncidentUpdateInput,
} from './incident.types';

@ArgsType()
class IncidentsArgs extends PageArgs {
  @Field(() => IncidentFilter, { nullable: true })
  filter?: IncidentFilter | null;
}

interface IncidentLoaders {
  observables: BatchLoader<string, ObservableEntity[]>;
  timeline: BatchLoader<string, IncidentEventEntity[]>;
}

/** Per-request loaders, keyed on the request's own loaders, so a page of incidents costs one query per nested list. */
const perRequest = new WeakMap<Context['loaders'], IncidentLoaders>();
function loadersFor(ctx: Context): IncidentLoaders {
  let l = perRequest.get(ctx.loaders);
  if (!l) {
    l = {
      observables: new BatchLoader((ids) => ctx.services.incidents.observablesOf(ctx.principal, ids)),
      timeline: new BatchLoader((ids) => ctx.services.incidents.timelinesOf(ctx.principal, ids)),
    };
    perRequest.set(ctx.loaders, l);
  }
  return l;
}

@Resolver(() => IncidentType)
export class IncidentResolver extends SharedObjectResolver(IncidentType) {
  @Requires(Role.VIEWER)
  @Query(() => IncidentType, { nullable: true, description: 'Null when missing or not shared with the caller.' })
  incident(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.incidents.byId(ctx.principal, id);
  }

  @Requires(Role.VIEWER)
  @Query(() => IncidentConnection, { description: 'Newest first.' })
  async incidents(@Args(() => IncidentsArgs) args: IncidentsArgs, @Ctx() ctx: Context) {
    return IncidentConnection.from(await ctx.services.incidents.list(ctx.principal, args.filter, args));
  }

  @Requires(Role.REPORTER)
  @Mutation(() => IncidentType, { description: 'TLP defaults to AMBER_STRICT.' })
  reportIncident(@Arg('input', () => IncidentInput) input: IncidentInput, @Ctx() ctx: Context) {
    return ctx.services.incidents.report(ctx.principal, input);
  }

  @Requires(Role.REPORTER)
  @Mutation(() => IncidentType, {
    description:
      'Triage, reopening and assignment: coordinator ANALYST. Notes and CONTAINED/RESOLVED/CLOSED: also the reporting organisation and those above it.',
  })
  updateIncident(@Arg('id', () => ID) id: string, @Arg('input', () => IncidentUpdateInput) input: IncidentUpdateInput, @Ctx() ctx: Context) {
    return ctx.services.incidents.update(ctx.principal, id, input);
  }

  @Requires(Role.REPORTER)
  @Mutation(() => IncidentType, { description: 'Adds recipients (organisation codes or sharing-group names). The reporting organisation or a coordinator ANALYST.' })
  shareIncident(@Arg('id', () => ID) id: string, @Arg('recipients', () => [String]) recipients: string[], @Ctx() ctx: Context) {
    return ctx.services.incidents.share(ctx.principal, id, recipients);
  }

  @FieldResolver(() => [IncidentStatus], { description: 'The statuses the life cycle allows next (whoever may set them).' })
  nextStatuses(@Root() row: IncidentEntity) {
    return nextStatuses(row.status);
  }

  @FieldResolver(() => [ObservableType_])
  async observables(@Root() row: IncidentEntity, @Ctx() ctx: Context) {
    return (await loadersFor(ctx).observables.load(row.id)) ?? [];
  }

  @FieldResolver(() => [IncidentEventType], { description: 'Oldest first.' })
  async timeline(@Root() row: IncidentEntity, @Ctx() ctx: Context): Promise<IncidentEventType[]> {
    const events = (await loadersFor(ctx).timeline.load(row.id)) ?? [];
    return events.map((e) => ({
      id: e.id,
      kind: e.kind,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
      at: e.createdAt,
      actorOrgId: e.actorOrgId,
      actorSubject: e.actorSub,
    }));
  }
}

@Resolver(() => IncidentEventType)
export class IncidentEventResolver {
  @FieldResolver(() => OrganizationType, { description: 'The organisation that made the change.' })
  actorOrganization(@Root() e: IncidentEventType, @Ctx() ctx: Context) {
    return ctx.loaders.organization.load(e.actorOrgId);
  }
}
