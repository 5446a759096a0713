import { ObservableType } from '../../common/enums';
import { scoId } from './ids';

/** An SCO and the STIX pattern that matches it. */
export interface StixObservable {
  sco: Record<string, unknown>;
  pattern: string;
}

/** Quotes a value as a STIX pattern string literal (backslash and quote escaped). */
export function patternString(v: string): string {
  return `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

const HASH_NAMES: Partial<Record<ObservableType, string>> = {
  [ObservableType.MD5]: 'MD5',
  [ObservableType.SHA1]: 'SHA-1',
  [ObservableType.SHA256]: 'SHA-256',
};

function sco(type: string, props: Record<string, unknown>): Record<string, unknown> {
  return { type, spec_version: '2.1', id: scoId(type, props), ...props };
}

/** The SCO form of a normalised ThreatFed observable, with its deterministic id and a pattern for indicators. */
export function toStixObservable(type: ObservableType, value: string): StixObservable {
  switch (type) {
    case ObservableType.IPV4:
      return { sco: sco('ipv4-addr', { value }), pattern: `[ipv4-addr:value = ${patternString(value)}]` };
    case ObservableType.IPV6:
      return { sco: sco('ipv6-addr', { value }), pattern: `[ipv6-addr:value = ${patternString(value)}]` };
    case ObservableType.CIDR: {
      const t = value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      return { sco: sco(t, { value }), pattern: `[${t}:value ISSUBSET ${patternString(value)}]` };
    }
    case ObservableType.DOMAIN:
      return { sco: sco('domain-name', { value }), pattern: `[domain-name:value = ${patternString(value)}]` };
    case ObservableType.URL:
      return { sco: sco('url', { value }), pattern: `[url:value = ${patternString(value)}]` };
    case ObservableType.EMAIL:
      return { sco: sco('email-addr', { value }), pattern: `[email-addr:value = ${patternString(value)}]` };
    case ObservableType.MD5:
    case ObservableType.SHA1:
    case ObservableType.SHA256: {
      const name = HASH_NAMES[type]!;
      return { sco: sco('file', { hashes: { [name]: value } }), pattern: `[file:hashes.${patternString(name)} = ${patternString(value)}]` };
    }
    case ObservableType.FILE_NAME:
      return { sco: sco('file', { name: value }), pattern: `[file:name = ${patternString(value)}]` };
    case ObservableType.ASN: {
      const number = Number(value.replace(/^AS/i, ''));
      return { sco: sco('autonomous-system', { number }), pattern: `[autonomous-system:number = ${number}]` };
    }
  }
}
