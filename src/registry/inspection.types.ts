import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { InspectionKind, InspectionStatus } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import type * as In from './registry.inputs';

@ObjectType('Inspection', { description: "An inspection or annual evaluation of an approved system by its competent reviewer." })
export class InspectionType {
  @Field(() => ID)
  id!: string;

  seq!: string;
  systemId!: string;
  ownerId!: string;
  status!: InspectionStatus;
  scheduledByOrgId!: string;

  @Field(() => InspectionKind)
  kind!: InspectionKind;

  @Field(() => Date)
  dueAt!: Date;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => String, { nullable: true, description: 'The recorded summary, or the reason it was cancelled.' })
  summary!: string | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => String, { nullable: true })
  completedBy!: string | null;

  @Field(() => String)
  scheduledBy!: string;

  @Field(() => Date)
  createdAt!: Date;
}

export const InspectionConnection = ConnectionType(InspectionType, 'Inspection');

@ObjectType('InspectionFinding')
export class InspectionFindingType {
  requirementId!: string;

  @Field(() => Boolean)
  met!: boolean;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@InputType()
export class InspectionFindingInput implements In.InspectionFindingInput {
  @Field(() => ID)
  requirementId!: string;

  @Field(() => Boolean)
  met!: boolean;

  @Field(() => String, { nullable: true, description: "Becomes the checklist line's evidence." })
  note?: string | null;
}

@InputType()
export class InspectionFilter implements In.InspectionFilter {
  @Field(() => ID, { nullable: true })
  systemId?: string | null;

  @Field(() => [InspectionStatus], { nullable: true })
  statuses?: InspectionStatus[] | null;

  @Field(() => [InspectionKind], { nullable: true })
  kinds?: InspectionKind[] | null;
}
