import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const ROOT = '/work/shared/stix2.1-schemas/schemas';
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';
// The published `type` patterns backtrack exponentially (the schemas' README, gap 2): load linear equivalents.
const SLOW_TYPE = '^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-?$';
const SLOW_EXT = '^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-ext$';

let validators: Map<string, ValidateFunction> | undefined;

function load(): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('idn-hostname', true);
  const byType = new Map<string, string>();
  for (const dir of readdirSync(ROOT)) {
    for (const file of readdirSync(join(ROOT, dir))) {
      const raw = readFileSync(join(ROOT, dir, file), 'utf8').split(JSON.stringify(SLOW_TYPE).slice(1, -1)).join('^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$')
        .split(JSON.stringify(SLOW_EXT).slice(1, -1)).join('^[a-z][a-z0-9]*(-[a-z0-9]+)*-ext$');
      const schema = JSON.parse(raw);
      ajv.addSchema(schema);
      if (dir !== 'common') byType.set(file.replace(/\.json$/, ''), schema.$id);
    }
  }
  byType.set('marking-definition', `${BASE}/common/marking-definition.json`);
  return new Map([...byType].map(([t, id]) => [t, ajv.getSchema(id)!]));
}

/** Problems of one STIX object against the OASIS schema for its type (not bundle.json: the README's gap 1). */
export function schemaErrors(obj: Record<string, unknown>): string[] {
  validators ??= load();
  const v = validators.get(String(obj.type));
  if (!v) return [`no schema for type ${String(obj.type)}`];
  const id = String(obj.id);
  return v(obj) ? [] : (v.errors ?? []).map((e) => `${id} ${e.instancePath} ${e.message}`);
}

function refsOf(v: unknown, key = ''): string[] {
  if (typeof v === 'string') return key.endsWith('_ref') || key.endsWith('_refs') ? [v] : [];
  if (Array.isArray(v)) return v.flatMap((x) => refsOf(x, key));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => refsOf(x, k));
  return [];
}

/**
 * What the schemas cannot check: every object valid for its type, modified >= created,
 * every `*_ref(s)` resolvable inside the bundle, ids unique.
 */
export function bundleProblems(bundle: { type: string; objects: Record<string, unknown>[] }): string[] {
  const problems: string[] = [];
  if (bundle.type !== 'bundle') problems.push('not a bundle');
  const ids = new Set<string>();
  for (const o of bundle.objects) {
    if (ids.has(String(o.id))) problems.push(`duplicate id ${String(o.id)}`);
    ids.add(String(o.id));
  }
  for (const o of bundle.objects) {
    problems.push(...schemaErrors(o));
    if (o.created && o.modified && Date.parse(String(o.modified)) < Date.parse(String(o.created))) problems.push(`${String(o.id)} modified before created`);
    for (const r of refsOf(o)) if (!ids.has(r)) problems.push(`${String(o.id)} references ${r}, absent from the bundle`);
  }
  return problems;
}
