import type { Principal } from '../auth/principal';
import { mapLoader } from '../organizations/organization.loaders';
import type { DossierQueryService } from './dossier-query.service';
import type { DossierAttachmentEntity, DossierEventEntity, SafetyDossierEntity } from './dossier.entity';
import type { InspectionEntity, InspectionFindingEntity } from './inspection.entity';
import type { InspectionService } from './inspection.service';
import type { RequirementEntity, SystemRequirementEntity } from './requirement.entity';
import type { RequirementService } from './requirement.service';
import type { InformationSystemEntity } from './system.entity';
import type { InformationSystemService, SystemRange } from './system.service';

export interface RegistryReaders {
  systems: InformationSystemService;
  requirements: RequirementService;
  dossiers: DossierQueryService;
  inspections: InspectionService;
}

/** Per-request loaders of the registry: a page of systems or dossiers costs one query per nested field. */
export function registryLoaders(r: RegistryReaders, p: Principal) {
  return {
    informationSystem: mapLoader<InformationSystemEntity | undefined>((ids) => r.systems.byIds(p, ids), undefined),
    systemRanges: mapLoader<SystemRange[]>((ids) => r.systems.rangesOf(p, ids), []),
    checklist: mapLoader<SystemRequirementEntity[]>((ids) => r.requirements.checklistOf(p, ids), []),
    requirement: mapLoader<RequirementEntity | undefined>((ids) => r.requirements.byIds(p, ids), undefined),
    currentDossier: mapLoader<SafetyDossierEntity | undefined>((ids) => r.dossiers.currentOf(p, ids), undefined),
    dossierHistory: mapLoader<DossierEventEntity[]>((ids) => r.dossiers.historyOf(p, ids), []),
    dossierAttachments: mapLoader<DossierAttachmentEntity[]>((ids) => r.dossiers.attachmentsOf(p, ids), []),
    attachmentContent: mapLoader<Buffer | undefined>((ids) => r.dossiers.contentOf(p, ids), undefined),
    systemInspections: mapLoader<InspectionEntity[]>((ids) => r.inspections.ofSystems(p, ids), []),
    inspectionFindings: mapLoader<InspectionFindingEntity[]>((ids) => r.inspections.findingsOf(p, ids), []),
  };
}
export type RegistryLoaders = ReturnType<typeof registryLoaders>;
