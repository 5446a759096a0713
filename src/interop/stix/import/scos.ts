import { ObservableType } from '../../../common/enums';
import type { ObservableRef } from '../../../intel/intel.inputs';
import { parsePattern, PatternError } from '../pattern';
import type { BundleIndex } from './bundle';
import type { Obj } from './types';

const HASH_ORDER: [string, ObservableType][] = [
  ['SHA-256', ObservableType.SHA256], ['SHA256', ObservableType.SHA256],
  ['SHA-1', ObservableType.SHA1], ['SHA1', ObservableType.SHA1],
  ['MD5', ObservableType.MD5],
];

/** The ThreatFed observable an SCO stands for (the reverse of observables.ts), or null for SCOs ThreatFed does not store. */
export function observableOfSco(o: Obj): ObservableRef | null {
  const value = typeof o.value === 'string' ? o.value : null;
  switch (o.type) {
    case 'ipv4-addr':
      if (!value) return null;
      return { type: value.includes('/') && !value.endsWith('/32') ? ObservableType.CIDR : ObservableType.IPV4, value: value.replace(/\/32$/, '') };
    case 'ipv6-addr':
      if (!value) return null;
      return { type: value.includes('/') && !value.endsWith('/128') ? ObservableType.CIDR : ObservableType.IPV6, value: value.replace(/\/128$/, '') };
    case 'domain-name': return value ? { type: ObservableType.DOMAIN, value } : null;
    case 'url': return value ? { type: ObservableType.URL, value } : null;
    case 'email-addr': return value ? { type: ObservableType.EMAIL, value } : null;
    case 'autonomous-system': return typeof o.number === 'number' ? { type: ObservableType.ASN, value: `AS${o.number}` } : null;
    case 'file': {
      const hashes = o.hashes && typeof o.hashes === 'object' ? (o.hashes as Record<string, unknown>) : {};
      const upper = new Map(Object.entries(hashes).map(([k, v]) => [k.toUpperCase(), v]));
      // The strongest hash names the file; ThreatFed keeps one observable per SCO.
      for (const [name, type] of HASH_ORDER) if (typeof upper.get(name) === 'string') return { type, value: upper.get(name) as string };
      return typeof o.name === 'string' ? { type: ObservableType.FILE_NAME, value: o.name } : null;
    }
  }
  return null;
}

/**
 * The observables a reference names inside the bundle: an SCO, or an
 * indicator whose pattern ThreatFed reads. Empty when it names neither.
 */
export function observablesOfRef(ref: unknown, bundle: BundleIndex): ObservableRef[] {
  if (typeof ref !== 'string') return [];
  const o = bundle.byId.get(ref);
  if (!o) return [];
  if (o.type === 'indicator') {
    try {
      return parsePattern(o.pattern as string);
    } catch (e) {
      if (e instanceof PatternError) return [];
      throw e;
    }
  }
  const one = observableOfSco(o);
  return one ? [one] : [];
}
