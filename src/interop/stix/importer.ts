import type { AdvisoryInput } from '../../advisories/advisory.inputs';
import type { Principal } from '../../auth/principal';
import { badInput } from '../../common/errors';
import { retryTransaction } from '../../db/retry';
import type { IndicatorInput, SightingInput } from '../../intel/intel.inputs';
import { indexBundle, objectsOf, REFERENCE_TYPES, SCO_TYPES, str, type BundleIndex } from './import/bundle';
import { checkIncident, checkNote, importIncidents, importNotes, type CheckedIncident } from './import/incidents';
import { checkIndicator, importIndicators } from './import/indicators';
import { claim, settle } from './import/provenance';
import { checkReport, importReports } from './import/reports';
import { checkSighting, importSightings } from './import/sightings';
import { Refusal, type Entry, type ImportServices, type Run, type StixImportResult, type StixObjectResult } from './import/types';

export type { StixImportResult, StixObjectResult } from './import/types';
export { MAX_STIX_OBJECTS, objectsOf } from './import/bundle';

const KIND: Record<string, string> = { indicator: 'Indicator', sighting: 'Sighting', incident: 'Incident', note: 'Incident', report: 'Advisory' };
/**
 * Incidents and reports are written one by one through their services (each a
 * few statements), unlike indicators, sightings and notes, which go in bulk:
 * a bundle carries at most this many of each, so that its time stays bounded.
 */
export const MAX_ONE_BY_ONE = 500;
const ONE_BY_ONE: Record<string, string> = { incident: 'incidents', report: 'reports' };
const STIX_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The checked, importable objects of a bundle by kind. */
interface Plan {
  indicators: { e: Entry; items: IndicatorInput[] }[];
  sightings: { e: Entry; input: SightingInput }[];
  incidents: { e: Entry; checked: CheckedIncident }[];
  notes: { e: Entry; text: string }[];
  reports: { e: Entry; input: AdvisoryInput }[];
}

/**
 * STIX 2.1 in. Indicators, sightings, incidents, notes (incident timeline
 * entries) and reports (advisory drafts) become objects of the caller's
 * organisation through the modules' services, which authorize and check them
 * as they would a GraphQL call. `created_by_ref` is provenance, never
 * authorship. Each object is claimed by (organisation, STIX id) in the
 * provenance table: the same `modified` again is UNCHANGED, an older one
 * IGNORED, a newer one updates what it became. Everything else is reported
 * per object, with the STIX field and rule it breaks.
 */
export class StixImporter {
  constructor(private readonly s: ImportServices) {}

  async import(p: Principal, doc: unknown, opts: { atomic?: boolean } = {}): Promise<StixImportResult> {
    await this.s.authz.authorize(p, 'stix.import');
    const objects = objectsOf(doc);
    const bundle = indexBundle(objects);
    const { base, plan, entries } = this.check(objects, bundle);
    if (opts.atomic) refuseAll(base, objects.length);
    if (!entries.length) return summary(base);
    const results = await retryTransaction(() => this.s.db.transaction(async (m) => {
      const run: Run = {
        p, m, s: this.s, bundle, results: base.map((r) => ({ ...r, indicatorIds: [], localIds: [] })),
        claims: await claim(m, p.orgId, entries, (e) => KIND[e.type]), localIncidents: new Map(), settled: [], dropped: [],
      };
      const live = <T extends { e: Entry }>(list: T[]) => list.filter(({ e }) => {
        const c = run.claims.get(e.id)!;
        const r = run.results[e.index];
        if (c.state === 'SAME') Object.assign(r, { status: 'UNCHANGED', localType: KIND[e.type], localIds: c.localIds, indicatorIds: e.type === 'indicator' ? c.localIds : [] });
        if (c.state === 'OLDER') Object.assign(r, { status: 'IGNORED', reason: 'older than the version held', localType: KIND[e.type], localIds: c.localIds });
        if ((c.state === 'SAME' || c.state === 'OLDER') && e.type === 'incident' && c.localIds[0]) run.localIncidents.set(e.id, c.localIds[0]);
        return c.state === 'NEW' || c.state === 'NEWER';
      });
      await importIndicators(run, live(plan.indicators));
      await importSightings(run, live(plan.sightings));
      await importIncidents(run, live(plan.incidents));
      await importNotes(run, live(plan.notes));
      await importReports(run, live(plan.reports));
      await settle(run);
      // Nothing of an atomic import survives a refusal found while writing: the transaction rolls back.
      if (opts.atomic) refuseAll(run.results, objects.length);
      return run.results;
    }));
    return summary(results);
  }

  /** Reads every object without touching the database: REFERENCE, REJECTED with its reason, or an entry to import. */
  private check(objects: unknown[], bundle: BundleIndex): { base: StixObjectResult[]; plan: Plan; entries: Entry[] } {
    const base: StixObjectResult[] = [];
    const plan: Plan = { indicators: [], sightings: [], incidents: [], notes: [], reports: [] };
    const latest = new Map<string, Entry>();
    const counted: Record<string, number> = {};
    objects.forEach((raw, index) => {
      const o = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
      const type = str(o.type)?.slice(0, 64) ?? null;
      const id = str(o.id)?.slice(0, 200) ?? null;
      const r: StixObjectResult = { index, id, type, status: 'REJECTED', reason: null, indicatorIds: [], localType: null, localIds: [] };
      base.push(r);
      if (!type || !id) return void (r.reason = 'not a STIX object: type and id are required');
      if (REFERENCE_TYPES.has(type) || SCO_TYPES.has(type)) return void ((r.status = 'REFERENCE'), (r.reason = 'read for context; not stored'));
      if (!KIND[type]) return void (r.reason = `objects of type ${type} are not imported`);
      if (!id.startsWith(`${type}--`)) return void (r.reason = `id: must start with ${type}--`);
      if (ONE_BY_ONE[type] && (counted[type] = (counted[type] ?? 0) + 1) > MAX_ONE_BY_ONE) {
        return void (r.reason = `at most ${MAX_ONE_BY_ONE} ${ONE_BY_ONE[type]} are imported per bundle; send the rest in another bundle`);
      }
      const modified = str(o.modified) ?? str(o.created);
      if ((o.modified ?? o.created) !== undefined && !(modified && STIX_TIMESTAMP.test(modified))) {
        return void (r.reason = 'modified: must be a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)');
      }
      const e: Entry = { index, id, type, o, modified, sourceRef: str(o.created_by_ref)?.slice(0, 200) ?? null };
      try {
        if (type === 'indicator') plan.indicators.push({ e, items: checkIndicator(e, bundle) });
        if (type === 'sighting') plan.sightings.push({ e, input: checkSighting(e, bundle) });
        if (type === 'incident') plan.incidents.push({ e, checked: checkIncident(e, bundle) });
        if (type === 'note') plan.notes.push({ e, text: checkNote(e) });
        if (type === 'report') plan.reports.push({ e, input: checkReport(e, bundle) });
      } catch (err) {
        if (err instanceof Refusal) return void (r.reason = err.message);
        throw err;
      }
      r.status = 'UPDATED';
      // Several versions of one object in a bundle (a TAXII versions page): the newest is imported, the others are reported.
      const prev = latest.get(id);
      if (!prev || (modified ?? '') >= (prev.modified ?? '')) {
        if (prev) Object.assign(base[prev.index], { status: 'IGNORED', reason: `a newer or equal version of ${id} is at index ${index}` });
        latest.set(id, e);
      } else Object.assign(r, { status: 'IGNORED', reason: `a newer version of ${id} is at index ${prev.index}` });
    });
    const keep = new Set(latest.values());
    for (const k of Object.keys(plan) as (keyof Plan)[]) (plan[k] as { e: Entry }[]) = (plan[k] as { e: Entry }[]).filter(({ e }) => keep.has(e));
    return { base, plan, entries: [...keep] };
  }
}

function refuseAll(results: StixObjectResult[], total: number): void {
  const refused = results.filter((r) => r.status === 'REJECTED');
  if (!refused.length) return;
  const e = badInput('bundle', `${refused.length} of ${total} objects cannot be imported, nothing was stored; first: ${refused[0].reason}`);
  Object.assign(e.details, { objects: refused.map((r) => ({ index: r.index, id: r.id, reason: r.reason })) });
  throw e;
}

function summary(results: StixObjectResult[]): StixImportResult {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return { results, imported: count('IMPORTED'), updated: count('UPDATED'), unchanged: count('UNCHANGED'), ignored: count('IGNORED'), rejected: count('REJECTED') };
}
