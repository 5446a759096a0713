import type { Principal } from '../auth/principal';
import { IncidentCategory, IncidentStatus, InspectionKind, ObservableType, Role, Severity, SystemLifecycle, ThreatType, Tlp } from '../common/enums';
import type { Services } from '../api/services';

type As = (code: string, roles: Role[]) => Promise<Principal>;

/** The state a demo system is left in. */
type State = 'approved' | 'pending' | 'returned' | 'none' | 'expired' | 'retired';

interface DemoSystem {
  owner: string;
  name: string;
  level: number;
  state: State;
  /** Requirements met, counted from the first of its level's checklist. */
  met: number;
  range?: string;
}

/** Organisations, their parents (the competent reviewers; coordinators review those without one) and address space. */
const REVIEWER: Record<string, string> = {
  MOF: 'VNCERT',
  'MOF-TAX': 'MOF',
  'MOF-TREASURY': 'MOF',
  MOH: 'VNCERT',
  'MOH-HIS': 'MOH',
  DANANG: 'VNCERT',
  'DANANG-DOH': 'DANANG',
  HANOI: 'VNCERT',
  VSS: 'VNCERT',
  'VSS-HN': 'VSS',
  'VSS-HCM': 'VSS',
};
const RANGES: Record<string, string[]> = {
  'MOF-TAX': ['203.113.140.0/24'],
  'DANANG-DOH': ['113.160.20.0/24'],
  'VSS-HN': ['14.160.30.0/24'],
  'VSS-HCM': ['14.161.40.0/24'],
};

// About 63 % approved overall, as when the ministry's platform launched, and every other state present.
const A: State = 'approved';
const SYSTEMS: DemoSystem[] = [
  ...sys('MOF', [['Treasury payment system', 4, A, 15], ['State budget portal', 3, A, 13], ['Internal mail', 2, 'pending', 5]]),
  ...sys('MOF-TAX', [['e-Tax filing', 4, A, 12, '203.113.140.10'], ['Tax registry', 3, A, 11], ['Invoice lookup', 3, 'returned', 7], ['Call centre', 2, 'none', 3], ['Legacy VAT system', 3, 'retired', 0]]),
  ...sys('MOF-TREASURY', [['TABMIS treasury accounting', 5, A, 19], ['Interbank payment gateway', 4, 'expired', 14], ['Treasury intranet', 2, A, 8], ['Staff portal', 1, 'pending', 2]]),
  ...sys('MOH', [['Health insurance claims', 4, A, 16], ['Drug registration', 3, 'pending', 9], ['Ministry website', 2, A, 8]]),
  ...sys('MOH-HIS', [['Electronic health records', 4, 'returned', 10], ['Vaccination registry', 3, A, 13], ['Hospital reporting', 2, A, 7]]),
  ...sys('DANANG', [['e-Government portal', 3, A, 12], ['Smart city operations', 4, A, 15], ['Land registry', 3, 'expired', 9], ['Public service kiosks', 2, 'none', 1]]),
  ...sys('DANANG-DOH', [['Hospital information system', 3, A, 11, '113.160.20.5'], ['Appointment booking', 2, 'pending', 6], ['Ambulance dispatch', 3, A, 13]]),
  ...sys('HANOI', [['Hanoi public services', 3, A, 13], ['Traffic cameras', 3, 'returned', 6], ['Document management', 2, A, 8], ['Citizen feedback', 1, A, 5]]),
  ...sys('VSS', [['Social insurance core', 5, A, 20], ['VssID mobile app', 4, A, 16]]),
  ...sys('VSS-HN', [['Hanoi contribution collection', 4, A, 14, '14.160.30.7'], ['Hanoi benefits payment', 3, A, 13], ['Hanoi call centre', 2, 'pending', 4], ['Hanoi records archive', 2, A, 7]]),
  ...sys('VSS-HCM', [['HCMC contribution collection', 4, A, 17, '14.161.40.9'], ['HCMC benefits payment', 3, 'expired', 10], ['HCMC branch intranet', 2, A, 8], ['HCMC kiosk network', 1, 'none', 2]]),
];

function sys(owner: string, rows: [string, number, State, number, string?][]): DemoSystem[] {
  return rows.map(([name, level, state, met, range]) => ({ owner, name, level, state, met, range }));
}

/**
 * The ministry's platform in the demo: a few dozen systems across the
 * ministries, provinces and the social-security sector in every approval
 * state, checklists partly met, dossiers waiting for days, inspections and
 * annual evaluations (one overdue), incidents and exposures — so that
 * statistics and the ranking have something to say.
 */
export async function seedRegistryDemo(s: Services, as: As): Promise<void> {
  const reporter = (code: string) => as(code, [Role.REPORTER]);
  // Provinces and agencies grant ADMIN but not ANALYST; ADMIN includes it.
  const reviewer = (code: string) => as(REVIEWER[code], [Role.ADMIN]);
  const coordinator = await as('VNCERT', [Role.ADMIN]);
  for (const [code, ranges] of Object.entries(RANGES)) {
    await s.assetRanges.replace(await reporter(code), ranges);
    // A declared range is only a claim: the demo's are approved, as a registry export would be.
    await s.assetRangeReviews.review(coordinator, { organization: code, cidrs: ranges, approve: true, reason: 'demo seed' });
  }
  const catalogue = await s.requirements.catalogue(await reporter('MOF'), null);
  const day = 86_400_000;
  const approvedIds: { id: string; owner: string }[] = [];

  for (const [i, d] of SYSTEMS.entries()) {
    const owner = await reporter(d.owner);
    const system = await s.informationSystems.register(owner, { name: d.name, proposedLevel: d.level, purpose: `${d.name} (demo)`, ranges: d.range ? [d.range] : [] });
    const items = catalogue.filter((r) => r.level <= d.level).slice(0, d.met).map((r) => ({ requirementId: r.id, met: true, evidence: 'Demo evidence' }));
    if (items.length) await s.requirements.record(owner, system.id, items);
    if (d.state === 'none') continue;
    if (d.state === 'retired') {
      await s.informationSystems.update(owner, system.id, { lifecycle: SystemLifecycle.RETIRED });
      continue;
    }
    const dossier = await s.dossiers.submit(owner, {
      systemId: system.id,
      proposedLevel: d.level,
      description: `Safety level ${d.level} dossier for ${d.name}.`,
      measures: ['Boundary firewall', 'Endpoint protection', 'Central logging'].slice(0, 1 + (d.level % 3)),
      attachments: [{ name: 'security-plan.txt', text: `Security plan for ${d.name} (demo).` }],
    });
    if (d.state === 'pending') {
      // Waiting for a few days to a few weeks.
      await s.db.query(`UPDATE safety_dossiers SET submitted_at = now() - make_interval(days => $2) WHERE id = $1`, [dossier.id, 3 + ((i * 7) % 25)]);
      continue;
    }
    const rev = await reviewer(d.owner);
    if (d.state === 'returned') {
      await s.dossiers.review(rev, dossier.id, false, 'Describe the backup and recovery procedure, and attach the network diagram.', null);
      continue;
    }
    await s.dossiers.review(rev, dossier.id, true, 'Approved (demo).', null);
    if (d.state === 'expired') {
      // Approved long ago: the approval has lapsed (computed at read time).
      await s.db.query(`UPDATE information_systems SET approved_at = now() - interval '400 days', approved_until = now() - make_interval(days => $2) WHERE id = $1`, [system.id, 10 + i]);
      await s.db.query(`UPDATE safety_dossiers SET valid_until = now() - make_interval(days => $2) WHERE id = $1`, [dossier.id, 10 + i]);
      continue;
    }
    approvedIds.push({ id: system.id, owner: d.owner });
  }

  // The social-security sector's annual evaluations: one recorded with findings, one due, one overdue.
  const vssSystems = approvedIds.filter((x) => x.owner.startsWith('VSS-'));
  for (const [n, x] of vssSystems.slice(0, 3).entries()) {
    const rev = await reviewer(x.owner);
    const ins = await s.inspections.schedule(rev, x.id, new Date(Date.now() + (n + 1) * 30 * day), InspectionKind.ANNUAL_EVALUATION, 'Annual evaluation of the approved measures');
    if (n === 0) {
      const lines = (await s.requirements.checklistOf(rev, [x.id])).get(x.id) ?? [];
      await s.inspections.record(rev, ins.id, lines.slice(0, 3).map((l, k) => ({ requirementId: l.requirementId, met: k !== 1, note: k === 1 ? 'Not in place at the visit' : 'Seen in place' })), 'Evaluation done (demo)');
    } else if (n === 2) {
      await s.db.query(`UPDATE inspections SET due_at = now() - interval '12 days' WHERE id = $1`, [ins.id]);
    }
  }

  // Incidents on the agencies' systems, reported days ago: some still open, some closed hours or days later.
  for (const [code, title, daysAgo, closedAfterHours] of [
    ['MOF-TAX', 'Phishing wave against e-Tax users', 20, 30],
    ['MOF-TAX', 'Malware on a filing workstation', 6, null],
    ['VSS-HN', 'Credential stuffing on VssID', 12, null],
    ['DANANG-DOH', 'Ransomware on a hospital file server', 15, 96],
    ['HANOI', 'Defacement of a district website', 3, null],
  ] as const) {
    const who = await reporter(code);
    const inc = await s.incidents.report(who, { title, category: IncidentCategory.MALWARE, severity: Severity.HIGH });
    if (closedAfterHours) await s.incidents.update(who, inc.id, { status: IncidentStatus.CLOSED, note: 'Cleaned and closed (demo)' });
    await s.db.query(`UPDATE incidents SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [inc.id, daysAgo]);
    await s.db.query(
      `UPDATE incident_events SET created_at = now() - make_interval(days => $2) + CASE WHEN kind <> 'REPORTED' THEN make_interval(hours => $3) ELSE interval '0' END
        WHERE incident_id = $1`,
      [inc.id, daysAgo, closedAfterHours ?? 0],
    );
  }

  // Botnet IPs inside agencies' address space (AMBER, to the owner; MEDIUM, so no high-severity warning): EXPOSURE warnings; one is revoked later.
  const bkav = await as('BKAV', [Role.CONTRIBUTOR]);
  const posted = await s.indicators.submit(bkav, [
    { type: ObservableType.IPV4, value: '203.113.140.66', tlp: Tlp.AMBER, recipients: ['MOF-TAX'], severity: Severity.MEDIUM, confidence: 80, threatTypes: [ThreatType.BOTNET] },
    { type: ObservableType.IPV4, value: '14.160.30.77', tlp: Tlp.AMBER, recipients: ['VSS-HN'], severity: Severity.MEDIUM, confidence: 70, threatTypes: [ThreatType.BOTNET] },
    { type: ObservableType.IPV4, value: '113.160.20.99', tlp: Tlp.AMBER, recipients: ['DANANG-DOH'], severity: Severity.MEDIUM, confidence: 75, threatTypes: [ThreatType.BOTNET] },
  ]);
  const ids = posted.results.flatMap((r) => (r.indicator ? [r.indicator.id] : []));
  // Warned nine days ago; the first was cleaned and revoked three days later.
  await s.db.query(`UPDATE warnings SET created_at = now() - interval '9 days' WHERE kind = 'EXPOSURE' AND subject_id = ANY($1::uuid[])`, [ids]);
  if (ids[0]) {
    await s.indicators.revoke(bkav, ids[0], 'Host cleaned (demo)');
    await s.db.query(`UPDATE indicators SET revoked_at = now() - interval '6 days' WHERE id = $1`, [ids[0]]);
  }
}
