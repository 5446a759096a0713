import { denial } from '../../../auth/authorize';
import { Severity } from '../../../common/enums';
import type { AdvisoryInput } from '../../../advisories/advisory.inputs';
import type { ObservableRef } from '../../../intel/intel.inputs';
import { observableKey } from '../../../intel/observable.writes';
import { str, tlpOf, type BundleIndex } from './bundle';
import { observablesOfRef } from './scos';
import { eachInSavepoint, notStored, refuse, stored, type Entry, type Run } from './types';

/** An advisory links at most this many observables (AdvisoryService's own limit), so a report may reference no more. */
export const MAX_REPORT_REFS = 1000;
const FIELDS = {
  'input.title': 'name', 'input.summary': 'description', 'input.body': 'description', 'input.cveIds': 'external_references',
  'input.recommendedActions': 'description', 'input.observables': 'object_refs', 'input.tlp': 'object_marking_refs',
};
const CVE = /^CVE-\d{4}-\d{4,19}$/i;
const ACTIONS = 'Recommended actions:\n';

/**
 * A report as an advisory draft: name → title; description → summary (its
 * first paragraph), body, and recommended actions (the paragraph the exporter
 * writes); labels → severity; CVE external references; the observables its
 * object_refs name inside the bundle (SCOs and readable indicators).
 */
export function checkReport(e: Entry, bundle: BundleIndex): AdvisoryInput {
  const o = e.o;
  const name = str(o.name) ?? refuse('name', 'is required (it becomes the advisory title)');
  const refs = o.object_refs === undefined ? [] : Array.isArray(o.object_refs) ? o.object_refs : refuse('object_refs', 'must be a list of ids');
  // Checked before anything walks the list: a hostile report may hold the whole bundle's worth of references.
  if (refs.length > MAX_REPORT_REFS) refuse('object_refs', `must hold at most ${MAX_REPORT_REFS} references (it holds ${refs.length})`);
  const paragraphs = (str(o.description) ?? '').split('\n\n').map((x) => x.trim()).filter(Boolean);
  const actionsAt = paragraphs.findIndex((x) => x.startsWith(ACTIONS));
  const actions = actionsAt < 0 ? [] : paragraphs.splice(actionsAt, 1)[0].slice(ACTIONS.length).split('\n').map((l) => l.replace(/^- /, '').trim()).filter(Boolean);
  const labels = Array.isArray(o.labels) ? o.labels.filter((l): l is string => typeof l === 'string').map((l) => l.toUpperCase()) : [];
  const severity = (Object.values(Severity) as string[]).find((s) => labels.includes(s)) as Severity | undefined;
  const ext = Array.isArray(o.external_references) ? o.external_references.slice(0, 200) : [];
  const cveIds = ext.filter((r: any) => r && r.source_name === 'cve').map((r: any, i) => {
    const id = str(r.external_id);
    return id && CVE.test(id) ? id.toUpperCase() : refuse(`external_references[${i}].external_id`, 'must be a CVE id such as CVE-2024-12345');
  });
  const seen = new Set<string>();
  const observables: ObservableRef[] = [];
  for (const ref of refs) {
    for (const ob of observablesOfRef(ref, bundle)) {
      const key = observableKey(ob.type, ob.value);
      if (!seen.has(key)) (seen.add(key), observables.push(ob));
    }
  }
  return {
    title: name,
    summary: paragraphs[0] ?? name,
    body: paragraphs.slice(1).join('\n\n') || null,
    severity: severity ?? null,
    cveIds,
    recommendedActions: actions,
    observables,
    // Unmarked: AdvisoryService takes the organisation's default TLP.
    tlp: tlpOf(o, bundle.markings),
  };
}

/**
 * New reports become DRAFT advisories of the caller's organisation (publishing
 * stays a coordinator ANALYST's decision, through publishAdvisory); a newer
 * version revises the advisory under AdvisoryService's rules.
 */
export async function importReports(run: Run, entries: { e: Entry; input: AdvisoryInput }[]): Promise<void> {
  const refused = denial(run.p, 'advisory.create');
  for (const { e, input } of entries) {
    if (refused) {
      notStored(run, e, 'REJECTED', `the caller may not create advisories (${refused})`);
      continue;
    }
    const claim = run.claims.get(e.id)!;
    await eachInSavepoint(run, e, FIELDS, async (r) => {
      if (claim.state === 'NEW') {
        const adv = await r.s.advisories.create(r.p, input, r.m);
        stored(r, e, 'IMPORTED', 'Advisory', [adv.id], 'stored as a DRAFT advisory: a coordinator organisation\'s ANALYST publishes it');
        return;
      }
      const [id] = claim.localIds;
      if (!id) refuse('id', 'the advisory it was imported as no longer exists');
      const adv = await r.s.advisories.revise(r.p, id, input, r.m);
      stored(r, e, 'UPDATED', 'Advisory', [adv.id]);
    });
  }
}
