import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { ApprovalStatus, SystemLifecycle } from '../common/enums';
import { PageArgs } from '../common/pagination';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { OrganizationType } from '../organizations/organization.types';
import type { DossierQueryService } from './dossier-query.service';
import { SafetyDossierConnection, SafetyDossierType } from './dossier.types';
import { InspectionType } from './inspection.types';
import type { RegistryLoaders } from './registry.loaders';
import { approvalStatusOf, validApprovedLevel } from './registry.shared';
import { RequirementStatusType } from './requirement.types';
import type { InformationSystemEntity } from './system.entity';
import type { InformationSystemService } from './system.service';
import {
  InformationSystemConnection,
  InformationSystemFilter,
  InformationSystemInput,
  InformationSystemType,
  InformationSystemUpdateInput,
  SystemRangeType,
} from './system.types';

@ArgsType()
class SystemsArgs extends PageArgs {
  @Field(() => InformationSystemFilter, { nullable: true })
  filter?: InformationSystemFilter | null;
}

export type RegistryContext = RequestContext<RegistryLoaders & OrganizationLoaders>;
type Ctx = RegistryContext;

@Resolver(() => InformationSystemType)
export class InformationSystemResolver {
  constructor(
    private readonly systems: InformationSystemService,
    private readonly dossierQueries: DossierQueryService,
  ) {}

  @Requires('read')
  @Query(() => InformationSystemConnection, { description: 'Newest first: the systems of the caller, of the organisations below it, and all for a coordinator.' })
  async informationSystems(@Args(() => SystemsArgs) args: SystemsArgs, @Ctx() ctx: Ctx) {
    return InformationSystemConnection.from(await this.systems.list(ctx.principal, args.filter, args));
  }

  @Requires('read')
  @Query(() => InformationSystemType, { nullable: true, description: 'Null when missing or not the caller\'s to read.' })
  informationSystem(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.systems.byId(ctx.principal, id);
  }

  @Requires('system.register')
  @Mutation(() => InformationSystemType, { description: "A system of the caller's organisation (REPORTER and above)." })
  registerInformationSystem(@Arg('input', () => InformationSystemInput) input: InformationSystemInput, @Ctx() ctx: Ctx) {
    return this.systems.register(ctx.principal, input);
  }

  @Requires('system.update')
  @Mutation(() => InformationSystemType, { description: 'The owner organisation only.' })
  updateInformationSystem(@Arg('id', () => ID) id: string, @Arg('input', () => InformationSystemUpdateInput) input: InformationSystemUpdateInput, @Ctx() ctx: Ctx) {
    return this.systems.update(ctx.principal, id, input);
  }

  @FieldResolver(() => OrganizationType)
  owner(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(row.ownerId);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'The approved level while the approval is valid; null otherwise.' })
  approvedLevel(@Root() row: InformationSystemEntity) {
    return validApprovedLevel(row);
  }

  @FieldResolver(() => ApprovalStatus, { description: 'Computed now from the approval\'s validity and the open dossier.' })
  status(@Root() row: InformationSystemEntity) {
    return approvalStatusOf(row);
  }

  @FieldResolver(() => Int, { description: 'The level whose requirements apply: the proposed or the valid approved level, whichever is higher.' })
  requiredLevel(@Root() row: InformationSystemEntity) {
    return Math.max(row.proposedLevel, validApprovedLevel(row) ?? 0);
  }

  @FieldResolver(() => [SystemRangeType])
  ranges(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.systemRanges.load(row.id);
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: "Who reviews its dossiers and inspects it: the owner's parent; null when a coordinator does." })
  async competentReviewer(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    const owner = await ctx.loaders.organization.load(row.ownerId);
    return owner?.parentId ? ctx.loaders.organization.load(owner.parentId) : null;
  }

  @FieldResolver(() => [RequirementStatusType], { description: 'The requirements of its required level, by level and code.' })
  checklist(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.checklist.load(row.id);
  }

  @FieldResolver(() => [RequirementStatusType], { description: 'The checklist lines not met (none for a retired system).' })
  async unmetRequirements(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    if (row.lifecycle === SystemLifecycle.RETIRED) return [];
    return (await ctx.loaders.checklist.load(row.id)).filter((l) => !l.met);
  }

  @FieldResolver(() => SafetyDossierType, { nullable: true, description: 'The open dossier, else the last approved one.' })
  currentDossier(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.currentDossier.load(row.id);
  }

  @FieldResolver(() => SafetyDossierConnection, { description: 'Every dossier of the system, newest first.' })
  async dossiers(@Root() row: InformationSystemEntity, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Ctx) {
    return SafetyDossierConnection.from(await this.dossierQueries.list(ctx.principal, { systemId: row.id }, args));
  }

  @FieldResolver(() => [InspectionType], { description: 'Newest first.' })
  inspections(@Root() row: InformationSystemEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.systemInspections.load(row.id);
  }
}
