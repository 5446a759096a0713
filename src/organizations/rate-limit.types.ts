import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type * as In from './organization.inputs';

@ObjectType('OrganizationLimits', {
  description: 'Rate limits and quotas of one organisation, shared by all its tokens across every server instance.',
})
export class OrganizationLimitsType {
  @Field(() => Int, { description: 'Queries per minute (token bucket: bursts up to a minute\'s worth), over HTTP and websockets.' })
  readsPerMinute!: number;

  @Field(() => Int, { description: 'Mutation items per minute: a bulk call costs one per item of its `input` list, any other mutation one.' })
  bulkItemsPerMinute!: number;

  @Field(() => Int, { description: 'Subscriptions open at once.' })
  subscriptions!: number;

  @Field(() => Int, { description: 'Websocket connections open at once.' })
  connections!: number;

  @Field(() => [String], { description: 'Which of the four are set for this organisation; the others are the defaults for its kind.' })
  overridden!: string[];
}

@InputType({ description: 'A number sets a limit for this organisation, null returns it to the default for its kind, an absent field leaves it as it is.' })
export class OrganizationLimitsInput implements In.OrganizationLimitsInput {
  @Field(() => Int, { nullable: true })
  readsPerMinute?: number | null;

  @Field(() => Int, { nullable: true })
  bulkItemsPerMinute?: number | null;

  @Field(() => Int, { nullable: true })
  subscriptions?: number | null;

  @Field(() => Int, { nullable: true })
  connections?: number | null;
}
