import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { InspectionKind, InspectionStatus } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { OrganizationType } from '../organizations/organization.types';
import type { InspectionEntity, InspectionFindingEntity } from './inspection.entity';
import { inspectionStatusOf, type InspectionService } from './inspection.service';
import { InspectionConnection, InspectionFilter, InspectionFindingInput, InspectionFindingType, InspectionType } from './inspection.types';
import { RequirementType } from './requirement.types';
import type { RegistryContext } from './system.resolver';
import { InformationSystemType } from './system.types';

type Ctx = RegistryContext;

@ArgsType()
class InspectionsArgs extends PageArgs {
  @Field(() => InspectionFilter, { nullable: true })
  filter?: InspectionFilter | null;
}

@Resolver(() => InspectionType)
export class InspectionResolver {
  constructor(private readonly service: InspectionService) {}

  @Requires('read')
  @Query(() => InspectionConnection, { description: 'Newest first.' })
  async inspections(@Args(() => InspectionsArgs) args: InspectionsArgs, @Ctx() ctx: Ctx) {
    return InspectionConnection.from(await this.service.list(ctx.principal, args.filter, args));
  }

  @Requires('read')
  @Query(() => InspectionType, { nullable: true })
  inspection(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.service.byId(ctx.principal, id);
  }

  @Requires('inspection.schedule')
  @Mutation(() => InspectionType, { description: 'The competent reviewer schedules an inspection or annual evaluation of an approved system.' })
  scheduleInspection(
    @Arg('systemId', () => ID) systemId: string,
    @Arg('due', () => Date) due: Date,
    @Arg('kind', () => InspectionKind, { nullable: true, description: 'Default INSPECTION.' }) kind: InspectionKind | null,
    @Arg('notes', () => String, { nullable: true }) notes: string | null,
    @Ctx() ctx: Ctx,
  ) {
    return this.service.schedule(ctx.principal, systemId, due, kind, notes);
  }

  @Requires('inspection.record')
  @Mutation(() => InspectionType, { description: "Completes a scheduled inspection; each finding sets the system's checklist line (source INSPECTION)." })
  recordInspection(
    @Arg('id', () => ID) id: string,
    @Arg('findings', () => [InspectionFindingInput]) findings: InspectionFindingInput[],
    @Arg('summary', () => String, { nullable: true }) summary: string | null,
    @Ctx() ctx: Ctx,
  ) {
    return this.service.record(ctx.principal, id, findings, summary);
  }

  @Requires('inspection.cancel')
  @Mutation(() => InspectionType)
  cancelInspection(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Ctx) {
    return this.service.cancel(ctx.principal, id, reason);
  }

  @FieldResolver(() => InspectionStatus, { description: 'OVERDUE: scheduled and past its due date.' })
  status(@Root() row: InspectionEntity) {
    return inspectionStatusOf(row);
  }

  @FieldResolver(() => InformationSystemType)
  system(@Root() row: InspectionEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.informationSystem.load(row.systemId);
  }

  @FieldResolver(() => OrganizationType)
  owner(@Root() row: InspectionEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(row.ownerId);
  }

  @FieldResolver(() => OrganizationType)
  scheduledByOrganization(@Root() row: InspectionEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(row.scheduledByOrgId);
  }

  @FieldResolver(() => [InspectionFindingType])
  findings(@Root() row: InspectionEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.inspectionFindings.load(row.id);
  }
}

@Resolver(() => InspectionFindingType)
export class InspectionFindingResolver {
  @FieldResolver(() => RequirementType)
  requirement(@Root() f: InspectionFindingEntity, @Ctx() ctx: Ctx) {
    return f.requirement ?? ctx.loaders.requirement.load(f.requirementId);
  }
}
