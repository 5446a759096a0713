import type { IndicatorInput } from '../../../intel/intel.inputs';
import { LIMITS } from '../../../common/limits';
import { badInput } from '../../../common/errors';
import { parsePattern, PatternError } from '../pattern';
import { date, str, tlpOf, type BundleIndex } from './bundle';
import { notStored, reasonOf, refuse, stored, type Entry, type Obj, type Run } from './types';

const PROVENANCE_TAG = 64;
const FIELDS = { 'input.confidence': 'confidence', 'input.validUntil': 'valid_until', 'input.description': 'description', 'input.tags': 'labels', 'input.value': 'pattern' };

/** The indicator inputs (one per observable its pattern names) of a STIX indicator; a Refusal when ThreatFed cannot read it. */
export function checkIndicator(e: Entry, bundle: BundleIndex): IndicatorInput[] {
  const o: Obj = e.o;
  if (o.pattern_type !== undefined && o.pattern_type !== 'stix') refuse('pattern_type', `${String(o.pattern_type).slice(0, 40)} is not imported (only stix)`);
  let terms;
  try {
    terms = parsePattern(o.pattern as string);
  } catch (err) {
    if (err instanceof PatternError) refuse('pattern', err.message);
    throw err;
  }
  const labels = Array.isArray(o.labels) ? o.labels.filter((l): l is string => typeof l === 'string') : [];
  const provenance = [`stix:${e.id}`, ...(e.sourceRef ? [`stix-source:${e.sourceRef}`] : [])].filter((t) => t.length <= PROVENANCE_TAG);
  return terms!.map((term) => ({
    type: term.type,
    value: term.value,
    tlp: tlpOf(o, bundle.markings),
    confidence: typeof o.confidence === 'number' ? o.confidence : null,
    validFrom: date(o.valid_from),
    validUntil: date(o.valid_until),
    description: [str(o.name), str(o.description)].filter(Boolean).join('\n\n').slice(0, 4000) || null,
    tags: [...labels.slice(0, 40), ...provenance],
  }));
}

/**
 * Writes the bundle's new and newer indicators through IndicatorService.submit
 * in one bulk call (the same normalisation and upsert as submitIndicators).
 * A newer version that is revoked revokes what the earlier one became.
 */
export async function importIndicators(run: Run, entries: { e: Entry; items: IndicatorInput[] }[]): Promise<void> {
  const items: IndicatorInput[] = [];
  const owner: { e: Entry; k: number }[] = [];
  for (const { e, items: its } of entries) {
    const state = run.claims.get(e.id)!.state;
    if (e.o.revoked === true) {
      if (state === 'NEW') notStored(run, e, 'IGNORED', 'revoked: a revoked indicator that was never imported is not stored');
      else await revokeHeld(run, e);
      continue;
    }
    its.forEach((it, k) => {
      items.push(it);
      owner.push({ e, k });
    });
  }
  if (!items.length) return;
  if (items.length > LIMITS.bulkItems) throw badInput('bundle', `its patterns name more than ${LIMITS.bulkItems} observables`);
  const sub = await run.s.indicators.submit(run.p, items, { manager: run.m });
  const per = new Map<Entry, { ids: string[]; created: boolean; error: string | null }>();
  sub.results.forEach((res, n) => {
    const { e } = owner[n];
    const acc = per.get(e) ?? { ids: [], created: false, error: null };
    per.set(e, acc);
    if (res.error && !acc.error) acc.error = `${(FIELDS as Record<string, string>)[res.error.field.replace(/^input\[\d+\]/, 'input')] ?? 'pattern'}: ${res.error.message.replace(/^input\[\d+\]\.\w+: /, '')}`;
    if (res.indicator) acc.ids.push(res.indicator.id);
    if (res.created) acc.created = true;
  });
  for (const [e, acc] of per) {
    const r = run.results[e.index];
    if (acc.error) {
      // An OR pattern with one bad comparison is REJECTED, but what was stored of it is still named.
      notStored(run, e, 'REJECTED', acc.error);
      r.indicatorIds = acc.ids;
      r.localIds = acc.ids;
      continue;
    }
    const status = acc.created && run.claims.get(e.id)!.state === 'NEW' ? 'IMPORTED' : 'UPDATED';
    stored(run, e, status, 'Indicator', acc.ids);
    r.indicatorIds = acc.ids;
  }
}

async function revokeHeld(run: Run, e: Entry): Promise<void> {
  const ids = run.claims.get(e.id)!.localIds;
  try {
    await run.m.transaction(async (m) => {
      for (const id of ids) await run.s.indicators.revoke(run.p, id, `revoked at the source (${e.id})`.slice(0, 1000), m);
    });
    stored(run, e, 'UPDATED', 'Indicator', ids, 'revoked: the indicators it became are revoked');
    run.results[e.index].indicatorIds = ids;
  } catch (err) {
    notStored(run, e, 'REJECTED', reasonOf(err, {}));
  }
}
