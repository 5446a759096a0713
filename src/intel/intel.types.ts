import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ObservableType, Severity, ThreatType, Tlp } from '../common/enums';
import { Key } from '../common/federation';
import { ConnectionType } from '../common/pagination';
import { SharedObjectType } from '../common/shared.types';
import type * as In from './intel.inputs';

@Key('id')
@Key('type value')
@ObjectType('Observable', { description: 'A normalised technical value. Its aggregates cover only what the caller may read.' })
export class ObservableType_ {
  @Field(() => ID)
  id!: string;

  @Field(() => ObservableType)
  type!: ObservableType;

  @Field(() => String, { description: 'The normalised value.' })
  value!: string;
}

@Key('id')
@ObjectType('Indicator', { description: 'One organisation\'s assertion about an observable.' })
export class IndicatorType extends SharedObjectType {
  @Field(() => ID)
  id!: string;

  observableId!: string;

  @Field(() => Int, { description: '0 to 100.' })
  confidence!: number;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => [ThreatType])
  threatTypes!: ThreatType[];

  @Field(() => [String])
  tags!: string[];

  @Field(() => Date)
  validFrom!: Date;

  @Field(() => Date, { nullable: true })
  validUntil!: Date | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Boolean)
  revoked!: boolean;

  @Field(() => String, { nullable: true })
  revokedReason!: string | null;

  @Field(() => Date)
  firstReported!: Date;

  @Field(() => Date)
  lastReported!: Date;
}

export const IndicatorConnection = ConnectionType(IndicatorType, 'Indicator');

@Key('id')
@ObjectType('Sighting', { description: 'An organisation saw an observable.' })
export class SightingType extends SharedObjectType {
  @Field(() => ID)
  id!: string;

  observableId!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Date)
  firstSeen!: Date;

  @Field(() => Date)
  lastSeen!: Date;

  @Field(() => String, { nullable: true })
  location!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

export const SightingConnection = ConnectionType(SightingType, 'Sighting');

@ObjectType('ObservableStats', { description: 'Aggregates over the indicators and sightings the caller may read.' })
export class ObservableStatsType {
  reporterIds!: string[];

  @Field(() => Int)
  indicatorCount!: number;

  @Field(() => Int, { nullable: true })
  maxConfidence!: number | null;

  @Field(() => Severity, { nullable: true })
  maxSeverity!: Severity | null;

  @Field(() => Date, { nullable: true })
  firstSeen!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSeen!: Date | null;

  @Field(() => Int, { description: 'Sum of the counts of visible sightings.' })
  sightingCount!: number;
}

@InputType({ description: 'An observable named by type and value; the value is normalised like an indicator\'s.' })
export class ObservableInput implements In.ObservableRef {
  @Field(() => ObservableType)
  type!: ObservableType;

  @Field(() => String)
  value!: string;
}

@InputType()
export class IndicatorInput implements In.IndicatorInput {
  @Field(() => ObservableType)
  type!: ObservableType;

  @Field(() => String)
  value!: string;

  @Field(() => Tlp, { nullable: true, description: 'Defaults to the organisation\'s default TLP.' })
  tlp?: Tlp | null;

  @Field(() => [String], { nullable: true, description: 'Organisation codes or sharing-group names.' })
  recipients?: string[] | null;

  @Field(() => Int, { nullable: true, description: '0 to 100; default 50.' })
  confidence?: number | null;

  @Field(() => Severity, { nullable: true, description: 'Default MEDIUM.' })
  severity?: Severity | null;

  @Field(() => [ThreatType], { nullable: true })
  threatTypes?: ThreatType[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => Date, { nullable: true })
  validFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  validUntil?: Date | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@ObjectType('ItemError', { description: 'Why one item of a bulk call was rejected.' })
export class ItemError implements In.ItemError {
  @Field(() => String)
  code!: string;

  @Field(() => String, { description: 'The input path, e.g. input[3].value.' })
  field!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('SubmitIndicatorResult')
export class SubmitIndicatorResult {
  @Field(() => Int)
  index!: number;

  @Field(() => IndicatorType, { nullable: true })
  indicator!: IndicatorType | null;

  @Field(() => Boolean, { description: 'True when this call created the indicator, false when it updated the caller\'s existing one.' })
  created!: boolean;

  @Field(() => ItemError, { nullable: true })
  error!: ItemError | null;
}

@ObjectType('SubmitIndicatorsPayload')
export class SubmitIndicatorsPayload {
  @Field(() => [SubmitIndicatorResult])
  results!: SubmitIndicatorResult[];

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  rejected!: number;
}

@InputType()
export class SightingInput implements In.SightingInput {
  @Field(() => ObservableType)
  type!: ObservableType;

  @Field(() => String)
  value!: string;

  @Field(() => Int, { nullable: true, description: 'Default 1.' })
  count?: number | null;

  @Field(() => Date, { nullable: true })
  firstSeen?: Date | null;

  @Field(() => Date, { nullable: true })
  lastSeen?: Date | null;

  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => Tlp, { nullable: true })
  tlp?: Tlp | null;

  @Field(() => [String], { nullable: true })
  recipients?: string[] | null;
}

@ObjectType('ReportSightingResult')
export class ReportSightingResult {
  @Field(() => Int)
  index!: number;

  @Field(() => SightingType, { nullable: true })
  sighting!: SightingType | null;

  @Field(() => ItemError, { nullable: true })
  error!: ItemError | null;
}

@ObjectType('ReportSightingsPayload')
export class ReportSightingsPayload {
  @Field(() => [ReportSightingResult])
  results!: ReportSightingResult[];

  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  rejected!: number;
}

@InputType()
export class IndicatorFilter implements In.IndicatorFilter {
  @Field(() => [ObservableType], { nullable: true })
  types?: ObservableType[] | null;

  @Field(() => String, { nullable: true, description: 'Exact value, normalised per type when `types` names one type.' })
  value?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the normalised value.' })
  valueContains?: string | null;

  @Field(() => Severity, { nullable: true, description: 'At least this severity.' })
  minSeverity?: Severity | null;

  @Field(() => [Severity], { nullable: true })
  severities?: Severity[] | null;

  @Field(() => [Tlp], { nullable: true })
  tlp?: Tlp[] | null;

  @Field(() => [ThreatType], { nullable: true, description: 'Any of these threat types.' })
  threatTypes?: ThreatType[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of these tags.' })
  tags?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Author organisation codes.' })
  authors?: string[] | null;

  @Field(() => Int, { nullable: true })
  minConfidence?: number | null;

  @Field(() => Date, { nullable: true, description: 'Last reported at or after.' })
  reportedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last reported before.' })
  reportedBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Include revoked indicators (default false).' })
  includeRevoked?: boolean | null;
}
