import { AdvisoryResolver } from '../advisories/advisory.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { IncidentEventResolver, IncidentResolver } from '../incidents/incident.resolver';
import { AssetRangeResolver } from '../intel/asset-range.resolver';
import { IndicatorResolver } from '../intel/indicator.resolver';
import { ObservableResolver, SightingResolver } from '../intel/observable.resolver';
import { OrganizationResolver, PrincipalResolver } from '../organizations/organization.resolver';
import { OrganizationLimitsResolver } from '../organizations/rate-limit.resolver';
import { SharingGroupResolver } from '../organizations/sharing-group.resolver';
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
    ...stixResolverInstances(s),
  ];
}
