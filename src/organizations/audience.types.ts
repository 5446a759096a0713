import { Field, InputType } from 'type-graphql';
import type { AudienceInput } from './audience';

/** An audience input type named `name` (advisories, ranking snapshots): the same fields and rules (checkAudience) everywhere. */
export function AudienceInputType(name: string, description?: string) {
  @InputType(name, { description })
  class Audience implements AudienceInput {
    @Field(() => Boolean, { nullable: true, description: 'Default true when no sector, region or organisation is named; must not be true when one is.' })
    everyone?: boolean | null;

    @Field(() => [String], { nullable: true })
    sectors?: string[] | null;

    @Field(() => [String], { nullable: true })
    regions?: string[] | null;

    @Field(() => [String], { nullable: true, description: 'Organisation codes.' })
    organizations?: string[] | null;
  }
  return Audience;
}
