import type { IncidentCategory, IncidentStatus, Severity } from '../common/enums';
import type { ObservableRef, Shared } from '../intel/intel.inputs';

/** Plain inputs of the incident service; the GraphQL input classes implement them. */
export interface IncidentInput extends Shared {
  title: string;
  description?: string | null;
  category: IncidentCategory;
  severity?: Severity | null;
  occurredAt?: Date | null;
  detectedAt?: Date | null;
  affectedSystems?: string[] | null;
  observables?: ObservableRef[] | null;
}

export interface IncidentUpdateInput {
  status?: IncidentStatus | null;
  note?: string | null;
  /** null unassigns; undefined leaves it as it is. */
  assignee?: string | null;
}

export interface IncidentFilter {
  statuses?: IncidentStatus[] | null;
  minSeverity?: Severity | null;
  categories?: IncidentCategory[] | null;
  authors?: string[] | null;
  reportedAfter?: Date | null;
  reportedBefore?: Date | null;
  assignee?: string | null;
}
