import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../auth/roles';
import { OrgKind } from '../common/enums';
import { PageArgs } from '../common/pagination';
import { OrganizationType } from '../organizations/organization.types';
import type { RankingEntryRecord, RankingSnapshotEntity } from './ranking.entity';
import type { RankingService } from './ranking.service';
import {
  RankingAudienceType,
  RankingEntryConnection,
  RankingEntryType,
  RankingPublicationInput,
  RankingSnapshotConnection,
  RankingSnapshotType,
} from './ranking.types';
import type { RegistryContext } from './system.resolver';

type Ctx = RegistryContext;

@ArgsType()
class RankingArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: "Rank within this organisation's subtree (default: the caller's scope)." })
  organization?: string | null;

  @Field(() => [OrgKind], { nullable: true, description: 'Rank only organisations of these kinds.' })
  kinds?: OrgKind[] | null;
}

@Resolver(() => RankingEntryType)
export class RankingResolver {
  constructor(private readonly service: RankingService) {}

  @Requires('read')
  @Query(() => RankingEntryConnection, { description: 'Organisations by score, best first, each over its own subtree, computed over what the caller may read.' })
  async ranking(@Args(() => RankingArgs) args: RankingArgs, @Ctx() ctx: Ctx) {
    return RankingEntryConnection.from(await this.service.ranking(ctx.principal, args, args));
  }

  @Requires('read')
  @Query(() => RankingSnapshotConnection, { description: 'Published rankings the caller is in the audience of, newest first.' })
  async rankingSnapshots(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Ctx) {
    return RankingSnapshotConnection.from(await this.service.snapshots(ctx.principal, args));
  }

  @Requires('read')
  @Query(() => RankingSnapshotType, { nullable: true })
  rankingSnapshot(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx) {
    return this.service.snapshot(ctx.principal, id);
  }

  @Requires('ranking.publish')
  @Mutation(() => RankingSnapshotType, { description: 'Coordinator ANALYST: freezes the current ranking and publishes it to an audience, with a RANKING_PUBLISHED warning.' })
  publishRanking(@Arg('input', () => RankingPublicationInput) input: RankingPublicationInput, @Ctx() ctx: Ctx) {
    return this.service.publish(ctx.principal, input);
  }

  @FieldResolver(() => OrganizationType)
  organization(@Root() e: RankingEntryRecord, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(e.organizationId);
  }
}

@Resolver(() => RankingSnapshotType)
export class RankingSnapshotResolver {
  @FieldResolver(() => OrganizationType)
  author(@Root() s: RankingSnapshotEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(s.authorId);
  }

  @FieldResolver(() => RankingAudienceType)
  audience(@Root() s: RankingSnapshotEntity): RankingAudienceType {
    return { everyone: s.audienceEveryone, sectors: s.audienceSectors, regions: s.audienceRegions, namedOrgIds: s.audienceNamedOrgIds };
  }

  @FieldResolver(() => [RankingEntryType], { description: 'As computed when published.' })
  entries(@Root() s: RankingSnapshotEntity) {
    return s.entries.map((e, i) => ({ ...e, seq: String(i + 1), figures: null }));
  }
}

@Resolver(() => RankingAudienceType)
export class RankingAudienceResolver {
  @FieldResolver(() => [OrganizationType], { description: 'The organisations named.' })
  async organizations(@Root() a: RankingAudienceType, @Ctx() ctx: Ctx) {
    return (await ctx.loaders.organization.loadMany(a.namedOrgIds)).filter((o) => o && !(o instanceof Error));
  }
}
