import { describe, expect, it } from 'vitest';
import { ObservableType } from '../src/common/enums';
import { InputProblem } from '../src/common/errors';
import { CLOCK_SKEW_MS, cleanText, notInFuture, text, textProblem } from '../src/common/validate';
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
  [T.FILE_NAME, 'hóa-đơn.pdf.exe\n', 'hóa-đơn.pdf.exe'],
  [T.DOMAIN, 'xn--ls8h.la', 'xn--ls8h.la'],
  [T.DOMAIN, '_dmarc.example.com', '_dmarc.example.com'],
  [T.EMAIL, 'first.last+tag@Chính-Phủ.vn', 'first.last+tag@xn--chnh-ph-8ya5810e.vn'],
  [T.URL, 'http://ex%61mple.com/a%20b', 'http://example.com/a%20b'],
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
  [T.EMAIL, 'a@b', /EMAIL domain \(after @\) must be a host name with at least two labels/],
  [T.MD5, 'd41d8cd98f00b204e9800998ecf8427', /MD5 must be exactly 32 hexadecimal/],
  [T.SHA1, 'zz39a3ee5e6b4b0d3255bfef95601890afd80709', /SHA1 must be exactly 40 hexadecimal/],
  [T.SHA256, 'abc', /SHA256 must be exactly 64 hexadecimal/],
  [T.FILE_NAME, 'bad\u0000name', /must not contain control characters/],
  [T.ASN, 'AS4294967296', /ASN must be AS followed by a number/],
  [T.ASN, 'ASX', /ASN must be AS followed by a number/],
  [T.DOMAIN, '   ', /must not be empty/],
  // An address has one @; the local part is a dot-atom.
  [T.EMAIL, 'a@@b.com', /EMAIL must contain exactly one @ \(found 2\)/],
  [T.EMAIL, 'a@b@example.com', /EMAIL must contain exactly one @ \(found 2\)/],
  [T.EMAIL, '@example.com', /EMAIL must have a local part before the @/],
  [T.EMAIL, 'user@', /EMAIL must have a domain after the @/],
  [T.EMAIL, '.user@example.com', /EMAIL local part \(before @\) must not start or end with a dot/],
  [T.EMAIL, 'us..er@example.com', /must not start or end with a dot or have two dots in a row/],
  [T.EMAIL, 'user@example.123', /EMAIL domain \(after @\) must not end in the numeric label "123"/],
  [T.EMAIL, 'user@ex%61mple.com', /EMAIL domain \(after @\) must not contain %/],
  // No host: the WHATWG parser would otherwise make "path" the host.
  [T.URL, 'http:///path', /URL must have a host right after :\/\//],
  [T.URL, 'https:///evil.example/x', /URL must have a host right after :\/\//],
  [T.URL, 'http://\\path', /URL must have a host right after :\/\//],
  [T.URL, 'http://a.example/\u0007', /URL must not contain control characters, tabs or line breaks \(U\+0007 at index 17\)/],
  [T.URL, 'http://a.example/\u202e', /URL must not contain bidirectional override or isolate characters \(U\+202E/],
  // Percent-encoding is not decoded silently; punycode must round-trip.
  [T.DOMAIN, 'ex%61mple.com', /DOMAIN must not contain % \(percent-encoding is not decoded/],
  [T.DOMAIN, 'xn--zz.com', /DOMAIN label "xn--zz" is not valid punycode/],
  [T.DOMAIN, 'mail.xn--a.example', /DOMAIN label "xn--a" is not valid punycode/],
  [T.DOMAIN, 'example.123', /DOMAIN must not end in the numeric label "123": a numeric top-level label is not a domain/],
  [T.DOMAIN, 'example.0x1f', /must not end in the numeric label "0x1f"/],
  [T.DOMAIN, '1.2.3', /DOMAIN must not be an IP address \(use IPV4\)/],
  [T.DOMAIN, 'localhost', /DOMAIN must be a host name with at least two labels/],
  // Control and bidirectional characters in any value, named by code point and position.
  [T.FILE_NAME, 'bad\u0000name', /FILE_NAME must not contain control characters \(NUL, U\+0000, at index 3\)/],
  [T.FILE_NAME, 'invoice\u202efdp.exe', /FILE_NAME must not contain bidirectional override or isolate characters \(U\+202E at index 7\)/],
  [T.FILE_NAME, 'a\u2066b.exe', /bidirectional override or isolate characters \(U\+2066 at index 1\)/],
  [T.FILE_NAME, 'name\u0085.exe', /must not contain control characters, tabs or line breaks \(U\+0085 at index 4\)/],
  [T.FILE_NAME, 'two\nlines.exe', /must not contain control characters, tabs or line breaks \(U\+000A at index 3\)/],
  [T.FILE_NAME, 'half\ud800.exe', /FILE_NAME must be well-formed Unicode \(unpaired surrogate U\+D800 at index 4\)/],
  [T.EMAIL, 'us\u0000er@example.com', /EMAIL must not contain control characters \(NUL, U\+0000, at index 2\)/],
  [T.DOMAIN, 'exa\u202emple.com', /DOMAIN must not contain bidirectional override/],
  [T.MD5, 'd41d8cd98f00b204e9800998ecf8427e\u0000', /MD5 must not contain control characters \(NUL/],
  [T.IPV4, '  203.0.113.7\u0000', /IPV4 must not contain control characters \(NUL, U\+0000, at index 13\)/],
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

describe('text rules (common/validate)', () => {
  const problemOf = (fn: () => unknown): InputProblem => {
    try {
      fn();
    } catch (err) {
      if (err instanceof InputProblem) return err;
      throw err;
    }
    throw new Error('no problem raised');
  };

  it('refuses NUL in every kind of text, naming the field and the position', () => {
    for (const multiline of [false, true]) {
      const p = problemOf(() => text('input.title', 'ab\u0000c', { max: 100, multiline }));
      expect(p.field).toBe('input.title');
      expect(p.message).toBe('input.title: must not contain control characters (NUL, U+0000, at index 2)');
    }
  });

  it('lets prose keep tabs and line breaks, but no other control character', () => {
    expect(text('input.note', 'line one\r\n\tline two', { max: 100, multiline: true })).toBe('line one\r\n\tline two');
    for (const ch of ['\u0007', '\u001b', '\u007f', '\u0085', '\u000b']) {
      expect(problemOf(() => text('input.note', `a${ch}b`, { max: 100, multiline: true })).rule).toMatch(/other than tab, line feed and carriage return/);
    }
  });

  it('keeps names, titles and codes to one line without bidirectional controls', () => {
    expect(problemOf(() => text('input.title', 'two\nlines', { max: 100 })).rule).toMatch(/tabs or line breaks \(U\+000A at index 3\)/);
    expect(problemOf(() => text('input.title', 'a\tb', { max: 100 })).rule).toMatch(/U\+0009/);
    for (const ch of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(problemOf(() => text('name', `x${ch}y`, { max: 100 })).rule).toMatch(/bidirectional override or isolate/);
    }
    // Prose may be written right to left, and isolates are how such text is embedded properly.
    expect(textProblem('see \u2067مرحبا\u2069 here', 'free')).toBeNull();
  });

  it('trims surrounding white space instead of refusing it, and counts positions in the input', () => {
    expect(text('input.title', '  Phishing wave\n', { max: 100 })).toBe('Phishing wave');
    expect(problemOf(() => cleanText('tags[0]', '  a\u0000')).rule).toMatch(/at index 3\)/);
  });

  it('refuses unpaired surrogates, which the database driver would silently replace', () => {
    expect(problemOf(() => text('name', 'a\udc00', { max: 10 })).rule).toMatch(/well-formed Unicode \(unpaired surrogate U\+DC00 at index 1\)/);
    expect(text('name', 'ok 😀', { max: 10 })).toBe('ok 😀');
  });

  it('refuses times of observation ahead of the clock by more than the allowed skew', () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    expect(notInFuture('input[0].firstSeen', new Date(now + CLOCK_SKEW_MS - 1000), now)).toBeInstanceOf(Date);
    const p = problemOf(() => notInFuture('input[0].firstSeen', new Date('2999-01-01T00:00:00Z'), now));
    expect(p.message).toBe("input[0].firstSeen: must not be in the future (more than 5 minutes ahead of the server's clock)");
  });
});
