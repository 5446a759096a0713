import { actsForAuthor } from '../auth/policy';
import { hasRole, type Principal } from '../auth/principal';
import { IncidentStatus, Role } from '../common/enums';

/**
 * The incident life cycle. RESOLVED may go back to TRIAGED because a "fixed"
 * system is often found compromised again; CLOSED is final so that closed
 * cases stay closed in statistics and reports.
 */
export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  [IncidentStatus.REPORTED]: [IncidentStatus.TRIAGED, IncidentStatus.CLOSED],
  [IncidentStatus.TRIAGED]: [IncidentStatus.CONTAINED, IncidentStatus.RESOLVED, IncidentStatus.CLOSED],
  [IncidentStatus.CONTAINED]: [IncidentStatus.RESOLVED, IncidentStatus.CLOSED],
  [IncidentStatus.RESOLVED]: [IncidentStatus.CLOSED, IncidentStatus.TRIAGED],
  [IncidentStatus.CLOSED]: [],
};

/** Statuses reachable from `from` in one step. */
export function nextStatuses(from: IncidentStatus): readonly IncidentStatus[] {
  return TRANSITIONS[from];
}

/** Why `from → to` is not a move of the life cycle, or null when it is. */
export function transitionProblem(from: IncidentStatus, to: IncidentStatus): string | null {
  const allowed = TRANSITIONS[from];
  if (allowed.includes(to)) return null;
  if (!allowed.length) return `cannot change the status of a ${from} incident: ${from} is final`;
  return `cannot move an incident from ${from} to ${to}; allowed next statuses: ${allowed.join(', ')}`;
}

/** Triage, assignment and reopening are the national centre's job: a coordinator organisation's analysts. */
export function isCoordinatorAnalyst(p: Principal): boolean {
  return p.isCoordinator && hasRole(p, Role.ANALYST);
}

/** The reporting organisation and the organisations above it follow their own incident to closure. */
export function isReportingSide(p: Principal, authorId: string): boolean {
  return actsForAuthor(p, authorId) && hasRole(p, Role.REPORTER);
}
