import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../auth/context';
import { Requires } from '../auth/roles';
import { PageArgs } from '../common/pagination';
import type { OrganizationLoaders } from '../organizations/organization.loaders';
import { OrganizationType } from '../organizations/organization.types';
import type { AssetRangeReviewService } from './asset-range-review.service';
import type { AssetRangeEntity } from './asset-range.entity';
import type { AssetRangeService } from './asset-range.service';
import { AssetRangeConnection, AssetRangeImportInput, AssetRangeType } from './asset-range.types';

type Ctx = RequestContext<OrganizationLoaders>;

@Resolver(() => AssetRangeType)
export class AssetRangeResolver {
  constructor(
    private readonly assetRangeService: AssetRangeService,
    private readonly reviewService: AssetRangeReviewService,
  ) {}

  @Requires('read')
  @Query(() => [AssetRangeType], { description: 'The caller\'s organisation\'s asset ranges, whatever their status.' })
  assetRanges(@Ctx() ctx: Ctx) {
    return this.assetRangeService.list(ctx.principal);
  }

  @Requires('assetRange.set')
  @Mutation(() => [AssetRangeType], {
    description:
      'Replaces the caller\'s organisation\'s declared ranges (CIDR blocks no wider than /8 or /32, or single addresses). ' +
      'A range declared again unchanged keeps its review; any other is PENDING until reviewed.',
  })
  setAssetRanges(@Arg('ranges', () => [String]) ranges: string[], @Ctx() ctx: Ctx) {
    return this.assetRangeService.replace(ctx.principal, ranges);
  }

  @Requires('assetRange.review')
  @Query(() => AssetRangeConnection, {
    description:
      'PENDING ranges the caller may review, newest first: all of them for a coordinator\'s ADMIN; for another ADMIN, ' +
      'those of the organisations below it that lie inside its own approved ranges.',
  })
  async pendingAssetRanges(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Ctx) {
    return AssetRangeConnection.from(await this.reviewService.pending(ctx.principal, args));
  }

  @Requires('assetRange.review')
  @Mutation(() => [AssetRangeType], {
    description:
      'Approves or rejects some of an organisation\'s declared ranges, all or nothing: a coordinator\'s ADMIN, or the ADMIN of an ' +
      'organisation above the owner for ranges inside its own approved ones. A range overlapping another organisation\'s approved ' +
      'range is approved only along a delegation (that organisation is above the owner, or below it inside this range). ' +
      'Rejecting needs a reason.',
  })
  reviewAssetRanges(
    @Arg('organization', () => String, { description: 'The owner\'s code.' }) organization: string,
    @Arg('cidrs', () => [String], { description: 'The ranges as declared.' }) cidrs: string[],
    @Arg('approve', () => Boolean) approve: boolean,
    @Arg('reason', () => String, { nullable: true }) reason: string | null | undefined,
    @Ctx() ctx: Ctx,
  ) {
    return this.reviewService.review(ctx.principal, { organization, cidrs, approve, reason });
  }

  @Requires('assetRange.import')
  @Mutation(() => [AssetRangeType], {
    description:
      'Coordinator ADMIN: loads approved ranges in bulk (up to 5,000, e.g. from a registry export). Every item is checked like ' +
      'an approval; if any is refused, nothing is stored and each refusal is listed in extensions.items.',
  })
  importAssetRanges(
    @Arg('ranges', () => [AssetRangeImportInput]) ranges: AssetRangeImportInput[],
    @Arg('reason', () => String, { nullable: true }) reason: string | null | undefined,
    @Ctx() ctx: Ctx,
  ) {
    return this.reviewService.importApproved(ctx.principal, ranges, reason);
  }

  @FieldResolver(() => OrganizationType)
  organization(@Root() row: AssetRangeEntity, @Ctx() ctx: Ctx) {
    return ctx.loaders.organization.load(row.organizationId);
  }
}
