import type { DataSource } from 'typeorm';
import { AdvisoryService } from './advisories/advisory.service';
import { AuditService } from './audit/audit.service';
import { TokenVerifier } from './auth/token-verifier';
import type { Config } from './config';
import { IncidentService } from './incidents/incident.service';
import { AssetRangeService } from './intel/asset-range.service';
import { IndicatorService } from './intel/indicator.service';
import { ObservableService } from './intel/observable.service';
import { SightingService } from './intel/sighting.service';
import { OrganizationService } from './organizations/organization.service';

/** Every service, built once per process over one data source. Transports (GraphQL, CLI, later TAXII) call these. */
export interface Services {
  db: DataSource;
  tokens: TokenVerifier;
  audit: AuditService;
  organizations: OrganizationService;
  observables: ObservableService;
  indicators: IndicatorService;
  sightings: SightingService;
  assetRanges: AssetRangeService;
  incidents: IncidentService;
  advisories: AdvisoryService;
}

export function createServices(db: DataSource, config: Pick<Config, 'tokenAudience' | 'tokenMaxLifetime'>): Services {
  const audit = new AuditService(db);
  const organizations = new OrganizationService(db, audit);
  return {
    db,
    tokens: new TokenVerifier(db, config.tokenAudience, config.tokenMaxLifetime),
    audit,
    organizations,
    observables: new ObservableService(db),
    indicators: new IndicatorService(db, organizations, audit),
    sightings: new SightingService(db, organizations, audit),
    assetRanges: new AssetRangeService(db, audit),
    incidents: new IncidentService(db, organizations, audit),
    advisories: new AdvisoryService(db, organizations, audit),
  };
}
