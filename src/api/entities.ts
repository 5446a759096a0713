import { AdvisoryEntity, AdvisoryObservableEntity } from '../advisories/advisory.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { IncidentEntity, IncidentEventEntity, IncidentObservableEntity } from '../incidents/incident.entity';
import { AssetRangeEntity } from '../intel/asset-range.entity';
import { IndicatorEntity } from '../intel/indicator.entity';
import { IndicatorExposureEntity } from '../intel/indicator-exposure.entity';
import { ObservableEntity } from '../intel/observable.entity';
import { RangeExposureEntity } from '../intel/range-exposure.entity';
import { SightingEntity } from '../intel/sighting.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { RateLimitBucketEntity, RateLimitLeaseEntity } from '../organizations/rate-limit.entity';
import { SharingGroupEntity, SharingGroupMemberEntity } from '../organizations/sharing-group.entity';
import { SigningKeyEntity } from '../organizations/signing-key.entity';
import { DossierAttachmentEntity, DossierEventEntity, SafetyDossierEntity } from '../registry/dossier.entity';
import { InspectionEntity, InspectionFindingEntity } from '../registry/inspection.entity';
import { RankingSnapshotEntity } from '../registry/ranking.entity';
import { RequirementEntity, SystemRequirementEntity } from '../registry/requirement.entity';
import { InformationSystemEntity } from '../registry/system.entity';
import { StixProvenanceEntity } from '../interop/stix/import/provenance.entity';
import { WarningEntity } from '../warnings/warning.entity';
import { TaxiiStatusEntity } from '../interop/taxii/status.entity';

export const ENTITIES = [
  OrganizationEntity,
  SigningKeyEntity,
  SharingGroupEntity,
  SharingGroupMemberEntity,
  ObservableEntity,
  IndicatorEntity,
  SightingEntity,
  AssetRangeEntity,
  RangeExposureEntity,
  IndicatorExposureEntity,
  IncidentEntity,
  IncidentObservableEntity,
  IncidentEventEntity,
  AdvisoryEntity,
  AdvisoryObservableEntity,
  WarningEntity,
  TaxiiStatusEntity,
  AuditEventEntity,
  RateLimitBucketEntity,
  RateLimitLeaseEntity,
  InformationSystemEntity,
  SafetyDossierEntity,
  DossierEventEntity,
  DossierAttachmentEntity,
  RequirementEntity,
  SystemRequirementEntity,
  InspectionEntity,
  InspectionFindingEntity,
  RankingSnapshotEntity,
  StixProvenanceEntity,
];
