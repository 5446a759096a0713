import { describe, expect, it } from 'vitest';
import { ObservableType, Tlp } from '../src/common/enums';
import { canonicalJson, uuidv5 } from '../src/interop/stix/ids';
import { tlpMarking } from '../src/interop/stix/markings';
import { toStixObservable } from '../src/interop/stix/observables';
import { schemaErrors } from './support/stix';

describe('STIX deterministic ids and markings', () => {
  it('gives SCOs the ids of the specification', () => {
    expect(toStixObservable(ObservableType.IPV4, '198.51.100.7').sco.id).toBe('ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db');
    // RFC 4122 appendix vector for UUIDv5 (DNS namespace, "www.example.com").
    expect(uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('canonicalises keys in code-unit order, nested', () => {
    expect(canonicalJson({ value: 'x', hashes: { 'SHA-256': 'a', MD5: 'b' } })).toBe('{"hashes":{"MD5":"b","SHA-256":"a"},"value":"x"}');
  });

  it('writes a valid SCO and pattern for every observable type', () => {
    const samples: [ObservableType, string, string][] = [
      [ObservableType.IPV4, '198.51.100.7', "[ipv4-addr:value = '198.51.100.7']"],
      [ObservableType.IPV6, '2001:db8::1', "[ipv6-addr:value = '2001:db8::1']"],
      [ObservableType.CIDR, '198.51.100.0/24', "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"],
      [ObservableType.DOMAIN, 'evil.example', "[domain-name:value = 'evil.example']"],
      [ObservableType.URL, "http://evil.example/a'b", "[url:value = 'http://evil.example/a\\'b']"],
      [ObservableType.EMAIL, 'x@evil.example', "[email-addr:value = 'x@evil.example']"],
      [ObservableType.MD5, 'd41d8cd98f00b204e9800998ecf8427e', "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']"],
      [ObservableType.SHA1, 'da39a3ee5e6b4b0d3255bfef95601890afd80709', "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"],
      [ObservableType.SHA256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"],
      [ObservableType.FILE_NAME, 'dropper.exe', "[file:name = 'dropper.exe']"],
      [ObservableType.ASN, 'AS64500', '[autonomous-system:number = 64500]'],
    ];
    for (const [type, value, pattern] of samples) {
      const o = toStixObservable(type, value);
      expect(o.pattern).toBe(pattern);
      expect(schemaErrors(o.sco)).toEqual([]);
    }
  });

  it('writes TLP 2.0 marking definitions the schema accepts, and rejects a broken object', () => {
    for (const t of Object.values(Tlp)) expect(schemaErrors(tlpMarking(t))).toEqual([]);
    expect(schemaErrors({ type: 'indicator', id: 'indicator--x' }).length).toBeGreaterThan(0);
  });
});
