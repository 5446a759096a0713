import { AdvisoryResolver } from '../advisories/advisory.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { IncidentEventResolver, IncidentResolver } from '../incidents/incident.resolver';
import { AssetRangeResolver } from '../intel/asset-range.resolver';
import { IndicatorResolver } from '../intel/indicator.resolver';
import { ObservableResolver, SightingResolver } from '../intel/observable.resolver';
import { OrganizationResolver, PrincipalResolver } from '../organizations/organization.resolver';
import { OrganizationLimitsResolver } from '../organizations/rate-limit.resolver';
import { SharingGroupResolver } from '../organizations/sharing-group.resolver';
import { DossierAttachmentResolver, DossierEventResolver, DossierResolver } from '../registry/dossier.resolver';
import { InspectionFindingResolver, InspectionResolver } from '../registry/inspection.resolver';
import { RankingAudienceResolver, RankingResolver, RankingSnapshotResolver } from '../registry/ranking.resolver';
import { RequirementResolver, RequirementStatusResolver } from '../registry/requirement.resolver';
import { StatisticsGroupResolver, StatisticsResolver, StatisticsSubscriptionResolver } from '../registry/statistics.resolver';
import { InformationSystemResolver } from '../registry/system.resolver';
import { WarningResolver, WarningSubscriptionResolver } from '../warnings/warning.resolver';
import { STIX_RESOLVERS, stixResolverInstances } from '../interop/stix.resolver';
import type { Services } from './services';

/** Every module's resolvers; schema.ts builds from this list. */
export const RESOLVERS = [
  OrganizationResolver,
  OrganizationLimitsResolver,
  PrincipalResolver,
  SharingGroupResolver,
  IndicatorResolver,
  ObservableResolver,
  SightingResolver,
  AssetRangeResolver,
  IncidentResolver,
  IncidentEventResolver,
  AdvisoryResolver,
  WarningResolver,
  WarningSubscriptionResolver,
  AuditResolver,
  InformationSystemResolver,
  DossierResolver,
  DossierEventResolver,
  DossierAttachmentResolver,
  RequirementResolver,
  RequirementStatusResolver,
  InspectionResolver,
  InspectionFindingResolver,
  StatisticsResolver,
  StatisticsSubscriptionResolver,
  StatisticsGroupResolver,
  RankingResolver,
  RankingSnapshotResolver,
  RankingAudienceResolver,
  ...STIX_RESOLVERS,
] as const;

/** One instance of each resolver, given the services it calls (constructor injection, no globals). */
export function resolverInstances(s: Services): object[] {
  return [
    new OrganizationResolver(s.organizations),
    new OrganizationLimitsResolver(s.limits),
    new PrincipalResolver(),
    new SharingGroupResolver(s.groups),
    new IndicatorResolver(s.indicators, s.assetRanges),
    new ObservableResolver(s.observables, s.indicators, s.sightings),
    new SightingResolver(s.sightings),
    new AssetRangeResolver(s.assetRanges, s.assetRangeReviews),
    new IncidentResolver(s.incidents),
    new IncidentEventResolver(),
    new AdvisoryResolver(s.advisories),
    new WarningResolver(s.warnings),
    new WarningSubscriptionResolver(),
    new AuditResolver(s.auditLog),
    new InformationSystemResolver(s.informationSystems, s.dossierQueries),
    new DossierResolver(s.dossiers, s.dossierQueries),
    new DossierEventResolver(),
    new DossierAttachmentResolver(),
    new RequirementResolver(s.requirements),
    new RequirementStatusResolver(),
    new InspectionResolver(s.inspections),
    new InspectionFindingResolver(),
    new StatisticsResolver(s.statistics),
    new StatisticsSubscriptionResolver(),
    new StatisticsGroupResolver(),
    new RankingResolver(s.ranking),
    new RankingSnapshotResolver(),
    new RankingAudienceResolver(),
    ...stixResolverInstances(s),
  ];
}
