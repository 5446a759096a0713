import { ApprovalStatus, IncidentStatus } from '../common/enums';
import type { RequirementEntity } from './requirement.entity';

/**
 * One organisation's registry figures, as additive sums so that groups (by
 * kind, sector, region, subtree) are plain sums of their organisations'.
 * Times are in seconds.
 */
export interface Counters {
  systems: number;
  approved: number;
  byStatus: Map<ApprovalStatus, number>;
  /** By the level in force: the valid approved level, else the proposed one. */
  byLevel: Map<number, { systems: number; approved: number }>;
  /** Checklist lines that apply (active requirements up to each system's required level), and those not met. */
  applicable: number;
  unmet: number;
  unmetByRequirement: Map<string, number>;
  waiting: number;
  waitingSeconds: number;
  oldestWaitingSeconds: number;
  incidentsByStatus: Map<IncidentStatus, number>;
  /** Open: not RESOLVED and not CLOSED. */
  openIncidents: number;
  openAgeSeconds: number;
  oldestOpenSeconds: number;
  closedIncidents: number;
  closeSeconds: number;
  exposures: number;
  openExposures: number;
  remediatedExposures: number;
  /** Remediated exposures whose remediation time is known, and the sum of those times. */
  timedRemediations: number;
  remediationSeconds: number;
  inspectionsOverdue: number;
}

export function emptyCounters(): Counters {
  return {
    systems: 0,
    approved: 0,
    byStatus: new Map(),
    byLevel: new Map(),
    applicable: 0,
    unmet: 0,
    unmetByRequirement: new Map(),
    waiting: 0,
    waitingSeconds: 0,
    oldestWaitingSeconds: 0,
    incidentsByStatus: new Map(),
    openIncidents: 0,
    openAgeSeconds: 0,
    oldestOpenSeconds: 0,
    closedIncidents: 0,
    closeSeconds: 0,
    exposures: 0,
    openExposures: 0,
    remediatedExposures: 0,
    timedRemediations: 0,
    remediationSeconds: 0,
    inspectionsOverdue: 0,
  };
}

const addTo = <K>(m: Map<K, number>, k: K, n: number) => m.set(k, (m.get(k) ?? 0) + n);

/** `into` += `c`, in place (maxima take the larger). */
export function addCounters(into: Counters, c: Counters): Counters {
  into.systems += c.systems;
  into.approved += c.approved;
  for (const [k, n] of c.byStatus) addTo(into.byStatus, k, n);
  for (const [lvl, v] of c.byLevel) {
    const cur = into.byLevel.get(lvl) ?? { systems: 0, approved: 0 };
    into.byLevel.set(lvl, { systems: cur.systems + v.systems, approved: cur.approved + v.approved });
  }
  into.applicable += c.applicable;
  into.unmet += c.unmet;
  for (const [k, n] of c.unmetByRequirement) addTo(into.unmetByRequirement, k, n);
  into.waiting += c.waiting;
  into.waitingSeconds += c.waitingSeconds;
  into.oldestWaitingSeconds = Math.max(into.oldestWaitingSeconds, c.oldestWaitingSeconds);
  for (const [k, n] of c.incidentsByStatus) addTo(into.incidentsByStatus, k, n);
  into.openIncidents += c.openIncidents;
  into.openAgeSeconds += c.openAgeSeconds;
  into.oldestOpenSeconds = Math.max(into.oldestOpenSeconds, c.oldestOpenSeconds);
  into.closedIncidents += c.closedIncidents;
  into.closeSeconds += c.closeSeconds;
  into.exposures += c.exposures;
  into.openExposures += c.openExposures;
  into.remediatedExposures += c.remediatedExposures;
  into.timedRemediations += c.timedRemediations;
  into.remediationSeconds += c.remediationSeconds;
  into.inspectionsOverdue += c.inspectionsOverdue;
  return into;
}

/** Whether an organisation has anything counted (groups list only those). */
export function hasFigures(c: Counters): boolean {
  return c.systems + c.waiting + c.exposures + c.inspectionsOverdue + [...c.incidentsByStatus.values()].reduce((a, b) => a + b, 0) > 0;
}

const hours = (seconds: number) => Math.round((seconds / 3600) * 10) / 10;
const mean = (sum: number, n: number) => (n ? hours(sum / n) : null);
const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

/**
 * The figures as the API shows them (shares from 0 to 1, times in hours);
 * StatisticsGroup in the schema. `requirements` names the catalogue, so that
 * each unmet count carries its requirement (a plain field, not one load per line).
 */
export function figuresOf(c: Counters, requirements: ReadonlyMap<string, RequirementEntity>) {
  return {
    systems: {
      total: c.systems,
      approved: c.approved,
      approvedShare: share(c.approved, c.systems),
      byStatus: Object.values(ApprovalStatus).map((status) => ({ status, count: c.byStatus.get(status) ?? 0 })),
      byLevel: [1, 2, 3, 4, 5].map((level) => ({ level, systems: c.byLevel.get(level)?.systems ?? 0, approved: c.byLevel.get(level)?.approved ?? 0 })),
    },
    requirements: {
      applicable: c.applicable,
      unmet: c.unmet,
      metShare: share(c.applicable - c.unmet, c.applicable),
      byRequirement: [...c.unmetByRequirement.entries()]
        .filter(([id, n]) => n > 0 && requirements.has(id))
        .map(([id, unmet]) => ({ requirement: requirements.get(id)!, unmet }))
        .sort((a, b) => b.unmet - a.unmet || a.requirement.code.localeCompare(b.requirement.code)),
    },
    dossiers: { waiting: c.waiting, meanWaitingHours: mean(c.waitingSeconds, c.waiting), oldestWaitingHours: c.waiting ? hours(c.oldestWaitingSeconds) : null },
    incidents: {
      total: [...c.incidentsByStatus.values()].reduce((a, b) => a + b, 0),
      byStatus: Object.values(IncidentStatus).map((status) => ({ status, count: c.incidentsByStatus.get(status) ?? 0 })),
      open: c.openIncidents,
      meanOpenAgeHours: mean(c.openAgeSeconds, c.openIncidents),
      oldestOpenAgeHours: c.openIncidents ? hours(c.oldestOpenSeconds) : null,
      closed: c.closedIncidents,
      meanTimeToCloseHours: mean(c.closeSeconds, c.closedIncidents),
    },
    exposures: {
      total: c.exposures,
      open: c.openExposures,
      remediated: c.remediatedExposures,
      meanTimeToRemediationHours: mean(c.remediationSeconds, c.timedRemediations),
    },
    inspectionsOverdue: c.inspectionsOverdue,
  };
}
export type Figures = ReturnType<typeof figuresOf>;
