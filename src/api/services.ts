import type { DataSource } from 'typeorm';
import { AdvisoryService } from '../advisories/advisory.service';
import { AuditLogService } from '../audit/audit-log.service';
import { AuditService } from '../audit/audit.service';
import { Authorizer } from '../auth/authorize';
import { TokenVerifier } from '../auth/token-verifier';
import { Severity } from '../common/enums';
import { Metrics } from '../common/metrics';
import type { Config } from '../config';
import { IncidentService } from '../incidents/incident.service';
import { AssetRangeReviewService } from '../intel/asset-range-review.service';
import { AssetRangeService } from '../intel/asset-range.service';
import { IndicatorService } from '../intel/indicator.service';
import { ObservableService } from '../intel/observable.service';
import { SightingService } from '../intel/sighting.service';
import { OrganizationService } from '../organizations/organization.service';
import { RateLimitService } from '../organizations/rate-limit.service';
import { SharingGroupService } from '../organizations/sharing-group.service';
import { DossierQueryService } from '../registry/dossier-query.service';
import { DossierService } from '../registry/dossier.service';
import { InspectionService } from '../registry/inspection.service';
import { RankingService } from '../registry/ranking.service';
import { RegistryChanges } from '../registry/registry.shared';
import { RequirementService } from '../registry/requirement.service';
import { StatisticsHub } from '../registry/statistics.hub';
import { StatisticsService } from '../registry/statistics.service';
import { InformationSystemService } from '../registry/system.service';
import { PgNotifyBroker, type WarningBroker } from '../warnings/broker';
import { WarningHub } from '../warnings/warning.hub';
import { WarningService } from '../warnings/warning.service';

/** Every service, built once per process over one data source. Transports (GraphQL over HTTP and websockets, the CLI) call these. */
export interface Services {
  db: DataSource;
  /** This instance's Prometheus registry and metrics. */
  metrics: Metrics;
  tokens: TokenVerifier;
  authz: Authorizer;
  audit: AuditService;
  /** Reading and pruning the audit log. */
  auditLog: AuditLogService;
  organizations: OrganizationService;
  groups: SharingGroupService;
  /** Per-organisation budgets and quotas, charged by the operation pipeline. */
  limits: RateLimitService;
  observables: ObservableService;
  indicators: IndicatorService;
  sightings: SightingService;
  assetRanges: AssetRangeService;
  assetRangeReviews: AssetRangeReviewService;
  incidents: IncidentService;
  advisories: AdvisoryService;
  warnings: WarningService;
  /** Live delivery in this process; started by the server, idle in the CLI. */
  warningHub: WarningHub;
  /** The ministry's registry: systems, dossiers, checklists, inspections, statistics and ranking. */
  informationSystems: InformationSystemService;
  dossiers: DossierService;
  dossierQueries: DossierQueryService;
  requirements: RequirementService;
  inspections: InspectionService;
  statistics: StatisticsService;
  ranking: RankingService;
  /** Live statistics in this process; started and stopped with the warning hub. */
  statisticsHub: StatisticsHub;
}

export type ServiceConfig = Pick<Config, 'tokenAudience' | 'tokenMaxLifetime'> & Partial<Pick<Config, 'warningMinSeverity'>>;

/** `broker` defaults to PostgreSQL LISTEN/NOTIFY on the same database. */
export function createServices(db: DataSource, config: ServiceConfig, broker?: WarningBroker): Services {
  const url = (db.options as { url?: string }).url;
  if (!broker && !url) throw new Error('createServices needs a data source built from a URL (or an explicit broker)');
  const metrics = new Metrics();
  const audit = new AuditService(db);
  const authz = new Authorizer(audit.recordDenial);
  const organizations = new OrganizationService(db, audit, authz);
  const logBroker = broker ?? new PgNotifyBroker(url!, metrics);
  const warnings = new WarningService(db, logBroker, config.warningMinSeverity ?? Severity.HIGH, metrics);
  metrics.sources.pool = () => poolStats(db);
  metrics.sources.listenerConnected = () => logBroker.connected;
  const warningHub = new WarningHub(warnings, logBroker, metrics);
  const changes = new RegistryChanges();
  const statistics = new StatisticsService(db, authz);
  const tokens = new TokenVerifier(db, config.tokenAudience, config.tokenMaxLifetime);
  const limits = new RateLimitService(db, audit, authz);
  const groups = new SharingGroupService(db, audit, authz);
  const authChanged = () => {
    tokens.invalidate();
    limits.forgetGrants();
    organizations.forgetDirectory();
  };
  // This instance's own writes: its next request must not wait for the NOTIFY that tells the others.
  for (const s of [organizations, groups, limits]) s.changed.on(authChanged);
  // What a token proves and what an organisation may spend are cached per instance only while the instance
  // hears every change to organisations, keys and groups (limits are a column of organizations).
  if (logBroker.onAuthChange) {
    logBroker.onAuthChange(authChanged);
    tokens.cacheWhile(() => logBroker.connected);
    limits.prefetchWhile(() => logBroker.connected);
    organizations.cacheWhile(() => logBroker.connected);
  }
  return {
    db,
    metrics,
    tokens,
    authz,
    audit,
    auditLog: new AuditLogService(db, authz),
    organizations,
    groups,
    limits,
    observables: new ObservableService(db),
    indicators: new IndicatorService(db, organizations, audit, warnings, authz, metrics),
    sightings: new SightingService(db, organizations, audit, authz, metrics),
    assetRanges: new AssetRangeService(db, audit, authz),
    assetRangeReviews: new AssetRangeReviewService(db, audit, authz),
    incidents: new IncidentService(db, organizations, audit, warnings, authz),
    advisories: new AdvisoryService(db, organizations, audit, warnings, authz),
    warnings,
    warningHub,
    informationSystems: new InformationSystemService(db, audit, authz, changes),
    dossiers: new DossierService(db, audit, warnings, authz, changes),
    dossierQueries: new DossierQueryService(db),
    requirements: new RequirementService(db, audit, authz, changes),
    inspections: new InspectionService(db, audit, warnings, authz, changes),
    statistics,
    ranking: new RankingService(db, statistics, audit, warnings, authz),
    statisticsHub: new StatisticsHub(statistics, warningHub, changes),
  };
}

/** The pg pool behind TypeORM's postgres driver (a public property of the driver, typed loosely by TypeORM). */
function poolStats(db: DataSource): { total: number; idle: number; waiting: number } {
  const pool = (db.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : { total: 0, idle: 0, waiting: 0 };
}
