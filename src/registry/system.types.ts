import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ApprovalStatus, SystemLifecycle } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import type * as In from './registry.inputs';

@ObjectType('InformationSystem', {
  description:
    'A state information system and its safety level (1 lowest, 5 highest). Read by its owner, the organisations above the owner and coordinators only.',
})
export class InformationSystemType {
  @Field(() => ID)
  id!: string;

  seq!: string;
  ownerId!: string;
  approvedLevel!: number | null;
  reviewState!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => Int, { description: 'The level the owner proposes (set by its latest dossier).' })
  proposedLevel!: number;

  @Field(() => Date, { nullable: true, description: 'When the latest approval was given.' })
  approvedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until when the latest approval holds; past it, the system is not approved (status EXPIRED).' })
  approvedUntil!: Date | null;

  @Field(() => SystemLifecycle)
  lifecycle!: SystemLifecycle;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const InformationSystemConnection = ConnectionType(InformationSystemType, 'InformationSystem');

@ObjectType('SystemRange', { description: 'An address range a system uses.' })
export class SystemRangeType {
  @Field(() => String)
  cidr!: string;

  @Field(() => Boolean, { description: "Still inside one of the owner's asset ranges." })
  covered!: boolean;
}

@InputType()
export class InformationSystemInput implements In.InformationSystemInput {
  @Field(() => String, { description: 'Unique within the organisation; at most 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true })
  purpose?: string | null;

  @Field(() => Int, { description: '1 to 5.' })
  proposedLevel!: number;

  @Field(() => [String], { nullable: true, description: "CIDR blocks or addresses, each inside one of the organisation's asset ranges." })
  ranges?: string[] | null;
}

@InputType()
export class InformationSystemUpdateInput implements In.InformationSystemUpdateInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Null or empty clears it.' })
  purpose?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only while no dossier is open.' })
  proposedLevel?: number | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the ranges.' })
  ranges?: string[] | null;

  @Field(() => SystemLifecycle, { nullable: true })
  lifecycle?: SystemLifecycle | null;
}

@InputType()
export class InformationSystemFilter implements In.InformationSystemFilter {
  @Field(() => [String], { nullable: true, description: 'Owner organisation codes.' })
  owners?: string[] | null;

  @Field(() => String, { nullable: true, description: 'An organisation code: its systems and those of every organisation below it.' })
  subtreeOf?: string | null;

  @Field(() => [ApprovalStatus], { nullable: true })
  statuses?: ApprovalStatus[] | null;

  @Field(() => [Int], { nullable: true, description: 'Proposed levels.' })
  levels?: number[] | null;

  @Field(() => SystemLifecycle, { nullable: true })
  lifecycle?: SystemLifecycle | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive part of the name.' })
  nameContains?: string | null;
}
