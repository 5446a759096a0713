import type { Principal } from '../auth/principal';
import type { ObservableEntity } from '../intel/observable.entity';
import { mapLoader } from '../organizations/organization.loaders';
import type { IncidentEntity, IncidentEventEntity } from './incident.entity';
import type { IncidentService } from './incident.service';

/** Per-request loaders: a page of incidents costs one query per nested list; references by id one query per batch. */
export function incidentLoaders(incidents: IncidentService, p: Principal) {
  return {
    incidentById: mapLoader<IncidentEntity | undefined>((ids) => incidents.byIds(p, ids), undefined),
    incidentObservables: mapLoader<ObservableEntity[]>((ids) => incidents.observablesOf(p, [...ids]), []),
    incidentTimeline: mapLoader<IncidentEventEntity[]>((ids) => incidents.timelinesOf(p, [...ids]), []),
  };
}
export type IncidentLoaders = ReturnType<typeof incidentLoaders>;
