import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { PageArgs } from '../common/pagination';
import { OrganizationType } from '../organizations/organization.types';
import type { SystemRequirementEntity } from './requirement.entity';
import type { RequirementService } from './requirement.service';
import {
  RequirementInput,
  RequirementStatusConnection,
  RequirementStatusInput,
  RequirementStatusType,
  RequirementType,
  RequirementUpdateInput,
} from './requirement.types';
import type { RegistryContext } from './system.resolver';
import { InformationSystemType } from './system.types';

type Ctx = RegistryContext;

@ArgsType()
class UnmetArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'An organisation code; default: everything the caller may read.' })
  organization?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'With the organisations below it (default true).' })
  includeDescendants?: boolean | null;
}

@Resolver(() => RequirementType)
export class RequirementResolver {
  constructor(private readonly service: RequirementService) {}

  @Requires('read')
  @Query(() => [RequirementType], { description: 'The active catalogue, or the requirements that apply at `level` (levels are cumulative); by level and code.' })
  requirements(@Arg('level', () => Int, { nullable: true }) level: number | null, @Ctx() ctx: Ctx) {
    return this.service.catalogue(ctx.principal, level);
  }

  @Requires('read')
  @Query(() => RequirementStatusConnection, {
    description: 'Requirements not met by systems in operation that the caller may read: of one organisation (and those below it), or all.',
  })
  async unmetRequirements(@Args(() => UnmetArgs) args: UnmetArgs, @Ctx() ctx: Ctx) {
    return RequirementStatusConnection.from(await this.service.unmet(ctx.principal, args, args));
  }

  @Requires('requirement.record')
  @Mutation(() => InformationSystemType, { description: "Marks requirements of a system's checklist met or not: the owner (REPORTER), or the competent reviewer (ANALYST)." })
  recordRequirementStatus(
    @Arg('systemId', () => ID) systemId: string,
    @Arg('items', () => [RequirementStatusInput]) items: RequirementStatusInput[],
    @Ctx() ctx: Ctx,
  ) {
    return this.service.record(ctx.principal, systemId, items);
  }

  @Requires('requirement.manage')
  @Mutation(() => RequirementType, { description: "Coordinator ANALYST: adds a requirement to every checklist of its level and above." })
  createRequirement(@Arg('input', () => RequirementInput) input: RequirementInput, @Ctx() ctx: Ctx) {
    return this.service.create(ctx.principal, input);
  }

  @Requires('requirement.manage')
  @Mutation(() => RequirementType, { description: 'Coordinator ANALYST.' })
  updateRequirement(@Arg('id', () => ID) id: string, @Arg('input', () => RequirementUpdateInput) input: RequirementUpdateInput, @Ctx() ctx: Ctx) {
    return this.service.update(ctx.principal, id, input);
  }
}

@Resolver(() => RequirementStatusType)
export class RequirementStatusResolver {
  @FieldResolver(() => InformationSystemType)
  system(@Root() row: SystemRequirementEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.informationSystem.load(row.systemId);
  }

  @FieldResolver(() => RequirementType)
  requirement(@Root() row: SystemRequirementEntity, @Ctx() ctx: Ctx) {
    return row.requirement ?? ctx.loaders.requirement.load(row.requirementId);
  }

  @FieldResolver(() => OrganizationType, { nullable: true })
  assessedByOrganization(@Root() row: SystemRequirementEntity, @Ctx() ctx: Ctx) {
    return row.assessedByOrgId ? ctx.loaders.organization.load(row.assessedByOrgId) : null;
  }
}
