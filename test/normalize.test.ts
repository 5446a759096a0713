import { describe, expect, it } from 'vitest';
import { ObservableType } from '../src/common/enums';
import { InputProblem } from '../src/common/errors';
import { normalizeObservable } from '../src/intel/normalize';

const T = ObservableType;

/** [type, input, stored value] — every spelling must land on one stored form. */
const ACCEPTED: [ObservableType, string, string][] = [
  [T.IPV4, '203.0.113.7', '203.0.113.7'],
  [T.IPV4, '  198.51.100.1 ', '198.51.100.1'],
  [T.IPV6, '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  [T.IPV6, '2001:db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
  [T.IPV6, '[fe80::1]', 'fe80::1'],
  [T.CIDR, '10.1.2.3/8', '10.0.0.0/8'],
  [T.CIDR, '198.51.100.0/24', '198.51.100.0/24'],
  [T.CIDR, '203.0.113.9/32', '203.0.113.9/32'],
  [T.CIDR, '2001:DB8::1/32', '2001:db8::/32'],
  [T.DOMAIN, 'Example.COM', 'example.com'],
  [T.DOMAIN, 'example.com.', 'example.com'],
  [T.DOMAIN, 'bücher.example', 'xn--bcher-kva.example'],
  [T.DOMAIN, 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
  [T.DOMAIN, 'chính-phủ.vn', 'xn--chnh-ph-8ya5810e.vn'],
  [T.URL, 'HTTP://Evil.EXAMPLE.com/Path?Q=1', 'http://evil.example.com/Path?Q=1'],
  [T.URL, 'https://example.com:443/a', 'https://example.com/a'],
  [T.URL, 'http://bücher.example/x', 'http://xn--bcher-kva.example/x'],
  [T.EMAIL, 'Phisher@Example.COM', 'phisher@example.com'],
  [T.MD5, 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'],
  [T.SHA1, 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  [T.SHA256, 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  [T.FILE_NAME, ' invoice.pdf.exe ', 'invoice.pdf.exe'],
  [T.ASN, 'as7552', 'AS7552'],
  [T.ASN, '45899', 'AS45899'],
  [T.ASN, 'AS 18403', 'AS18403'],
];

/** [type, input, the rule the message must state] */
const REJECTED: [ObservableType, string, RegExp][] = [
  [T.IPV4, '256.1.1.1', /IPV4 must be a dotted-quad/],
  [T.IPV4, '01.2.3.4', /IPV4 must be a dotted-quad/],
  [T.IPV4, '2001:db8::1', /IPV4 must be a dotted-quad/],
  [T.IPV6, '2001:db8::g', /IPV6 must be an IPv6 address/],
  [T.IPV6, '1.2.3.4', /IPV6 must be an IPv6 address/],
  [T.CIDR, '10.0.0.0', /CIDR must be an address and prefix length/],
  [T.CIDR, '10.0.0.0/33', /at most 32 for IPv4/],
  [T.CIDR, '2001:db8::/129', /at most 128 for IPv6/],
  [T.DOMAIN, 'localhost', /DOMAIN must be a host name/],
  [T.DOMAIN, 'exa mple.com', /DOMAIN must be a host name/],
  [T.DOMAIN, '-bad.example', /DOMAIN must be a host name/],
  [T.DOMAIN, '192.168.1.1', /must not be an IP address/],
  [T.DOMAIN, `${'a'.repeat(64)}.com`, /DOMAIN must be a host name/],
  [T.URL, 'example.com/path', /URL must be absolute with a scheme/],
  [T.URL, 'http://', /URL is not a valid absolute URL|URL must have a host/],
  [T.EMAIL, 'no-at-sign.example.com', /EMAIL must be an address/],
  [T.EMAIL, 'a@b', /DOMAIN must be a host name/],
  [T.MD5, 'd41d8cd98f00b204e9800998ecf8427', /MD5 must be exactly 32 hexadecimal/],
  [T.SHA1, 'zz39a3ee5e6b4b0d3255bfef95601890afd80709', /SHA1 must be exactly 40 hexadecimal/],
  [T.SHA256, 'abc', /SHA256 must be exactly 64 hexadecimal/],
  [T.FILE_NAME, 'bad\u0000name', /must not contain control characters/],
  [T.ASN, 'AS4294967296', /ASN must be AS followed by a number/],
  [T.ASN, 'ASX', /ASN must be AS followed by a number/],
  [T.DOMAIN, '   ', /must not be empty/],
];

describe('normalizeObservable', () => {
  it.each(ACCEPTED)('%s %j is stored as %j', (type, input, stored) => {
    expect(normalizeObservable(type, input).value).toBe(stored);
  });

  it.each(REJECTED)('%s %j is rejected: %s', (type, input, rule) => {
    let problem: unknown;
    try {
      normalizeObservable(type, input, 'input[4].value');
    } catch (err) {
      problem = err;
    }
    expect(problem).toBeInstanceOf(InputProblem);
    expect((problem as InputProblem).field).toBe('input[4].value');
    expect((problem as InputProblem).message).toMatch(rule);
  });

  it('keeps an inet form for addresses and networks only', () => {
    expect(normalizeObservable(T.IPV4, '203.0.113.7').net).toBe('203.0.113.7');
    expect(normalizeObservable(T.CIDR, '10.9.9.9/16').net).toBe('10.9.0.0/16');
    expect(normalizeObservable(T.DOMAIN, 'example.com').net).toBeNull();
  });
});
