import { IncidentStatus } from '../common/enums';

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
