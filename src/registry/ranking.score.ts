import type { Counters } from './statistics.figures';

/**
 * The ranking score, 0 to 100, from four components, each 0 to 1 (docs/registry.md):
 *
 *   approvalCoverage      A = approved systems / systems in operation
 *   requirementCompliance C = 1 − unmet checklist lines / applicable lines (1 with none)
 *   incidentResponse      I = 1 / (1 + mean age of open incidents in days / 30)   (1 with none open)
 *   exposureHygiene       E = 1 / (1 + open exposures / systems)
 *
 *   score = 100 × (0.40 A + 0.30 C + 0.15 I + 0.15 E), rounded to 0.1
 *
 * I halves when open incidents are a month old on average; E halves at one
 * open exposure per system. Every input is a figure of `statistics`, over
 * what the caller may read.
 */
export const SCORE_WEIGHTS = { approvalCoverage: 0.4, requirementCompliance: 0.3, incidentResponse: 0.15, exposureHygiene: 0.15 } as const;
export const INCIDENT_AGE_SCALE_DAYS = 30;

export interface Score {
  score: number;
  approvalCoverage: number;
  requirementCompliance: number;
  incidentResponse: number;
  exposureHygiene: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function scoreOf(c: Counters): Score {
  const a = c.systems ? c.approved / c.systems : 0;
  const comp = c.applicable ? 1 - c.unmet / c.applicable : 1;
  const meanOpenDays = c.openIncidents ? c.openAgeSeconds / c.openIncidents / 86_400 : 0;
  const i = 1 / (1 + meanOpenDays / INCIDENT_AGE_SCALE_DAYS);
  const e = 1 / (1 + c.openExposures / Math.max(c.systems, 1));
  const w = SCORE_WEIGHTS;
  return {
    score: round(100 * (w.approvalCoverage * a + w.requirementCompliance * comp + w.incidentResponse * i + w.exposureHygiene * e), 1),
    approvalCoverage: round(a, 4),
    requirementCompliance: round(comp, 4),
    incidentResponse: round(i, 4),
    exposureHygiene: round(e, 4),
  };
}
