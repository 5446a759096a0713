import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { AdvisoryType } from '../advisories/advisory.types';
import type { AdvisoryEntity } from '../advisories/advisory.entity';
import type { Context } from '../api/context';
import type { Services } from '../api/services';
import { Requires } from '../auth/roles';
import { openCursor, sealCursor } from '../common/cursor';
import { badInput } from '../common/errors';
import { PageInfo, type Page } from '../common/pagination';
import { IncidentType } from '../incidents/incident.types';
import type { IncidentEntity } from '../incidents/incident.entity';
import type { IndicatorEntity } from '../intel/indicator.entity';
import { IndicatorType, SightingType } from '../intel/intel.types';
import type { SightingEntity } from '../intel/sighting.entity';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationType } from '../organizations/organization.types';
import { StixImportResolver } from './stix-import.resolver';
import { StixExporter, type ExportSet } from './stix/exporter';
import { advisoryToStix, identityToStix, incidentToStix, indicatorToStix, sightingToStix } from './stix/to-stix';

export enum StixKind {
  INDICATOR = 'INDICATOR',
  SIGHTING = 'SIGHTING',
  INCIDENT = 'INCIDENT',
  ADVISORY = 'ADVISORY',
  ORGANIZATION = 'ORGANIZATION',
}
registerEnumType(StixKind, { name: 'StixKind', description: 'Kinds of ThreatFed objects that have a STIX 2.1 form.' });

@ObjectType('StixBundlePage', { description: 'A STIX 2.1 bundle of one page of each requested kind, and where the next page starts.' })
export class StixBundlePage {
  @Field(() => GraphQLJSONObject, { description: 'A STIX 2.1 bundle: the objects, the SCOs, identities and TLP marking definitions they reference.' })
  bundle!: Record<string, unknown>;

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

const SCOPE = 'stixBundle';

/** The STIX form of each shared type, and bundles of pages of them; everything read through the services, under the sharing policy. */
@Resolver()
export class StixResolver {
  private readonly exporter: StixExporter;

  constructor(private readonly s: Services) {
    this.exporter = new StixExporter(s);
  }

  @Requires('read')
  @Query(() => StixBundlePage, {
    description: 'At most `first` objects of each kind (newest first) as one STIX 2.1 bundle; pass pageInfo.endCursor as `after` with the same kinds for the next page.',
  })
  async stixBundle(
    @Arg('types', () => [StixKind]) types: StixKind[],
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Per kind; at most 500, default 50.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<StixBundlePage> {
    const kinds = [...new Set(types)].sort();
    if (!kinds.length) throw badInput('types', 'must name at least one kind');
    let positions: Partial<Record<StixKind, string | null>> = {};
    if (after) {
      const c = openCursor(SCOPE, after);
      // The cursor carries the query it belongs to; another set of kinds would silently skip or repeat objects.
      if (JSON.stringify(c.k) !== JSON.stringify(kinds)) throw badInput('after', 'belongs to a stixBundle query over other types');
      positions = c.p as typeof positions;
    }
    const p = ctx.principal;
    const set: ExportSet = {};
    const next: Partial<Record<StixKind, string | null>> = {};
    let more = false;
    const take = async <T extends { seq: string }>(kind: StixKind, list: (a: { first?: number | null; after?: string | null }) => Promise<Page<T>>) => {
      // A kind that has run out stays out (null), so that later pages do not start it over.
      if (after && positions[kind] === null) return (next[kind] = null, []);
      const page = await list({ first, after: positions[kind] ?? undefined });
      const last = page.items[page.items.length - 1];
      next[kind] = page.hasNextPage && last ? page.cursorOf(last) : null;
      if (page.hasNextPage) more = true;
      return page.items;
    };
    for (const kind of kinds) {
      if (kind === StixKind.INDICATOR) set.indicators = await take(kind, (a) => this.s.indicators.list(p, {}, a));
      if (kind === StixKind.SIGHTING) set.sightings = await take(kind, (a) => this.s.sightings.list(p, {}, a));
      if (kind === StixKind.INCIDENT) set.incidents = await take(kind, (a) => this.s.incidents.list(p, {}, a));
      if (kind === StixKind.ADVISORY) set.advisories = await take(kind, (a) => this.s.advisories.list(p, {}, a));
      if (kind === StixKind.ORGANIZATION) set.organizations = await take(kind, (a) => this.s.organizations.list(p, a));
    }
    const endCursor = more ? sealCursor(SCOPE, { k: kinds, p: next }) : null;
    return {
      bundle: await this.exporter.bundle(p, set),
      pageInfo: { hasNextPage: more, hasPreviousPage: false, startCursor: null, endCursor },
    };
  }
}

@Resolver(() => IndicatorType)
export class IndicatorStixResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: 'This indicator as a STIX 2.1 `indicator`.' })
  async stix(@Root() row: IndicatorEntity, @Ctx() ctx: Context) {
    return indicatorToStix(row, row.observable ?? (await ctx.loaders.observable.load(row.observableId))!);
  }
}

@Resolver(() => SightingType)
export class SightingStixResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: 'This sighting as a STIX 2.1 `sighting` of the observable\'s SCO.' })
  async stix(@Root() row: SightingEntity, @Ctx() ctx: Context) {
    return sightingToStix(row, row.observable ?? (await ctx.loaders.observable.load(row.observableId))!);
  }
}

@Resolver(() => IncidentType)
export class IncidentStixResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: 'This incident as a STIX 2.1 `incident` with the Incident Core Extension.' })
  stix(@Root() row: IncidentEntity) {
    return incidentToStix(row);
  }
}

@Resolver(() => AdvisoryType)
export class AdvisoryStixResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: 'This advisory as a STIX 2.1 `report`.' })
  async stix(@Root() row: AdvisoryEntity, @Ctx() ctx: Context) {
    return advisoryToStix(row, await ctx.loaders.advisoryObservables.load(row.id));
  }
}

@Resolver(() => OrganizationType)
export class OrganizationStixResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: 'This organisation as a STIX 2.1 `identity`.' })
  stix(@Root() row: OrganizationEntity) {
    return identityToStix(row);
  }
}

/** The STIX resolvers, for src/api/resolvers.ts. */
export const STIX_RESOLVERS = [StixResolver, StixImportResolver, IndicatorStixResolver, SightingStixResolver, IncidentStixResolver, AdvisoryStixResolver, OrganizationStixResolver] as const;

export function stixResolverInstances(s: Services): object[] {
  return [new StixResolver(s), new StixImportResolver(s), new IndicatorStixResolver(), new SightingStixResolver(), new IncidentStixResolver(), new AdvisoryStixResolver(), new OrganizationStixResolver()];
}
