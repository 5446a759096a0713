import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { OrgKind } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import { AudienceInputType } from '../organizations/audience.types';
import type * as In from './registry.inputs';
import { StatisticsGroupType } from './statistics.types';

@ObjectType('RankingEntry', { description: "An organisation's place, over its own subtree. The score's formula is in docs/registry.md." })
export class RankingEntryType {
  seq!: string;
  organizationId!: string;

  @Field(() => Int, { description: 'Equal scores share a rank.' })
  rank!: number;

  @Field(() => String, { description: 'The code when ranked.' })
  code!: string;

  @Field(() => String, { description: 'The name when ranked.' })
  name!: string;

  @Field(() => Float, { description: '0 to 100: 100 × (0.40 approvalCoverage + 0.30 requirementCompliance + 0.15 incidentResponse + 0.15 exposureHygiene).' })
  score!: number;

  @Field(() => Float, { description: 'Approved systems / systems in operation.' })
  approvalCoverage!: number;

  @Field(() => Float, { description: '1 − unmet / applicable checklist lines.' })
  requirementCompliance!: number;

  @Field(() => Float, { description: '1 / (1 + mean open-incident age in days / 30).' })
  incidentResponse!: number;

  @Field(() => Float, { description: '1 / (1 + open exposures / systems).' })
  exposureHygiene!: number;

  @Field(() => Int)
  systems!: number;

  @Field(() => Int)
  approved!: number;

  @Field(() => Int)
  unmetRequirements!: number;

  @Field(() => Int)
  openIncidents!: number;

  @Field(() => Int)
  openExposures!: number;

  @Field(() => StatisticsGroupType, { nullable: true, description: 'The full figures of the subtree; null in published snapshots.' })
  figures!: StatisticsGroupType | null;
}

export const RankingEntryConnection = ConnectionType(RankingEntryType, 'RankingEntry');

@ObjectType('RankingAudience')
export class RankingAudienceType {
  @Field(() => Boolean)
  everyone!: boolean;

  @Field(() => [String])
  sectors!: string[];

  @Field(() => [String])
  regions!: string[];

  namedOrgIds!: string[];
}

@ObjectType('RankingSnapshot', { description: 'A ranking a coordinator published: frozen as computed, read by its audience.' })
export class RankingSnapshotType {
  @Field(() => ID)
  id!: string;

  seq!: string;
  authorId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => Date)
  publishedAt!: Date;
}

export const RankingSnapshotConnection = ConnectionType(RankingSnapshotType, 'RankingSnapshot');

export const RankingAudienceInput = AudienceInputType('RankingAudienceInput', 'Who reads a published ranking; the organisations below those named read it too.');
export type RankingAudienceInput = In.AudienceInput;

@InputType()
export class RankingPublicationInput implements In.RankingPublicationInput {
  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => RankingAudienceInput)
  audience!: RankingAudienceInput;

  @Field(() => [OrgKind], { nullable: true, description: 'Rank only organisations of these kinds (e.g. MINISTRY, PROVINCE, SECTOR_CERT).' })
  kinds?: OrgKind[] | null;
}
