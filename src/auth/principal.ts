import { OrgKind, Role, ROLE_ORDER } from '../common/enums';

/** Who is calling, resolved from a verified token plus the organisation tree and group memberships. */
export interface Principal {
  orgId: string;
  orgCode: string;
  orgKind: OrgKind;
  isCoordinator: boolean;
  sub: string;
  roles: Role[];
  jti: string;
  kid: string;
  expiresAt: Date;
  /** The caller's organisation and all its ancestors. */
  lineage: string[];
  /** Every organisation below the caller's (not including it). */
  descendants: string[];
  /** Sharing groups the caller's organisation is a member of. */
  groupsSelf: string[];
  /** Sharing groups any organisation of `lineage` is a member of. */
  groupsLineage: string[];
}

/** Roles are cumulative, so a principal holds `role` when any of its roles ranks at least as high. */
export function hasRole(p: Pick<Principal, 'roles'>, role: Role): boolean {
  const need = ROLE_ORDER.indexOf(role);
  return p.roles.some((r) => ROLE_ORDER.indexOf(r) >= need);
}

/** Who made a write, as stored on rows and in the audit log. */
export function actorName(p: Principal): string {
  return `${p.orgCode}/${p.sub}`;
}
