import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AdvisoryStatus, Severity, Tlp } from '../common/enums';
import { Key } from '../common/federation';
import { ConnectionType } from '../common/pagination';
import { AudienceInputType } from '../organizations/audience.types';
import { SharedObjectType } from '../common/shared.types';
import { OrganizationType } from '../organizations/organization.types';
import type * as In from './advisory.inputs';
import { ObservableInput } from '../intel/intel.types';

@ObjectType('AdvisoryAudience', {
  description: 'Whom the advisory is meant for. It narrows who is warned; who may read it is still decided by TLP and recipients.',
})
export class AdvisoryAudienceType {
  @Field(() => Boolean)
  everyone!: boolean;

  @Field(() => [String])
  sectors!: string[];

  @Field(() => [String])
  regions!: string[];

  @Field(() => [OrganizationType])
  organizations!: OrganizationType[];
}

@Key('id')
@ObjectType('Advisory', { description: 'A warning or recommendation: DRAFT, then PUBLISHED by a coordinator, possibly revised, then WITHDRAWN.' })
export class AdvisoryType extends SharedObjectType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  summary!: string;

  @Field(() => String, { nullable: true })
  body!: string | null;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => [String])
  cveIds!: string[];

  @Field(() => [String])
  affectedProducts!: string[];

  @Field(() => [String])
  recommendedActions!: string[];

  audienceEveryone!: boolean;
  audienceSectors!: string[];
  audienceRegions!: string[];
  audienceOrgIds!: string[];

  @Field(() => AdvisoryStatus)
  status!: AdvisoryStatus;

  @Field(() => Int, { description: 'Starts at 1; each revision of a published advisory adds one.' })
  revision!: number;

  @Field(() => Date, { nullable: true })
  publishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  withdrawnAt!: Date | null;

  @Field(() => String, { nullable: true })
  withdrawnReason!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const AdvisoryConnection = ConnectionType(AdvisoryType, 'Advisory');

export const AdvisoryAudienceInput = AudienceInputType('AdvisoryAudienceInput');
export type AdvisoryAudienceInput = In.AdvisoryAudienceInput;

@InputType()
export class AdvisoryInput implements In.AdvisoryInput {
  @Field(() => String, { description: 'At most 300 characters.' })
  title!: string;

  @Field(() => String)
  summary!: string;

  @Field(() => String, { nullable: true })
  body?: string | null;

  @Field(() => Severity, { nullable: true, description: 'Default MEDIUM.' })
  severity?: Severity | null;

  @Field(() => [String], { nullable: true, description: 'CVE ids such as CVE-2024-12345 (upper-cased).' })
  cveIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  affectedProducts?: string[] | null;

  @Field(() => [String], { nullable: true })
  recommendedActions?: string[] | null;

  @Field(() => [ObservableInput], { nullable: true })
  observables?: ObservableInput[] | null;

  @Field(() => AdvisoryAudienceInput, { nullable: true, description: 'Default: everyone.' })
  audience?: AdvisoryAudienceInput | null;

  @Field(() => Tlp, { nullable: true, description: 'Defaults to the organisation\'s default TLP.' })
  tlp?: Tlp | null;

  @Field(() => [String], { nullable: true, description: 'Organisation codes or sharing-group names.' })
  recipients?: string[] | null;
}

@InputType({ description: 'Fields left out (or null) stay as they are; a list given replaces the stored one.' })
export class AdvisoryRevisionInput implements In.AdvisoryRevisionInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string clears it.' })
  body?: string | null;

  @Field(() => Severity, { nullable: true })
  severity?: Severity | null;

  @Field(() => [String], { nullable: true })
  cveIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  affectedProducts?: string[] | null;

  @Field(() => [String], { nullable: true })
  recommendedActions?: string[] | null;

  @Field(() => [ObservableInput], { nullable: true })
  observables?: ObservableInput[] | null;

  @Field(() => AdvisoryAudienceInput, { nullable: true })
  audience?: AdvisoryAudienceInput | null;

  @Field(() => Tlp, { nullable: true })
  tlp?: Tlp | null;

  @Field(() => [String], { nullable: true })
  recipients?: string[] | null;
}

@InputType()
export class AdvisoryFilter implements In.AdvisoryFilter {
  @Field(() => [AdvisoryStatus], { nullable: true, description: 'Default: every status the caller may see.' })
  statuses?: AdvisoryStatus[] | null;

  @Field(() => Severity, { nullable: true, description: 'At least this severity.' })
  minSeverity?: Severity | null;

  @Field(() => String, { nullable: true, description: 'Advisories that name this CVE id.' })
  cve?: string | null;

  @Field(() => [String], { nullable: true, description: 'Author organisation codes.' })
  authors?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Published at or after.' })
  publishedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Published before.' })
  publishedBefore?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only advisories whose audience includes the caller\'s organisation: everyone, its sector, its region or the organisation itself.',
  })
  forMe?: boolean | null;
}
