import { AdvisoryResolver } from './advisories/advisory.resolver';
import { IncidentEventResolver, IncidentResolver } from './incidents/incident.resolver';
import { IndicatorResolver } from './intel/indicator.resolver';
import { AssetRangeResolver, ObservableResolver, SightingResolver } from './intel/observable.resolver';
import { WarningResolver, WarningSubscriptionResolver } from './warnings/warning.resolver';
import { OrganizationResolver, PrincipalResolver, SharingGroupResolver } from './organizations/organization.resolver';

/** Every module's resolvers; schema.ts builds from this list. */
export const RESOLVERS = [
  OrganizationResolver,
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
] as const;
