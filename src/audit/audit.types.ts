import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AuditOutcome } from '../common/enums';
import { ConnectionType } from '../common/pagination';
import type * as In from './audit.inputs';

@ObjectType('AuditEvent', { description: 'Who did what to what, and when; or who was refused.' })
export class AuditEventType {
  @Field(() => ID)
  id!: string;

  seq!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true, description: 'Code of the acting organisation (null for bootstrap commands).' })
  organization!: string | null;

  @Field(() => String, { nullable: true, description: 'The token subject (`sub`).' })
  subject!: string | null;

  @Field(() => String, { nullable: true, description: 'The token id (`jti`).' })
  tokenId!: string | null;

  @Field(() => String, { nullable: true, description: 'The signing key id (`kid`).' })
  keyId!: string | null;

  @Field(() => String, { description: 'The action, from the closed catalogue (e.g. indicator.submit, signingKey.retire).' })
  action!: string;

  @Field(() => String, { nullable: true })
  targetType!: string | null;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What the action changed, or why it was refused.' })
  detail!: Record<string, unknown> | null;
}

export const AuditEventConnection = ConnectionType(AuditEventType, 'AuditEvent');

@InputType()
export class AuditFilter implements In.AuditFilter {
  @Field(() => String, { nullable: true, description: 'Code of the acting organisation.' })
  organization?: string | null;

  @Field(() => String, { nullable: true, description: 'An action (signingKey.revoke), or a prefix ending in * (signingKey.*).' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'The token subject, or ORG/subject.' })
  actor?: string | null;

  @Field(() => AuditOutcome, { nullable: true })
  outcome?: AuditOutcome | null;

  @Field(() => Date, { nullable: true, description: 'From this time on (inclusive).' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Before this time (exclusive).' })
  until?: Date | null;
}
