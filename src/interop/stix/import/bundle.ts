import type { Tlp } from '../../../common/enums';
import { badInput } from '../../../common/errors';
import { LIMITS } from '../../../common/limits';
import { MARKING_TLP } from '../markings';

/** A STIX object as untrusted JSON. */
export type Obj = Record<string, unknown>;

/** Objects in one import: the same bulk limit as submitIndicators. */
export const MAX_STIX_OBJECTS = LIMITS.bulkItems;
const MAX_DEPTH = 16;
const MAX_NODES = 200_000;
const MAX_STRING = 65_536;
/** Object keys are named in errors, never whole. */
const KEY_IN_PATH = 40;

export const REFERENCE_TYPES = new Set(['identity', 'marking-definition', 'extension-definition', 'language-content']);
export const SCO_TYPES = new Set(['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file', 'autonomous-system', 'mac-addr', 'x509-certificate', 'artifact', 'directory', 'email-message', 'mutex', 'network-traffic', 'process', 'software', 'user-account', 'windows-registry-key']);

/**
 * Checks the shape of an untrusted document in one bounded, iterative walk
 * (no recursion, so deep nesting cannot overflow the stack): depth, node
 * count and string lengths, before anything else reads it. The error names
 * where the offending value sits (`bundle.objects[3].content`).
 */
function checkShape(doc: unknown): void {
  const stack: [unknown, number, string][] = [[doc, 0, 'bundle']];
  let nodes = 0;
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (++nodes > MAX_NODES) throw badInput('bundle', `has more than ${MAX_NODES} values`);
    if (depth > MAX_DEPTH) throw badInput(path, `is nested deeper than ${MAX_DEPTH} levels`);
    if (typeof v === 'string' && v.length > MAX_STRING) throw badInput(path, `is a string longer than ${MAX_STRING} characters`);
    // Paths are built only a few levels down; deeper values are named by their nearest named ancestor.
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, depth < 4 ? `${path}[${i}]` : path]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push([x, depth + 1, depth < 4 ? `${path}.${k.slice(0, KEY_IN_PATH)}` : path]);
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

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A STIX timestamp; null when absent; a Refusal-worthy problem is left to the caller (see `timestamp`). */
export const date = (v: unknown): Date | null => {
  if (typeof v !== 'string' || v.length > 40) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** The objects of a bundle by id (the first of several versions), and its own TLP marking definitions. */
export interface BundleIndex {
  byId: Map<string, Obj>;
  markings: Map<string, Tlp>;
}

export function indexBundle(objects: unknown[]): BundleIndex {
  const byId = new Map<string, Obj>();
  for (const o of objects as Obj[]) if (o && typeof o === 'object' && typeof o.id === 'string' && !byId.has(o.id)) byId.set(o.id, o);
  return { byId, markings: bundleMarkingsOf(objects) };
}

const ORDER = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];

/** The TLP of an object from its marking refs (TLP 2.0, TLP 1.0, OpenCTI), or the bundle's own TLP marking definitions; null when unmarked. */
export function tlpOf(o: Obj, bundleMarkings: Map<string, Tlp>): Tlp | null {
  const refs = Array.isArray(o.object_marking_refs) ? o.object_marking_refs : [];
  let found: Tlp | null = null;
  for (const r of refs) {
    const t = typeof r === 'string' ? (MARKING_TLP.get(r) ?? bundleMarkings.get(r)) : undefined;
    // Several TLP markings: the most restrictive one holds.
    if (t && (!found || ORDER.indexOf(t) > ORDER.indexOf(found))) found = t;
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
