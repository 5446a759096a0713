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
