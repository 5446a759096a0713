import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../api/context';
import type { Services } from '../api/services';
import { Requires } from '../auth/roles';
import { StixImporter } from './stix/importer';

@ObjectType('StixObjectResult', { description: 'What became of one object of an imported bundle.' })
class StixObjectResultType {
  @Field(() => Int, { description: 'Its position in the bundle\'s objects.' })
  index!: number;

  @Field(() => String, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, {
    description: 'IMPORTED, UPDATED, UNCHANGED (this STIX id and modified were imported before), IGNORED (older than the version held, a duplicate, or nothing to store), REFERENCE (identities, markings, SCOs: read for context, not stored) or REJECTED.',
  })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Why it was rejected or not stored (the STIX field and the rule), or what was not applied.' })
  reason!: string | null;

  @Field(() => [ID], { description: 'The indicators it became (one per observable its pattern names).' })
  indicatorIds!: string[];

  @Field(() => String, { nullable: true, description: 'What it became: Indicator, Sighting, Incident (a note: the incident whose timeline it joined) or Advisory.' })
  localType!: string | null;

  @Field(() => [ID], { description: 'The ids of what it became (for a note, its incident).' })
  localIds!: string[];
}

@ObjectType('StixImportPayload')
class StixImportPayload {
  @Field(() => [StixObjectResultType])
  results!: StixObjectResultType[];

  @Field(() => Int)
  imported!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  ignored!: number;

  @Field(() => Int)
  rejected!: number;
}

@Resolver()
export class StixImportResolver {
  private readonly importer: StixImporter;

  constructor(s: Services) {
    this.importer = new StixImporter(s);
  }

  @Requires('stix.import')
  @Mutation(() => StixImportPayload, {
    description: 'Imports a STIX 2.1 bundle or TAXII 2.1 envelope (up to 5,000 objects: indicators, sightings, incidents, notes about incidents, reports as advisory drafts) as the caller\'s organisation, idempotent by STIX id and modified. Every object is reported; with atomic, nothing is stored if any is rejected.',
  })
  importStix(
    @Arg('bundle', () => GraphQLJSONObject) bundle: Record<string, unknown>,
    @Arg('atomic', () => Boolean, { defaultValue: false }) atomic: boolean,
    @Ctx() ctx: Context,
  ) {
    return this.importer.import(ctx.principal, bundle, { atomic });
  }
}
