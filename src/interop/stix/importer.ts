import type { Principal } from '../../auth/principal';
import type { Authorizer } from '../../auth/authorize';
import type { Tlp } from '../../common/enums';
import { badInput } from '../../common/errors';
import { LIMITS } from '../../common/limits';
import type { IndicatorInput } from '../../intel/intel.inputs';
import type { IndicatorService } from '../../intel/indicator.service';
import { MARKING_TLP } from './markings';
import { parsePattern, PatternError } from './pattern';

/** What became of one STIX object of an import. */
export interface StixObjectResult {
  index: number;
  id: string | null;
  type: string | null;
  /** IMPORTED, UPDATED, REFERENCE (identities, markings, SCOs: read for context, not stored), REJECTED. */
  status: 'IMPORTED' | 'UPDATED' | 'REFERENCE' | 'REJECTED';
  reason: string | null;
  /** The ThreatFed indicators this object became. */
  indicatorIds: string[];
}

export interface StixImportResult {
  results: StixObjectResult[];
  imported: number;
  updated: number;
  rejected: number;
}

/** Objects in one import: the same bulk limit as submitIndicators. */
export const MAX_STIX_OBJECTS = LIMITS.bulkItems;
const MAX_DEPTH = 16;
const MAX_NODES = 200_000;
const MAX_STRING = 65_536;
const REFERENCE_TYPES = new Set(['identity', 'marking-definition', 'extension-definition', 'language-content']);
const SCO_TYPES = new Set(['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file', 'autonomous-system', 'mac-addr', 'x509-certificate', 'artifact', 'directory', 'email-message', 'mutex', 'network-traffic', 'process', 'software', 'user-account', 'windows-registry-key']);
const PROVENANCE_TAG = 64;

/**
 * Checks the shape of an untrusted document in one bounded, iterative walk
 * (no recursion, so deep nesting cannot overflow the stack): depth, node
 * count and string lengths, before anything else reads it.
 */
function checkShape(doc: unknown): void {
  const stack: [unknown, number][] = [[doc, 0]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > MAX_NODES) throw badInput('bundle', `has more than ${MAX_NODES} values`);
    if (depth > MAX_DEPTH) throw badInput('bundle', `is nested deeper than ${MAX_DEPTH} levels`);
    if (typeof v === 'string' && v.length > MAX_STRING) throw badInput('bundle', `holds a string longer than ${MAX_STRING} characters`);
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
}

/** The objects of a STIX 2.1 bundle or a TAXII 2.1 envelope. */
export function objectsOf(doc: unknown): unknown[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw badInput('bundle', 'must be a STIX bundle or a TAXII envelope (an object)');
  const objects = (doc as { objects?: unknown }).objects;
  const type = (doc as { type?: unknown }).type;
  if (type !== undefined && type !== 'bundle') throw badInput('bundle', `has type ${JSON.stringify(String(type).slice(0, 40))}, not bundle`);
  if (objects === undefined) return [];
  if (!Array.isArray(objects)) throw badInput('bundle.objects', 'must be a list');
  if (objects.length > MAX_STIX_OBJECTS) throw badInput('bundle.objects', `must contain at most ${MAX_STIX_OBJECTS} objects`);
  checkShape(doc);
  return objects;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const date = (v: unknown): Date | null => {
  if (typeof v !== 'string' || v.length > 40) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The TLP of an object from its marking refs (TLP 2.0, TLP 1.0, OpenCTI), or the bundle's own TLP marking definitions; null when unmarked. */
function tlpOf(o: Record<string, unknown>, bundleMarkings: Map<string, Tlp>): Tlp | null {
  const refs = Array.isArray(o.object_marking_refs) ? o.object_marking_refs : [];
  let found: Tlp | null = null;
  const order = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
  for (const r of refs) {
    const t = typeof r === 'string' ? (MARKING_TLP.get(r) ?? bundleMarkings.get(r)) : undefined;
    // Several TLP markings: the most restrictive one holds.
    if (t && (!found || order.indexOf(t) > order.indexOf(found))) found = t;
  }
  return found;
}

/** TLP marking definitions a bundle defines itself (TLP 2.0 extension or the 1.0 `definition_type: tlp`) under other ids. */
function bundleMarkingsOf(objects: unknown[]): Map<string, Tlp> {
  const out = new Map<string, Tlp>();
  const byName: Record<string, Tlp> = { clear: 'CLEAR' as Tlp, white: 'CLEAR' as Tlp, green: 'GREEN' as Tlp, amber: 'AMBER' as Tlp, 'amber+strict': 'AMBER_STRICT' as Tlp, red: 'RED' as Tlp };
  for (const o of objects as Record<string, any>[]) {
    if (o?.type !== 'marking-definition' || typeof o.id !== 'string') continue;
    const ext = o.extensions && typeof o.extensions === 'object' ? Object.values(o.extensions as Record<string, any>).find((e) => e && typeof e.tlp_2_0 === 'string') : undefined;
    const level = ext?.tlp_2_0 ?? (o.definition_type === 'tlp' ? o.definition?.tlp : undefined);
    if (typeof level === 'string' && byName[level.toLowerCase()]) out.set(o.id, byName[level.toLowerCase()]);
  }
  return out;
}

/**
 * STIX 2.1 in: indicators whose pattern ThreatFed can read become indicators
 * of the caller's organisation through IndicatorService.submit (the same
 * normalisation, checks and upsert as submitIndicators). The author is always
 * the caller; the object's STIX id and its `created_by_ref` are kept as tags
 * (provenance, never authorship). Everything else is reported per object.
 */
export class StixImporter {
  constructor(private readonly indicators: IndicatorService, private readonly authz: Authorizer) {}

  async import(p: Principal, doc: unknown, opts: { atomic?: boolean } = {}): Promise<StixImportResult> {
    await this.authz.authorize(p, 'stix.import');
    const objects = objectsOf(doc);
    const markings = bundleMarkingsOf(objects);
    const results: StixObjectResult[] = [];
    const items: IndicatorInput[] = [];
    const owner: number[] = [];
    objects.forEach((raw, index) => {
      const o = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
      const type = str(o.type)?.slice(0, 64) ?? null;
      const id = str(o.id)?.slice(0, 128) ?? null;
      const r: StixObjectResult = { index, id, type, status: 'REJECTED', reason: null, indicatorIds: [] };
      results.push(r);
      if (!type || !id) return void (r.reason = 'not a STIX object: type and id are required');
      if (REFERENCE_TYPES.has(type) || SCO_TYPES.has(type)) return void ((r.status = 'REFERENCE'), (r.reason = 'read for context; not stored'));
      if (type !== 'indicator') return void (r.reason = `objects of type ${type} are not imported`);
      if (o.pattern_type !== undefined && o.pattern_type !== 'stix') return void (r.reason = `pattern_type ${String(o.pattern_type).slice(0, 40)} is not imported (only stix)`);
      if (o.revoked === true) return void (r.reason = 'revoked indicators are not imported');
      let terms;
      try {
        terms = parsePattern(o.pattern as string);
      } catch (e) {
        if (e instanceof PatternError) return void (r.reason = `pattern: ${e.message}`);
        throw e;
      }
      const labels = Array.isArray(o.labels) ? o.labels.filter((l): l is string => typeof l === 'string') : [];
      const provenance = [`stix:${id}`, ...(str(o.created_by_ref) ? [`stix-source:${str(o.created_by_ref)}`] : [])].filter((t) => t.length <= PROVENANCE_TAG);
      for (const term of terms) {
        items.push({
          type: term.type,
          value: term.value,
          tlp: tlpOf(o, markings),
          confidence: typeof o.confidence === 'number' ? o.confidence : null,
          validFrom: date(o.valid_from),
          validUntil: date(o.valid_until),
          description: [str(o.name), str(o.description)].filter(Boolean).join('\n\n').slice(0, 4000) || null,
          tags: [...labels.slice(0, 40), ...provenance],
        });
        owner.push(index);
      }
    });
    // Readable indicators count as UPDATED until the upsert says they were created.
    for (const r of results) if (r.type === 'indicator' && !r.reason) r.status = 'UPDATED';
    const refused = results.filter((r) => r.status === 'REJECTED');
    if (opts.atomic && refused.length) {
      const e = badInput('bundle', `${refused.length} of ${objects.length} objects cannot be imported, nothing was stored; first: ${refused[0].reason}`);
      Object.assign(e.details, { objects: refused.map((r) => ({ index: r.index, id: r.id, reason: r.reason })) });
      throw e;
    }
    if (items.length) {
      if (items.length > LIMITS.bulkItems) throw badInput('bundle', `its patterns name more than ${LIMITS.bulkItems} observables`);
      const sub = await this.indicators.submit(p, items, { atomic: opts.atomic });
      sub.results.forEach((res, k) => {
        const r = results[owner[k]];
        if (res.error) {
          r.status = 'REJECTED';
          r.reason = `${res.error.field.replace(/^input\[\d+\]\./, '')}: ${res.error.message}`;
        }
        // An OR pattern with one bad comparison stays REJECTED, but what was stored is still named.
        if (res.indicator) {
          if (res.created && r.status !== 'REJECTED') r.status = 'IMPORTED';
          r.indicatorIds.push(res.indicator.id);
        }
      });
    }
    return {
      results,
      imported: results.filter((r) => r.status === 'IMPORTED').length,
      updated: results.filter((r) => r.status === 'UPDATED').length,
      rejected: results.filter((r) => r.status === 'REJECTED').length,
    };
  }
}
