import type { DataSource, EntityManager } from 'typeorm';
import type { AdvisoryService } from '../../../advisories/advisory.service';
import type { Authorizer } from '../../../auth/authorize';
import type { Principal } from '../../../auth/principal';
import { domainErrorOf, InputProblem } from '../../../common/errors';
import type { IncidentService } from '../../../incidents/incident.service';
import type { IndicatorService } from '../../../intel/indicator.service';
import type { SightingService } from '../../../intel/sighting.service';
import type { BundleIndex, Obj } from './bundle';

/**
 * IMPORTED and UPDATED: stored; UNCHANGED: this version is already held;
 * IGNORED: nothing to do (an older version, a duplicate, a revoked object
 * never held); REFERENCE: read for context (identities, markings, SCOs);
 * REJECTED: not imported, `reason` says why.
 */
export type StixStatus = 'IMPORTED' | 'UPDATED' | 'UNCHANGED' | 'IGNORED' | 'REFERENCE' | 'REJECTED';

/** What became of one STIX object of an import. */
export interface StixObjectResult {
  index: number;
  id: string | null;
  type: string | null;
  status: StixStatus;
  reason: string | null;
  /** The ThreatFed indicators this object became (indicators only; kept for existing clients). */
  indicatorIds: string[];
  /** Indicator, Sighting, Incident (also for notes: the incident they were added to) or Advisory. */
  localType: string | null;
  localIds: string[];
}

export interface StixImportResult {
  results: StixObjectResult[];
  imported: number;
  updated: number;
  unchanged: number;
  ignored: number;
  rejected: number;
}

/** The services an import writes through (each authorizes); `db` only opens the import's transaction. */
export interface ImportServices {
  db: DataSource;
  authz: Authorizer;
  indicators: IndicatorService;
  sightings: SightingService;
  incidents: IncidentService;
  advisories: AdvisoryService;
}

export type { Obj } from './bundle';

/** Why an object cannot be imported: the STIX field and the rule. */
export class Refusal extends Error {}
export const refuse = (field: string, rule: string): never => {
  throw new Refusal(`${field}: ${rule}`);
};

/** One importable object of the bundle. */
export interface Entry {
  index: number;
  id: string;
  type: string;
  o: Obj;
  /** `modified` (or `created`) as given; null when the object has neither. */
  modified: string | null;
  sourceRef: string | null;
}

/** Where an object stands against the version the organisation holds. */
export type ClaimState = 'NEW' | 'NEWER' | 'SAME' | 'OLDER';
export interface Claim {
  state: ClaimState;
  localIds: string[];
}

/** One import attempt inside its transaction. */
export interface Run {
  p: Principal;
  m: EntityManager;
  s: ImportServices;
  bundle: BundleIndex;
  results: StixObjectResult[];
  claims: Map<string, Claim>;
  /** Local incident ids of the bundle's incidents, for the notes about them. */
  localIncidents: Map<string, string>;
  /** What the provenance table must say once the objects are written. */
  settled: { entry: Entry; localType: string; localIds: string[] }[];
  /** Claimed (NEW) rows to drop because their object was not stored. */
  dropped: string[];
}

/** Records a stored object (result and provenance). */
export function stored(run: Run, e: Entry, status: 'IMPORTED' | 'UPDATED', localType: string, localIds: string[], reason: string | null = null): void {
  Object.assign(run.results[e.index], { status, localType, localIds, reason });
  run.settled.push({ entry: e, localType, localIds });
}

/** Records an object that was not stored; a NEW claim for it is dropped. */
export function notStored(run: Run, e: Entry, status: 'REJECTED' | 'IGNORED', reason: string): void {
  Object.assign(run.results[e.index], { status, reason, localIds: [], indicatorIds: [] });
  if (run.claims.get(e.id)?.state === 'NEW') run.dropped.push(e.id);
}

/**
 * The reason a service refused an object, its input field names turned back
 * into the STIX fields they came from. Anything not a domain error is
 * internal and propagates.
 */
export function reasonOf(err: unknown, fields: Record<string, string>): string {
  if (err instanceof Refusal) return err.message;
  const d = domainErrorOf(err);
  if (!d) throw err;
  if (d instanceof InputProblem || typeof (d as InputProblem).field === 'string') {
    const f = (d as InputProblem).field.replace(/^input\[\d+\]\./, 'input.');
    const key = Object.keys(fields).find((k) => f === k || f.startsWith(`${k}[`) || f.startsWith(`${k}.`));
    return `${key ? fields[key] + f.slice(key.length) : f}: ${(d as InputProblem).rule}`;
  }
  return d.message;
}

/** Runs one object's writes in a savepoint: a refusal leaves nothing of it behind and the import goes on. */
export async function eachInSavepoint(run: Run, e: Entry, fields: Record<string, string>, work: (r: Run) => Promise<void>): Promise<void> {
  const mark = run.settled.length;
  try {
    await run.m.transaction((m) => work({ ...run, m }));
  } catch (err) {
    run.settled.length = mark;
    notStored(run, e, 'REJECTED', reasonOf(err, fields));
  }
}
