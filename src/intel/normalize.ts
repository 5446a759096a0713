import net from 'node:net';
import { domainToASCII } from 'node:url';
import { ObservableType } from '../common/enums';
import { InputProblem } from '../common/errors';

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
    case ObservableType.CIDR:
      out = cidr(v, field);
      break;
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
      if (/[\u0000-\u001f\u007f]/.test(v)) throw new InputProblem(field, 'FILE_NAME must not contain control characters');
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

function cidr(v: string, field: string): Normalized {
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

function domain(v: string, field: string): string {
  const rule = 'DOMAIN must be a host name such as example.com (letters, digits, hyphens; at least two labels)';
  let host = v.replace(/\.$/, '');
  if (/[\s/:@?#]/.test(host)) throw new InputProblem(field, rule);
  host = host.toLowerCase();
  const ascii = domainToASCII(host) || (/^[\x00-\x7f]*$/.test(host) ? host : '');
  if (!ascii) throw new InputProblem(field, rule);
  if (ascii.length > 253) throw new InputProblem(field, 'DOMAIN must be at most 253 characters');
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) throw new InputProblem(field, rule);
  if (/^\d+$/.test(labels[labels.length - 1])) throw new InputProblem(field, 'DOMAIN must not be an IP address (use IPV4)');
  return ascii;
}

function url(v: string, field: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) throw new InputProblem(field, 'URL must be absolute with a scheme, such as http://example.com/path');
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

function email(v: string, field: string): string {
  const at = v.lastIndexOf('@');
  const rule = 'EMAIL must be an address such as user@example.com';
  if (at < 1 || at === v.length - 1) throw new InputProblem(field, rule);
  const local = v.slice(0, at);
  if (local.length > 64 || /[\s<>()[\]\\,;:"]/.test(local)) throw new InputProblem(field, rule);
  const host = domain(v.slice(at + 1), field);
  return `${local.toLowerCase()}@${host}`;
}

function asn(v: string, field: string): string {
  const m = /^(?:AS)?\s*(\d{1,10})$/i.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!m || n > 4294967295) throw new InputProblem(field, 'ASN must be AS followed by a number from 0 to 4294967295, such as AS7552');
  return `AS${n}`;
}
