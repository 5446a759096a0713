import type { JWK } from 'jose';
import { generateSigningKey, mintToken } from '../auth/keys';
import type { Principal } from '../auth/principal';
import { ObservableType, OrgKind, Role, Severity, ThreatType, Tlp } from '../common/enums';
import type { Services } from '../api/services';
import { demoKeyPath, writePrivateKey } from './keyfile';
import { seedRegistryDemo } from './seed-registry';

interface DemoOrg {
  code: string;
  name: string;
  kind: OrgKind;
  sector?: string;
  region?: string;
  parent?: string;
}

/**
 * The demo community: the national centre, five vendors, two ministries and two
 * provinces with departments, the social-security sector with two branches, an ISP.
 */
export const DEMO_ORGS: DemoOrg[] = [
  { code: 'VNCERT', name: 'Vietnam National Cyber Security Centre (demo)', kind: OrgKind.COORDINATOR, sector: 'government', region: 'national' },
  { code: 'BKAV', name: 'BKAV Corporation (demo)', kind: OrgKind.SECURITY_VENDOR, sector: 'security', region: 'hanoi' },
  { code: 'VIETTEL', name: 'Viettel Cyber Security (demo)', kind: OrgKind.SECURITY_VENDOR, sector: 'telecom', region: 'hanoi' },
  { code: 'VNPT', name: 'VNPT Cyber Immunity (demo)', kind: OrgKind.SECURITY_VENDOR, sector: 'telecom', region: 'hanoi' },
  { code: 'FPT', name: 'FPT Information Security (demo)', kind: OrgKind.SECURITY_VENDOR, sector: 'security', region: 'hanoi' },
  { code: 'CMC', name: 'CMC Cyber Security (demo)', kind: OrgKind.SECURITY_VENDOR, sector: 'security', region: 'hanoi' },
  { code: 'MOF', name: 'Ministry of Finance (demo)', kind: OrgKind.MINISTRY, sector: 'finance', region: 'national' },
  { code: 'MOF-TAX', name: 'General Department of Taxation (demo)', kind: OrgKind.AGENCY, sector: 'finance', region: 'national', parent: 'MOF' },
  { code: 'DANANG', name: 'Da Nang Provincial Authority (demo)', kind: OrgKind.PROVINCE, sector: 'government', region: 'danang' },
  { code: 'NETISP', name: 'Net ISP (demo)', kind: OrgKind.ISP, sector: 'telecom', region: 'hcmc' },
  // The ministry's platform (src/cli/seed-registry.ts): more ministries, provinces and their departments, and the social-security sector.
  { code: 'MOF-TREASURY', name: 'State Treasury (demo)', kind: OrgKind.AGENCY, sector: 'finance', region: 'national', parent: 'MOF' },
  { code: 'MOH', name: 'Ministry of Health (demo)', kind: OrgKind.MINISTRY, sector: 'health', region: 'national' },
  { code: 'MOH-HIS', name: 'Health Information Centre (demo)', kind: OrgKind.AGENCY, sector: 'health', region: 'national', parent: 'MOH' },
  { code: 'DANANG-DOH', name: 'Da Nang Department of Health (demo)', kind: OrgKind.AGENCY, sector: 'health', region: 'danang', parent: 'DANANG' },
  { code: 'HANOI', name: 'Hanoi People\'s Committee (demo)', kind: OrgKind.PROVINCE, sector: 'government', region: 'hanoi' },
  { code: 'VSS', name: 'Vietnam Social Security incident response team (demo)', kind: OrgKind.SECTOR_CERT, sector: 'social-security', region: 'national' },
  { code: 'VSS-HN', name: 'Hanoi Social Security (demo)', kind: OrgKind.AGENCY, sector: 'social-security', region: 'hanoi', parent: 'VSS' },
  { code: 'VSS-HCM', name: 'Ho Chi Minh City Social Security (demo)', kind: OrgKind.AGENCY, sector: 'social-security', region: 'hcmc', parent: 'VSS' },
];

/**
 * Seeds the demo organisations on an empty database, each with its own key
 * (private JWKs written to <dataDir>/demo-keys/<CODE>.jwk), and a little
 * shared intelligence so the first query has something to show.
 */
export async function seedDemo(services: Services, dataDir: string, audience: string): Promise<void> {
  if (!(await services.organizations.isEmpty())) throw new Error('the database already has organisations; the demo seed only runs on an empty one');
  const keys = new Map<string, JWK>();
  for (const org of DEMO_ORGS) {
    const { privateJwk, publicJwk } = await generateSigningKey(org.code);
    writePrivateKey(demoKeyPath(dataDir, org.code), privateJwk);
    keys.set(org.code, privateJwk);
    await services.organizations.bootstrap(org, publicJwk);
  }
  const as = async (code: string, roles: Role[]): Promise<Principal> =>
    services.tokens.verify(await mintToken(keys.get(code)!, { org: code, sub: 'demo-seed', roles, audience, ttl: 300 }));

  const vncert = await as('VNCERT', [Role.ADMIN]);
  await services.groups.create(vncert, 'vendor-alliance', ['BKAV', 'VIETTEL', 'VNPT', 'FPT', 'CMC']);
  await services.groups.create(vncert, 'finance-sector', ['MOF']);

  const mof = await as('MOF', [Role.ADMIN]);
  await services.assetRanges.replace(mof, ['203.113.128.0/24']);
  await services.assetRangeReviews.review(vncert, { organization: 'MOF', cidrs: ['203.113.128.0/24'], approve: true, reason: 'demo seed' });

  const bkav = await as('BKAV', [Role.CONTRIBUTOR]);
  await services.indicators.submit(bkav, [
    { type: ObservableType.IPV4, value: '203.113.128.45', tlp: Tlp.AMBER, recipients: ['finance-sector'], severity: Severity.HIGH, confidence: 85, threatTypes: [ThreatType.C2], tags: ['apt32'], description: 'C2 beacon target seen from a ministry network' },
    { type: ObservableType.DOMAIN, value: 'update-microsoft-check.com', tlp: Tlp.GREEN, severity: Severity.HIGH, confidence: 90, threatTypes: [ThreatType.PHISHING, ThreatType.MALWARE], tags: ['apt32'] },
    { type: ObservableType.SHA256, value: '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08', tlp: Tlp.CLEAR, severity: Severity.MEDIUM, confidence: 70, threatTypes: [ThreatType.MALWARE] },
  ]);
  const viettel = await as('VIETTEL', [Role.CONTRIBUTOR]);
  await services.indicators.submit(viettel, [
    { type: ObservableType.DOMAIN, value: 'update-microsoft-check.com', tlp: Tlp.AMBER, recipients: ['vendor-alliance'], severity: Severity.CRITICAL, confidence: 95, threatTypes: [ThreatType.C2] },
    { type: ObservableType.CIDR, value: '45.77.10.0/24', tlp: Tlp.GREEN, severity: Severity.MEDIUM, confidence: 60, threatTypes: [ThreatType.SCANNER, ThreatType.BOTNET], tags: ['mirai'] },
  ]);
  await seedRegistryDemo(services, as);
}
