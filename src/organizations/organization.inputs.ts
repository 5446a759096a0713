import type { OrgKind, OrgStatus, Role, Tlp } from '../common/enums';

/** Plain inputs of the organisation service; the GraphQL input classes implement them. */
export interface OrganizationInput {
  code: string;
  name: string;
  kind: OrgKind;
  sector?: string | null;
  region?: string | null;
  parent?: string | null;
  allowedRoles?: Role[] | null;
  defaultTlp?: Tlp | null;
}

export interface OrganizationUpdateInput {
  name?: string | null;
  sector?: string | null;
  region?: string | null;
  status?: OrgStatus | null;
  allowedRoles?: Role[] | null;
  defaultTlp?: Tlp | null;
}

/** Per-organisation limits: a number sets an override, null returns to the default for the kind, absent leaves it. */
export interface OrganizationLimitsInput {
  readsPerMinute?: number | null;
  bulkItemsPerMinute?: number | null;
  subscriptions?: number | null;
  connections?: number | null;
}
