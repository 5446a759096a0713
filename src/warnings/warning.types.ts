import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Severity, WarningKind } from '../common/enums';
import { Key } from '../common/federation';
import { ConnectionType } from '../common/pagination';
import { SharedObjectType } from '../common/shared.types';
import type * as In from './warning.inputs';

@Key('id')
@ObjectType('Warning', { description: 'An entry of the live warning log.' })
export class WarningType extends SharedObjectType {
  @Field(() => ID)
  id!: string;

  @Field(() => WarningKind)
  kind!: WarningKind;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => String, { description: 'Advisory, Indicator, Incident, SafetyDossier, Inspection or RankingSnapshot.' })
  subjectType!: string;

  @Field(() => ID, { description: 'The id of the object it is about.' })
  subjectId!: string;

  audienceOrgIds!: string[] | null;

  @Field(() => Date)
  createdAt!: Date;
}

export const WarningConnection = ConnectionType(WarningType, 'Warning');

@ObjectType('WarningEvent', { description: 'One delivered warning and the cursor to resume after it.' })
export class WarningEvent {
  @Field(() => String, { description: 'Pass as `after` to resume right after this warning.' })
  cursor!: string;

  @Field(() => WarningType)
  warning!: WarningType;
}

@InputType()
export class WarningFilter implements In.WarningFilter {
  @Field(() => Severity, { nullable: true, description: 'At least this severity.' })
  minSeverity?: Severity | null;

  @Field(() => [WarningKind], { nullable: true })
  kinds?: WarningKind[] | null;

  @Field(() => [String], { nullable: true, description: 'Advisory, Indicator, Incident, SafetyDossier, Inspection, RankingSnapshot.' })
  subjectTypes?: string[] | null;
}
