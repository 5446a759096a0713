import { ObservableType } from '../../common/enums';

/** The longest pattern the importer reads; CTI patterns over one observable are far shorter. */
export const MAX_PATTERN_LENGTH = 8192;
/** The most comparisons one indicator's pattern may OR together. */
export const MAX_COMPARISONS = 100;

/** One observable a pattern matches. */
export interface PatternTerm {
  type: ObservableType;
  value: string;
}

/** A pattern the importer cannot read, with why. */
export class PatternError extends Error {}

const HASHES: Record<string, ObservableType> = {
  md5: ObservableType.MD5, 'sha-1': ObservableType.SHA1, sha1: ObservableType.SHA1, 'sha-256': ObservableType.SHA256, sha256: ObservableType.SHA256,
};

/** Which ThreatFed observable type an object path and operator stand for, or null. */
function termType(path: string, op: string, value: string): ObservableType | null {
  const eq = op === '=';
  switch (path) {
    case 'ipv4-addr:value':
      if (op === 'ISSUBSET' || (eq && value.includes('/'))) return value.endsWith('/32') ? ObservableType.IPV4 : ObservableType.CIDR;
      return eq ? ObservableType.IPV4 : null;
    case 'ipv6-addr:value':
      if (op === 'ISSUBSET' || (eq && value.includes('/'))) return ObservableType.CIDR;
      return eq ? ObservableType.IPV6 : null;
    case 'domain-name:value': return eq ? ObservableType.DOMAIN : null;
    case 'url:value': return eq ? ObservableType.URL : null;
    case 'email-addr:value': return eq ? ObservableType.EMAIL : null;
    case 'file:name': return eq ? ObservableType.FILE_NAME : null;
    case 'autonomous-system:number': return eq ? ObservableType.ASN : null;
  }
  const hash = /^file:hashes\.(.+)$/.exec(path);
  if (hash && eq) return HASHES[hash[1].toLowerCase()] ?? null;
  return null;
}

/**
 * Reads the pattern shapes ThreatFed can store: one observation expression
 * holding one comparison, or comparisons joined by OR, each `<path> = <literal>`
 * (or ISSUBSET for address ranges) over a supported object path. It is a
 * single left-to-right scan with no backtracking and no recursion: its time is
 * linear in the (capped) length whatever the input. Anything else — AND,
 * parentheses, qualifiers, several observations, other paths — is a
 * PatternError naming what was found.
 */
export function parsePattern(pattern: string): PatternTerm[] {
  if (typeof pattern !== 'string') throw new PatternError('pattern must be a string');
  if (pattern.length > MAX_PATTERN_LENGTH) throw new PatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let i = 0;
  const n = pattern.length;
  const ws = () => { while (i < n && /\s/.test(pattern[i])) i++; };
  const expect = (c: string) => {
    ws();
    if (pattern[i] !== c) throw new PatternError(`expected '${c}' at ${i}${i < n ? `, found '${pattern[i]}'` : ''}`);
    i++;
  };
  const word = (): string => {
    ws();
    const start = i;
    while (i < n && /[A-Za-z]/.test(pattern[i])) i++;
    return pattern.slice(start, i);
  };
  const quoted = (): string => {
    if (pattern[i] !== "'") throw new PatternError(`expected a quoted string at ${i}`);
    i++;
    let out = '';
    while (i < n && pattern[i] !== "'") {
      if (pattern[i] === '\\') {
        i++;
        if (pattern[i] !== "'" && pattern[i] !== '\\') throw new PatternError(`bad escape at ${i}`);
      }
      out += pattern[i++];
    }
    if (i >= n) throw new PatternError('unterminated string');
    i++;
    return out;
  };
  const objectPath = (): string => {
    ws();
    const start = i;
    while (i < n && /[a-z0-9-]/.test(pattern[i])) i++;
    const type = pattern.slice(start, i);
    if (!type || pattern[i] !== ':') throw new PatternError(`expected an object path at ${start}`);
    i++;
    const parts: string[] = [];
    do {
      if (parts.length) i++; // the dot
      if (pattern[i] === "'") parts.push(quoted());
      else {
        const s = i;
        while (i < n && /[a-z0-9_]/i.test(pattern[i])) i++;
        if (s === i) throw new PatternError(`expected a property name at ${s}`);
        parts.push(pattern.slice(s, i));
      }
    } while (pattern[i] === '.' && parts.length < 8);
    return `${type}:${parts.join('.')}`;
  };
  const literal = (): string => {
    ws();
    if (pattern[i] === "'") return quoted();
    const s = i;
    while (i < n && /[0-9]/.test(pattern[i])) i++;
    if (s === i || i - s > 12) throw new PatternError(`expected a string or integer literal at ${s}`);
    return pattern.slice(s, i);
  };

  const terms: PatternTerm[] = [];
  expect('[');
  for (;;) {
    const path = objectPath();
    ws();
    let op: string;
    if (pattern[i] === '=') { op = '='; i++; } else op = word();
    if (op !== '=' && op !== 'ISSUBSET') throw new PatternError(`unsupported comparison operator '${op || pattern[i] || 'end of pattern'}'`);
    const value = literal();
    const type = termType(path, op, value);
    if (!type) throw new PatternError(`unsupported object path or operator: ${path} ${op}`);
    terms.push({ type, value: type === ObservableType.ASN ? `AS${value}` : value });
    if (terms.length > MAX_COMPARISONS) throw new PatternError(`more than ${MAX_COMPARISONS} comparisons`);
    ws();
    if (pattern[i] === ']') break;
    const joiner = word();
    if (joiner !== 'OR') throw new PatternError(joiner ? `unsupported '${joiner}': only comparisons joined by OR are imported` : `unexpected '${pattern[i] ?? 'end of pattern'}' at ${i}`);
  }
  i++;
  ws();
  if (i < n) throw new PatternError('only one observation expression is imported (no qualifiers, no AND/OR/FOLLOWEDBY between observations)');
  return terms;
}
