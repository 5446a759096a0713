import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { IncidentStatus } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { ObservableType_ } from '../intel/intel.types';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { OrganizationType } from '../organizations/organization.types';
import { SharedObjectResolver } from '../organizations/shared-object.resolver';
import { nextStatuses } from './incident-status';
import type { IncidentEntity } from './incident.entity';
import type { IncidentLoaders } from './incident.loaders';
import type { IncidentService } from './incident.service';
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

type Ctx = RequestContext<IncidentLoaders & OrganizationLoaders>;

@Resolver(() => IncidentType)
export class IncidentResolver extends SharedObjectResolver(IncidentType) {
  constructor(private readonly service: IncidentService) {
    super();
  }

  @Requires('read')
  @Query(() => IncidentType, { nullable: true, description: 'Null when missing or not shared with the caller.' })
  incident(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.service.byId(ctx.principal, id);
  }

  @Requires('read')
  @Query(() => IncidentConnection, { description: 'Newest first.' })
  async incidents(@Args(() => IncidentsArgs) args: IncidentsArgs, @Ctx() ctx: Ctx) {
    return IncidentConnection.from(await this.service.list(ctx.principal, args.filter, args));
  }

  @Requires('incident.report')
  @Mutation(() => IncidentType, { description: 'TLP defaults to AMBER_STRICT (RED when the organisation\'s default TLP is RED).' })
  reportIncident(@Arg('input', () => IncidentInput) input: IncidentInput, @Ctx() ctx: Ctx) {
    return this.service.report(ctx.principal, input);
  }

  @Requires('incident.update')
  @Mutation(() => IncidentType, {
    description:
      'Triage, reopening and assignment: coordinator ANALYST. Notes and CONTAINED/RESOLVED/CLOSED: also the reporting organisation and those above it.',
  })
  updateIncident(@Arg('id', () => ID) id: string, @Arg('input', () => IncidentUpdateInput) input: IncidentUpdateInput, @Ctx() ctx: Ctx) {
    return this.service.update(ctx.principal, id, input);
  }

  @Requires('incident.share')
  @Mutation(() => IncidentType, { description: 'Adds recipients (organisation codes or sharing-group names). The reporting organisation or a coordinator ANALYST.' })
  shareIncident(@Arg('id', () => ID) id: string, @Arg('recipients', () => [String]) recipients: string[], @Ctx() ctx: Ctx) {
    return this.service.share(ctx.principal, id, recipients);
  }

  @FieldResolver(() => [IncidentStatus], { description: 'The statuses the life cycle allows next (whoever may set them).' })
  nextStatuses(@Root() row: IncidentEntity) {
    return nextStatuses(row.status);
  }

  @FieldResolver(() => [ObservableType_])
  async observables(@Root() row: IncidentEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.incidentObservables.load(row.id);
  }

  @FieldResolver(() => [IncidentEventType], { description: 'Oldest first.' })
  async timeline(@Root() row: IncidentEntity, @Ctx() ctx: Ctx): Promise<IncidentEventType[]> {
    const events = await ctx.loaders.incidentTimeline.load(row.id);
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
  actorOrganization(@Root() e: IncidentEventType, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(e.actorOrgId);
  }
}
