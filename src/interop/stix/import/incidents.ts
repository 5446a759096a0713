import { allows } from '../../../auth/authorize';
import { IncidentCategory, IncidentStatus, Severity } from '../../../common/enums';
import type { IncidentInput } from '../../../incidents/incident.inputs';
import { transitionProblem } from '../../../incidents/incident-status';
import { MAX_NOTE } from '../../../incidents/incident.service';
import { InputProblem } from '../../../common/errors';
import { text } from '../../../common/validate';
import { INCIDENT_CORE_EXTENSION } from '../to-stix';
import { date, str, tlpOf, type BundleIndex } from './bundle';
import { heldLocalIds } from './provenance';
import { eachInSavepoint, notStored, reasonOf, refuse, stored, type Entry, type Obj, type Run } from './types';

const FIELDS = { 'input.title': 'name', 'input.description': 'description', 'input.detectedAt': 'first_seen', 'input.note': 'content', 'input.status': 'investigation_status' };

/** An incident as ThreatFed reads it, and the status its investigation_status maps to. */
export interface CheckedIncident {
  input: IncidentInput;
  status: IncidentStatus;
}

function core(o: Obj): Record<string, unknown> {
  const ext = o.extensions && typeof o.extensions === 'object' ? (o.extensions as Record<string, unknown>)[INCIDENT_CORE_EXTENSION] : undefined;
  return ext && typeof ext === 'object' ? (ext as Record<string, unknown>) : {};
}

/** The reverse of to-stix.ts's CRITICALITY: the band a criticality (0–100) falls in. */
function severityOf(c: unknown): Severity | null {
  if (c === undefined) return null;
  if (typeof c !== 'number' || c < 0 || c > 100) return refuse('extensions.incident-core.criticality', 'must be a number from 0 to 100');
  return c >= 90 ? Severity.CRITICAL : c >= 70 ? Severity.HIGH : c >= 50 ? Severity.MEDIUM : c >= 30 ? Severity.LOW : Severity.INFO;
}

function categoryOf(ext: Record<string, unknown>, o: Obj): IncidentCategory {
  const names = [...(Array.isArray(ext.incident_types) ? ext.incident_types : []), ...(Array.isArray(o.labels) ? o.labels : [])];
  for (const n of names.slice(0, 50)) {
    const key = typeof n === 'string' ? n.toUpperCase().replace(/-/g, '_') : '';
    if (key in IncidentCategory) return key as IncidentCategory;
  }
  return IncidentCategory.OTHER;
}

/** `new` stays REPORTED; `open` is TRIAGED; `closed` is CLOSED (RESOLVED and CLOSED both export as closed). */
const STATUS_OF: Record<string, IncidentStatus> = { new: IncidentStatus.REPORTED, open: IncidentStatus.TRIAGED, closed: IncidentStatus.CLOSED };

export function checkIncident(e: Entry, bundle: BundleIndex): CheckedIncident {
  const o = e.o;
  const ext = core(o);
  const name = str(o.name);
  if (!name) refuse('name', 'is required (it becomes the incident title)');
  const st = ext.investigation_status;
  if (st !== undefined && (typeof st !== 'string' || !STATUS_OF[st])) refuse('extensions.incident-core.investigation_status', 'must be new, open or closed');
  return {
    input: {
      title: name!,
      description: str(o.description),
      category: categoryOf(ext, o),
      severity: severityOf(ext.criticality),
      detectedAt: date(ext.first_seen),
      // Unmarked: the incidents module's own default (AMBER+STRICT, or RED for an organisation whose default is RED).
      tlp: tlpOf(o, bundle.markings),
    },
    status: STATUS_OF[(st as string) ?? 'new'],
  };
}

/** Why the status cannot be moved to `to`, or null after moving it (triage needs a coordinator's ANALYST). */
async function moveStatus(run: Run, localId: string, from: IncidentStatus, to: IncidentStatus): Promise<string | null> {
  if (from === to) return null;
  const problem = transitionProblem(from, to);
  if (problem) return `investigation_status not applied: ${problem}`;
  if (to === IncidentStatus.TRIAGED && !allows(run.p, 'incident.triage', {})) {
    return 'investigation_status open not applied: only a coordinator organisation\'s ANALYST may triage; the incident stays REPORTED';
  }
  await run.s.incidents.update(run.p, localId, { status: to }, run.m);
  return null;
}

/** New incidents are reported through IncidentService (the caller is the author); newer versions move the status. */
export async function importIncidents(run: Run, entries: { e: Entry; checked: CheckedIncident }[]): Promise<void> {
  for (const { e, checked } of entries) {
    const claim = run.claims.get(e.id)!;
    await eachInSavepoint(run, e, FIELDS, async (r) => {
      if (claim.state === 'NEW') {
        const inc = await r.s.incidents.report(r.p, checked.input, r.m);
        const note = await moveStatus(r, inc.id, inc.status, checked.status);
        stored(r, e, 'IMPORTED', 'Incident', [inc.id], note);
        r.localIncidents.set(e.id, inc.id);
        return;
      }
      const [id] = claim.localIds;
      const inc = id ? await r.s.incidents.byId(r.p, id) : null;
      if (!inc) return refuse('id', 'the incident it was imported as no longer exists');
      const note = await moveStatus(r, inc.id, inc.status, checked.status);
      stored(r, e, 'UPDATED', 'Incident', [inc.id], note ?? 'a newer version moves the status; title and description keep the first version');
      r.localIncidents.set(e.id, inc.id);
    });
  }
}

/** A note's text: its abstract, then its content when that says more. */
export function checkNote(e: Entry): string {
  const o = e.o;
  const refs = Array.isArray(o.object_refs) ? o.object_refs : refuse('object_refs', 'is required (a list of ids)');
  if (!refs.some((x) => typeof x === 'string' && x.startsWith('incident--'))) refuse('object_refs', 'names no incident: only notes about incidents are imported (as timeline entries)');
  const abstract = str(o.abstract);
  const content = str(o.content) ?? refuse('content', 'is required');
  const joined = abstract && !content.startsWith(abstract) ? `${abstract}\n\n${content}` : content;
  if (joined.length > MAX_NOTE) refuse('content', `must be at most ${MAX_NOTE} characters with its abstract (an incident timeline note)`);
  try {
    // The timeline's own rule, checked per note here so that one bad note is refused alone.
    return text('content', joined, { max: MAX_NOTE, multiline: true });
  } catch (err) {
    if (err instanceof InputProblem) refuse('content', err.rule);
    throw err;
  }
}

/**
 * The incident a note is about: one of the bundle's (as imported now or
 * before), one this organisation imported earlier, or a ThreatFed incident
 * (`incident--<id>`) the caller may read; the update itself then decides
 * whether the caller may add to its timeline.
 */
async function incidentOf(run: Run, refs: unknown[], memo: Map<string, string | null>): Promise<string | null> {
  for (const ref of refs.slice(0, 100)) {
    if (typeof ref !== 'string' || !ref.startsWith('incident--')) continue;
    if (!memo.has(ref)) memo.set(ref, await resolveIncident(run, ref));
    const found = memo.get(ref);
    if (found) return found;
  }
  return null;
}

async function resolveIncident(run: Run, ref: string): Promise<string | null> {
  const local = run.localIncidents.get(ref) ?? (await heldLocalIds(run.m, run.p.orgId, ref, 'Incident'))[0];
  if (local) return local;
  const uuid = ref.slice('incident--'.length);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid) && (await run.s.incidents.byId(run.p, uuid)) ? uuid : null;
}

/**
 * Notes in the order they were written, as NOTE entries of their incidents'
 * timelines: one IncidentService.addNotes call per incident, so a whole
 * exported timeline costs a handful of statements, not a few per note.
 */
export async function importNotes(run: Run, entries: { e: Entry; text: string }[]): Promise<void> {
  const ordered = [...entries].sort((a, b) => String(a.e.o.created ?? '').localeCompare(String(b.e.o.created ?? '')) || a.e.index - b.e.index);
  const byIncident = new Map<string, { e: Entry; text: string; newer: boolean }[]>();
  const memo = new Map<string, string | null>();
  for (const { e, text } of ordered) {
    const incidentId = await incidentOf(run, e.o.object_refs as unknown[], memo);
    if (!incidentId) {
      notStored(run, e, 'REJECTED', 'object_refs: names no incident in the bundle, imported by this organisation, or readable by it');
      continue;
    }
    const newer = run.claims.get(e.id)!.state === 'NEWER';
    byIncident.set(incidentId, [...(byIncident.get(incidentId) ?? []), { e, text: newer ? `(revised) ${text}`.slice(0, MAX_NOTE) : text, newer }]);
  }
  for (const [incidentId, notes] of byIncident) {
    const mark = run.settled.length;
    try {
      await run.s.incidents.addNotes(run.p, incidentId, notes.map((n) => n.text), run.m);
      for (const n of notes) {
        stored(run, n.e, n.newer ? 'UPDATED' : 'IMPORTED', 'Incident', [incidentId], n.newer ? 'the revised note is added to the timeline; entries are never rewritten' : null);
      }
    } catch (err) {
      run.settled.length = mark;
      const reason = reasonOf(err, FIELDS);
      for (const n of notes) notStored(run, n.e, 'REJECTED', reason);
    }
  }
}
