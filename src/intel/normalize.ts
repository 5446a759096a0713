import net from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { ObservableType } from '../common/enums';
import { InputProblem } from '../common/errors';
import { textProblem } from '../common/validate';

export interface Normalized {
  value: string;
  /** For IPV4, IPV6 and CIDR: the value as PostgreSQL inet text. */
  net: string | null;
}

const MAX_LEN: Record<ObservableType, number> = {
  IPV4: 15, IPV6: 64, CIDR: 64, DOMAIN: 253, URL: 2048, EMAIL: 320,
  MD5: 32, SHA1: 40, SHA256: 64, FILE_NAME: 255, ASN: 12,
};
const HASH_LEN = { MD5: 32, SHA1: 40, SHA256: 64 } as const;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * Brings a value to the one form it is stored and matched in, or throws an
 * InputProblem naming `field` and the rule it breaks. Two spellings of one
 * observable always normalise to the same string.
 */
export function normalizeObservable(type: ObservableType, raw: string, field = 'value'): Normalized {
  if (typeof raw !== 'string') throw new InputProblem(field, 'must be a string');
  const v = raw.trim();
  if (!v) throw new InputProblem(field, 'must not be empty');
  if (v.length > MAX_LEN[type] * 4 || raw.length > 8192) throw new InputProblem(field, `is too long for ${type}`);
  // Before any parsing: parsers drop or percent-encode some of these, which would hide them in the stored form.
  const problem = textProblem(v, 'line', raw.length - raw.trimStart().length);
  if (problem) throw new InputProblem(field, `${type} ${problem}`);
  let out: Normalized;
  switch (type) {
    case ObservableType.IPV4:
      out = { value: ipv4(v, field), net: null };
      out.net = out.value;
      break;
    case ObservableType.IPV6:
      out = { value: ipv6(v, field), net: null };
      out.net = out.value;
      break;
    case ObservableType.CIDR: {
      out = parseCidr(v, field);
      const wide = widthProblem(out.value);
      if (wide) throw new InputProblem(field, wide);
      break;
    }
    case ObservableType.DOMAIN:
      out = { value: domain(v, field), net: null };
      break;
    case ObservableType.URL:
      out = { value: url(v, field), net: null };
      break;
    case ObservableType.EMAIL:
      out = { value: email(v, field), net: null };
      break;
    case ObservableType.MD5:
    case ObservableType.SHA1:
    case ObservableType.SHA256: {
      const len = HASH_LEN[type];
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(v)) throw new InputProblem(field, `${type} must be exactly ${len} hexadecimal characters`);
      out = { value: v.toLowerCase(), net: null };
      break;
    }
    case ObservableType.FILE_NAME:
      out = { value: v, net: null };
      break;
    case ObservableType.ASN:
      out = { value: asn(v, field), net: null };
      break;
    default:
      throw new InputProblem('type', `unknown observable type ${String(type)}`);
  }
  if (out.value.length > MAX_LEN[type]) throw new InputProblem(field, `${type} must be at most ${MAX_LEN[type]} characters`);
  return out;
}

function ipv4(v: string, field: string): string {
  // net.isIPv4 refuses leading zeros, which some parsers read as octal.
  if (!net.isIPv4(v)) throw new InputProblem(field, 'IPV4 must be a dotted-quad address such as 203.0.113.7');
  return v;
}

function ipv6(v: string, field: string): string {
  const bare = v.replace(/^\[|\]$/g, '');
  if (bare.includes('%') || !net.isIPv6(bare)) throw new InputProblem(field, 'IPV6 must be an IPv6 address such as 2001:db8::1');
  // The WHATWG URL host parser gives the RFC 5952 canonical text (lower case, longest zero run compressed).
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}

/**
 * The widest blocks accepted, as CIDR indicators and as asset ranges: /8 for
 * IPv4, /32 for IPv6 (a regional registry's allocation). 0.0.0.0/0 or ::/0
 * would match every address of the family: as an indicator it would put
 * every member's space "in a botnet list", as an asset range it would claim
 * everyone's.
 */
export const WIDEST_PREFIX = { ipv4: 8, ipv6: 32 } as const;

/** Why a normalised CIDR block is too wide to accept, or null. */
export function widthProblem(block: string): string | null {
  const len = Number(block.slice(block.lastIndexOf('/') + 1));
  const [family, widest] = block.includes(':') ? ['IPv6', WIDEST_PREFIX.ipv6] : ['IPv4', WIDEST_PREFIX.ipv4];
  return len < widest ? `CIDR must not be wider than /${widest} for ${family} (got /${len})` : null;
}

/** A CIDR block in network form (host bits cleared), whatever its width; normalizeObservable adds the width rule. */
export function parseCidr(v: string, field: string): Normalized {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  const rule = 'CIDR must be an address and prefix length such as 198.51.100.0/24 or 2001:db8::/32';
  if (!m) throw new InputProblem(field, rule);
  const [, addr, lenText] = m;
  const len = Number(lenText);
  if (net.isIPv4(addr)) {
    if (len > 32) throw new InputProblem(field, 'CIDR prefix length must be at most 32 for IPv4');
    const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const netNum = (n & mask) >>> 0;
    const text = [24, 16, 8, 0].map((s) => (netNum >>> s) & 255).join('.');
    return { value: `${text}/${len}`, net: `${text}/${len}` };
  }
  const bare = addr.replace(/^\[|\]$/g, '');
  if (net.isIPv6(bare) && !bare.includes('%')) {
    if (len > 128) throw new InputProblem(field, 'CIDR prefix length must be at most 128 for IPv6');
    const words = expandIpv6(ipv6(bare, field));
    let big = words.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
    const mask = len === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - len)) - 1n);
    big &= mask;
    const out: string[] = [];
    for (let i = 7; i >= 0; i--) out.push(((big >> BigInt(i * 16)) & 0xffffn).toString(16));
    const text = ipv6(out.join(':'), field);
    return { value: `${text}/${len}`, net: `${text}/${len}` };
  }
  throw new InputProblem(field, rule);
}

/** Eight 16-bit words of a valid IPv6 text (embedded IPv4 included). */
function expandIpv6(text: string): number[] {
  let t = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const o = v4[1].split('.').map(Number);
    t = t.slice(0, -v4[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = t.split('::');
  const h = head ? head.split(':') : [];
  const tl = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? new Array(8 - h.length - tl.length).fill('0') : [];
  return [...h, ...fill, ...tl].map((w) => parseInt(w, 16));
}

/**
 * `what` names the value in messages: "DOMAIN", or "EMAIL domain (after @)"
 * when checking the host of an address.
 */
function domain(v: string, field: string, what = 'DOMAIN'): string {
  const rule = `${what} must be a host name such as example.com (letters, digits, hyphens; at least two labels)`;
  const host = v.replace(/\.$/, '').toLowerCase();
  // The WHATWG host parser would decode it: ex%61mple.com would be stored as example.com, which is not what was reported.
  if (host.includes('%')) throw new InputProblem(field, `${what} must not contain % (percent-encoding is not decoded in host names)`);
  if (/[\s/\\:@?#]/.test(host)) throw new InputProblem(field, rule);
  const ascii = domainToASCII(host);
  // Node's parser refuses a bad xn-- label or a name ending in a number without saying which; say it.
  if (!ascii) throw new InputProblem(field, whyNotAHost(host, what) ?? rule);
  if (ascii.length > 253) throw new InputProblem(field, `${what} must be at most 253 characters`);
  // The WHATWG parser reads 1.2.3 and 0x7f.1 as IPv4 addresses: none of those is a name.
  if (net.isIPv4(ascii)) throw new InputProblem(field, `${what} must not be an IP address${what === 'DOMAIN' ? ' (use IPV4)' : ''}`);
  const labels = ascii.split('.');
  if (labels.length < 2) throw new InputProblem(field, `${what} must be a host name with at least two labels, such as example.com`);
  const badLabel = labels.find((l) => !LABEL.test(l));
  if (badLabel !== undefined) throw new InputProblem(field, rule);
  const notPunycode = labels.find((l) => l.startsWith('xn--') && domainToASCII(domainToUnicode(l)) !== l);
  if (notPunycode) throw new InputProblem(field, punycodeRule(what, notPunycode));
  return ascii;
}

function punycodeRule(what: string, label: string): string {
  return `${what} label "${label}" is not valid punycode (an xn-- label must decode to an internationalised name and encode back to itself)`;
}

/** The reason an ASCII host that the WHATWG parser refused is not a domain, when it is one we can name. */
function whyNotAHost(host: string, what: string): string | null {
  const labels = host.split('.');
  const last = labels[labels.length - 1];
  if (labels.length > 1 && /^(\d+|0x[0-9a-f]*)$/.test(last)) {
    return `${what} must not end in the numeric label "${last}": a numeric top-level label is not a domain (use IPV4 for an address)`;
  }
  const bad = labels.find((l) => l.startsWith('xn--') && !domainToASCII(l));
  return bad ? punycodeRule(what, bad) : null;
}

function url(v: string, field: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) throw new InputProblem(field, 'URL must be absolute with a scheme, such as http://example.com/path');
  // WHATWG parsing skips extra slashes after http: and friends, so http:///path would become http://path/: a host nobody named.
  if (/^[a-z][a-z0-9+.-]*:\/\/[/\\]/i.test(v)) throw new InputProblem(field, 'URL must have a host right after :// (found another slash)');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InputProblem(field, 'URL is not a valid absolute URL');
  }
  if (!u.hostname) throw new InputProblem(field, 'URL must have a host');
  // WHATWG parsing lower-cases scheme and host, turns IDN hosts into punycode and drops default ports.
  return u.href;
}

/** RFC 5321 dot-atom local parts (quoted local parts are not accepted), with UTF-8 allowed as in RFC 6531. */
function email(v: string, field: string): string {
  const parts = v.split('@');
  if (parts.length !== 2) {
    const n = parts.length - 1;
    throw new InputProblem(field, n === 0 ? 'EMAIL must be an address such as user@example.com' : `EMAIL must contain exactly one @ (found ${n})`);
  }
  const [local, host] = parts;
  if (!local) throw new InputProblem(field, 'EMAIL must have a local part before the @, such as user@example.com');
  if (!host) throw new InputProblem(field, 'EMAIL must have a domain after the @, such as user@example.com');
  if (local.length > 64) throw new InputProblem(field, 'EMAIL local part (before @) must be at most 64 characters');
  if (/[\s<>()[\]\\,;:"]/.test(local)) {
    throw new InputProblem(field, 'EMAIL local part (before @) must not contain spaces or any of < > ( ) [ ] \\ , ; : "');
  }
  if (/^\.|\.$|\.\./.test(local)) {
    throw new InputProblem(field, 'EMAIL local part (before @) must not start or end with a dot or have two dots in a row');
  }
  return `${local.toLowerCase()}@${domain(host, field, 'EMAIL domain (after @)')}`;
}

function asn(v: string, field: string): string {
  const m = /^(?:AS)?\s*(\d{1,10})$/i.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!m || n > 4294967295) throw new InputProblem(field, 'ASN must be AS followed by a number from 0 to 4294967295, such as AS7552');
  return `AS${n}`;
}
