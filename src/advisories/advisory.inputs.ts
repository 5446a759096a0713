import type { AdvisoryStatus, Severity } from '../common/enums';
import type { ObservableRef, Shared } from '../intel/intel.inputs';

/** Plain inputs of the advisory service; the GraphQL input classes implement them. */
export interface AdvisoryAudienceInput {
  everyone?: boolean | null;
  sectors?: string[] | null;
  regions?: string[] | null;
  /** Organisation codes. */
  organizations?: string[] | null;
}

/** A revision: fields left out (or null) stay as they are; a list given replaces the stored one. */
export interface AdvisoryRevisionInput extends Shared {
  title?: string | null;
  summary?: string | null;
  body?: string | null;
  severity?: Severity | null;
  cveIds?: string[] | null;
  affectedProducts?: string[] | null;
  recommendedActions?: string[] | null;
  observables?: ObservableRef[] | null;
  audience?: AdvisoryAudienceInput | null;
}

export interface AdvisoryInput extends AdvisoryRevisionInput {
  title: string;
  summary: string;
}

export interface AdvisoryFilter {
  statuses?: AdvisoryStatus[] | null;
  minSeverity?: Severity | null;
  cve?: string | null;
  authors?: string[] | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
  forMe?: boolean | null;
}
