import type { ObservableType, Severity, ThreatType, Tlp } from '../common/enums';

/** Plain inputs of the intel services; the GraphQL input classes implement them, and STIX import builds them too. */

/** An observable named by type and value (normalised before use). */
export interface ObservableRef {
  type: ObservableType;
  value: string;
}

/** Who an object is shared with, as organisation codes or sharing-group names. */
export interface Shared {
  tlp?: Tlp | null;
  recipients?: string[] | null;
}

export interface IndicatorInput extends ObservableRef, Shared {
  confidence?: number | null;
  severity?: Severity | null;
  threatTypes?: ThreatType[] | null;
  tags?: string[] | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
  description?: string | null;
}

export interface SightingInput extends ObservableRef, Shared {
  count?: number | null;
  firstSeen?: Date | null;
  lastSeen?: Date | null;
  location?: string | null;
  note?: string | null;
}

export interface IndicatorFilter {
  types?: ObservableType[] | null;
  value?: string | null;
  valueContains?: string | null;
  minSeverity?: Severity | null;
  severities?: Severity[] | null;
  tlp?: Tlp[] | null;
  threatTypes?: ThreatType[] | null;
  tags?: string[] | null;
  authors?: string[] | null;
  minConfidence?: number | null;
  reportedAfter?: Date | null;
  reportedBefore?: Date | null;
  includeRevoked?: boolean | null;
}

/** Why one item of a bulk call was refused. */
export interface ItemError {
  code: string;
  field: string;
  message: string;
}
