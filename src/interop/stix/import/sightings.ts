import type { SightingInput } from '../../../intel/intel.inputs';
import { date, str, tlpOf, type BundleIndex } from './bundle';
import { observablesOfRef } from './scos';
import { notStored, refuse, stored, type Entry, type Run } from './types';

const FIELDS: Record<string, string> = { count: 'count', firstSeen: 'first_seen', lastSeen: 'last_seen', note: 'description', value: 'sighting_of_ref', recipients: 'object_marking_refs' };

/**
 * A STIX sighting as a ThreatFed sighting of one observable: `sighting_of_ref`
 * must name an SCO of the bundle, or an indicator of the bundle whose pattern
 * names exactly one observable (ThreatFed sightings are of observables).
 * `where_sighted_refs` is provenance: the sighting is the caller's.
 */
export function checkSighting(e: Entry, bundle: BundleIndex): SightingInput {
  const o = e.o;
  const obs = observablesOfRef(o.sighting_of_ref, bundle);
  if (obs.length !== 1) {
    refuse('sighting_of_ref', obs.length
      ? 'names an indicator whose pattern names several observables; ThreatFed sightings are of one observable'
      : 'must name an observable (an SCO) or a single-observable indicator included in the same bundle');
  }
  if (o.count !== undefined && (typeof o.count !== 'number' || !Number.isInteger(o.count))) refuse('count', 'must be an integer');
  return {
    ...obs[0],
    count: typeof o.count === 'number' ? o.count : null,
    firstSeen: date(o.first_seen),
    lastSeen: date(o.last_seen),
    note: str(o.description) || null,
    tlp: tlpOf(o, bundle.markings),
  };
}

/** New sightings in one bulk call; a newer version of a held sighting changes nothing (sightings are events, never revised). */
export async function importSightings(run: Run, entries: { e: Entry; input: SightingInput }[]): Promise<void> {
  const fresh = entries.filter(({ e }) => {
    if (run.claims.get(e.id)!.state === 'NEW') return true;
    notStored(run, e, 'IGNORED', 'a sighting is an event: ThreatFed keeps the version first imported and does not revise it');
    return false;
  });
  if (!fresh.length) return;
  const res = await run.s.sightings.report(run.p, fresh.map((f) => f.input), run.m);
  res.results.forEach((r, n) => {
    const { e } = fresh[n];
    if (r.error) {
      const f = r.error.field.replace(/^input\[\d+\]\./, '');
      notStored(run, e, 'REJECTED', `${FIELDS[f] ?? f}: ${r.error.message.replace(/^input\[\d+\]\.\w+: /, '')}`);
    } else stored(run, e, 'IMPORTED', 'Sighting', [r.sighting!.id]);
  });
}
