import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AssessmentSource } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import type * as In from './registry.inputs';

@ObjectType('Requirement', { description: 'A legal requirement; it applies to systems of its level and above (levels are cumulative).' })
export class RequirementType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, { description: 'The lowest safety level it applies to.' })
  level!: number;

  @Field(() => String, { description: 'MANAGEMENT or TECHNICAL.' })
  category!: string;

  @Field(() => String, { nullable: true, description: 'Where the obligation comes from (decree, circular, standard).' })
  legalBasis!: string | null;

  @Field(() => Boolean)
  active!: boolean;
}

@ObjectType('RequirementStatus', { description: "One line of a system's checklist: a requirement of its level, met or not." })
export class RequirementStatusType {
  @Field(() => ID)
  id!: string;

  seq!: string;
  systemId!: string;
  requirementId!: string;
  assessedByOrgId!: string | null;

  @Field(() => Boolean, { description: 'False until someone records it as met.' })
  met!: boolean;

  @Field(() => String, { nullable: true })
  evidence!: string | null;

  @Field(() => AssessmentSource, { nullable: true, description: 'Who last assessed it: the owner, the reviewer, or an inspection. Null: never assessed.' })
  source!: AssessmentSource | null;

  @Field(() => Date, { nullable: true })
  assessedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'organisation/subject' })
  assessedBy!: string | null;
}

export const RequirementStatusConnection = ConnectionType(RequirementStatusType, 'RequirementStatus');

@InputType()
export class RequirementStatusInput implements In.RequirementStatusInput {
  @Field(() => ID)
  requirementId!: string;

  @Field(() => Boolean)
  met!: boolean;

  @Field(() => String, { nullable: true })
  evidence?: string | null;
}

@InputType()
export class RequirementInput implements In.RequirementInput {
  @Field(() => String, { description: 'Upper-case letters, digits, _, . or -; unique.' })
  code!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { description: 'The lowest level it applies to, 1 to 5.' })
  level!: number;

  @Field(() => String, { description: 'MANAGEMENT or TECHNICAL.' })
  category!: string;

  @Field(() => String, { nullable: true })
  legalBasis?: string | null;
}

@InputType()
export class RequirementUpdateInput implements In.RequirementUpdateInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  level?: number | null;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => String, { nullable: true })
  legalBasis?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'False retires it: it stays in history but no longer counts.' })
  active?: boolean | null;
}
