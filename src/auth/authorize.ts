import { AdvisoryStatus, Role, Tlp } from '../common/enums';
import { forbidden } from '../common/errors';
import { actsForAuthor } from './policy';
import { hasRole, type Principal } from './principal';

/**
 * What an object rule may look at. Services pass the row they locked; the
 * `target` names it in the audit log.
 */
export interface Subject {
  target?: { type: string; id: string };
  /** The organisation that authored the object (incidents, advisories, indicators). */
  authorId?: string;
  tlp?: Tlp;
  status?: string;
  /** The organisation an administrative action is about (keys). */
  organizationId?: string;
  organizationCode?: string;
  /** Asset-range reviews: whether the range lies inside one of the reviewing organisation's approved ranges. */
  insideReviewerSpace?: boolean;
  /**
   * Registry objects (information systems, dossiers, inspections): the
   * competent reviewer organisation, the owner's parent; null when the owner
   * has none, and a coordinator reviews. `authorId` is the owner.
   */
  reviewerOrgId?: string | null;
}

type Rule = (p: Principal, s: Subject) => string | null;

const coordinatorAnalyst = (p: Principal) => p.isCoordinator && hasRole(p, Role.ANALYST);
const coordinatorAdmin = (p: Principal) => p.isCoordinator && hasRole(p, Role.ADMIN);

/** Registry writes that only the owning organisation makes (its REPORTER and above). */
const systemOwner =
  (what: string): Rule =>
  (p, s) =>
    s.authorId === p.orgId ? null : `only the organisation that owns the information system may ${what}`;

/**
 * The competent reviewer of a system's dossiers, inspections and
 * evaluations: the parent organisation for a department, a coordinator for
 * an organisation without a parent; never the owner itself.
 */
function competentReviewer(p: Principal, s: Subject): string | null {
  if (s.authorId === p.orgId) return 'an organisation may not review or inspect its own information systems';
  if (s.reviewerOrgId) return s.reviewerOrgId === p.orgId ? null : "only the owner's parent organisation's ANALYST may review or inspect this system";
  return p.isCoordinator ? null : "only a coordinator organisation's ANALYST may review or inspect this system";
}

interface ActionSpec {
  /** The least role (roles are cumulative). */
  role: Role;
  /**
   * Organisation and object rules, checked when the service passes the
   * subject (a rule returns the reason for a refusal, or null). Without a
   * subject only the role is checked: that is what the schema's field guard
   * can know before the service has read anything.
   */
  rule?: Rule;
}

/**
 * The closed list of actions: every write and every privileged read. Role,
 * organisation and object rules meet here and nowhere else; the audit log
 * uses the same names.
 */
const CATALOGUE = {
  /** Reading what the sharing policy allows, subscribing to warnings. */
  read: { role: Role.VIEWER },
  'indicator.submit': { role: Role.CONTRIBUTOR },
  /** Importing STIX 2.1 bundles or TAXII envelopes (GraphQL importStix, TAXII objects POST, cli taxii pull). */
  'stix.import': { role: Role.CONTRIBUTOR },
  'indicator.revoke': {
    role: Role.CONTRIBUTOR,
    rule: (p, s) => (s.authorId === p.orgId ? null : 'only the organisation that posted an indicator may revoke it'),
  },
  'sighting.report': { role: Role.REPORTER },
  /**
   * TAXII DELETE: only an object the caller's organisation authored, by its
   * CONTRIBUTOR or above; the object's own action (indicator.revoke,
   * sighting.delete, advisory.withdraw, incident.delete) then applies its rules.
   */
  'taxii.delete': {
    role: Role.CONTRIBUTOR,
    rule: (p, s) => (s.authorId === p.orgId ? null : 'only objects of the caller\'s own organisation may be deleted over TAXII'),
  },
  /** Withdrawing a sighting (TAXII DELETE): a sighting is an event with no revoked state, so it is removed. */
  'sighting.delete': {
    role: Role.CONTRIBUTOR,
    rule: (p, s) => (s.authorId === p.orgId ? null : 'only the organisation that reported a sighting may delete it'),
  },
  /** Declaring the caller's own organisation's ranges; they stay PENDING until reviewed. */
  'assetRange.set': { role: Role.REPORTER },
  /**
   * Approving or rejecting an organisation's declared ranges, and listing the
   * pending ones: a coordinator's ADMIN for any range; the ADMIN of an
   * organisation above the owner for a range inside its own approved space
   * (it can only hand down what it was given). Never the owner itself.
   */
  'assetRange.review': {
    role: Role.ADMIN,
    rule: (p, s) => {
      if (coordinatorAdmin(p)) return null;
      if (s.organizationId !== undefined && p.descendants.includes(s.organizationId) && s.insideReviewerSpace) return null;
      const owner = s.organizationCode ?? 'the organisation';
      return `only a coordinator organisation's ADMIN, or the ADMIN of an organisation above ${owner} for a range inside its own approved ranges, may review ${owner}'s asset ranges`;
    },
  },
  /** Loading approved ranges in bulk (a registry export): the coordinators vouch for every line. */
  'assetRange.import': {
    role: Role.ADMIN,
    rule: (p) => (coordinatorAdmin(p) ? null : 'only a coordinator organisation\'s ADMIN may import approved asset ranges'),
  },
  'incident.report': { role: Role.REPORTER },
  'incident.update': {
    role: Role.REPORTER,
    rule: (p, s) =>
      coordinatorAnalyst(p) || (s.authorId !== undefined && actsForAuthor(p, s.authorId))
        ? null
        : 'only the reporting organisation, the organisations above it, or a coordinator organisation\'s ANALYST may update this incident',
  },
  /**
   * Deleting an incident (TAXII DELETE) is never allowed: an incident is an
   * official record that its reporter closes through its status. Kept in the
   * catalogue so that the refusal is audited like any other.
   */
  'incident.delete': {
    role: Role.REPORTER,
    rule: () => 'an incident is not deleted: the reporting organisation closes it (updateIncident with status CLOSED)',
  },
  'incident.triage': {
    role: Role.REPORTER,
    rule: (p) => (coordinatorAnalyst(p) ? null : 'only a coordinator organisation\'s ANALYST may triage or reopen an incident'),
  },
  'incident.assign': {
    role: Role.REPORTER,
    rule: (p) => (coordinatorAnalyst(p) ? null : 'only a coordinator organisation\'s ANALYST may assign an incident'),
  },
  'incident.share': {
    role: Role.REPORTER,
    rule: (p, s) => {
      if (s.authorId === p.orgId) return null;
      if (!coordinatorAnalyst(p)) return 'only the reporting organisation or a coordinator organisation\'s ANALYST may share this incident';
      return s.tlp === Tlp.RED ? 'only the reporting organisation may share a TLP:RED incident' : null;
    },
  },
  'advisory.create': { role: Role.CONTRIBUTOR },
  'advisory.revise': {
    role: Role.CONTRIBUTOR,
    rule: (p, s) => {
      if (coordinatorAnalyst(p)) return null;
      if (s.authorId !== p.orgId) return 'only the author organisation or a coordinator organisation\'s ANALYST may revise an advisory';
      return s.status === AdvisoryStatus.PUBLISHED ? 'only a coordinator organisation\'s ANALYST may revise a published advisory' : null;
    },
  },
  'advisory.publish': {
    role: Role.ANALYST,
    rule: (p) => (p.isCoordinator ? null : 'only a coordinator organisation\'s ANALYST may publish an advisory'),
  },
  'advisory.withdraw': {
    role: Role.ANALYST,
    rule: (p, s) =>
      p.isCoordinator || s.authorId === p.orgId
        ? null
        : 'only a coordinator organisation\'s or the author organisation\'s ANALYST may withdraw an advisory',
  },
  'organization.register': {
    role: Role.ADMIN,
    rule: (p) => (coordinatorAdmin(p) ? null : 'only a coordinator organisation\'s ADMIN may register organisations'),
  },
  'organization.update': {
    role: Role.ADMIN,
    rule: (p) => (coordinatorAdmin(p) ? null : 'only a coordinator organisation\'s ADMIN may update organisations'),
  },
  /** Reading an organisation's signing keys: its own ADMIN and coordinator ADMINs. */
  'signingKey.read': { role: Role.ADMIN, rule: (p, s) => managesOrganization(p, s, 'read signing keys') },
  'signingKey.register': { role: Role.ADMIN, rule: (p, s) => managesOrganization(p, s, 'register signing keys') },
  'signingKey.revoke': { role: Role.ADMIN, rule: (p, s) => managesOrganization(p, s, 'revoke signing keys') },
  /** ACTIVE to RETIRED: the key keeps verifying until a set time (rotation with overlap). */
  'signingKey.retire': { role: Role.ADMIN, rule: (p, s) => managesOrganization(p, s, 'retire signing keys') },
  'sharingGroup.create': { role: Role.ADMIN },
  /** Rename, add and remove members; the subject's organisation is the group's owner. */
  'sharingGroup.update': { role: Role.ADMIN, rule: (p, s) => ownsGroup(p, s, 'change') },
  'sharingGroup.delete': { role: Role.ADMIN, rule: (p, s) => ownsGroup(p, s, 'delete') },
  /** An organisation's rate limits: its own members (so their scripts can pace themselves) and coordinator organisations. */
  'organizationLimits.read': {
    role: Role.VIEWER,
    rule: (p, s) => (p.isCoordinator || p.orgId === s.organizationId ? null : 'only the organisation itself and coordinator organisations see its limits'),
  },
  'organizationLimits.set': {
    role: Role.ADMIN,
    rule: (p) => (coordinatorAdmin(p) ? null : 'only a coordinator organisation\'s ADMIN may set organisations\' limits'),
  },
  /** The audit log: an ADMIN reads its own organisation's and its descendants' events, a coordinator ADMIN everything (scoped in SQL). */
  'audit.read': { role: Role.ADMIN },
  /** The ministry's registry: the owner's REPORTER and above register and describe systems and submit dossiers. */
  'system.register': { role: Role.REPORTER },
  'system.update': { role: Role.REPORTER, rule: systemOwner('update it') },
  'dossier.submit': { role: Role.REPORTER, rule: systemOwner('submit its safety-level dossier') },
  'dossier.revise': { role: Role.REPORTER, rule: systemOwner('revise its safety-level dossier') },
  'dossier.attach': { role: Role.REPORTER, rule: systemOwner('attach files to its safety-level dossier') },
  'dossier.withdraw': { role: Role.REPORTER, rule: systemOwner('withdraw its safety-level dossier') },
  'dossier.review': { role: Role.ANALYST, rule: competentReviewer },
  /** The checklist: the owner fills it (REPORTER), the competent reviewer checks it (ANALYST). */
  'requirement.record': {
    role: Role.REPORTER,
    rule: (p, s) => {
      if (s.authorId === p.orgId) return null;
      const asReviewer = competentReviewer(p, s);
      if (asReviewer) return `only the owning organisation or the competent reviewer may record requirement statuses (${asReviewer})`;
      return hasRole(p, Role.ANALYST) ? null : 'the competent reviewer records requirement statuses with role ANALYST';
    },
  },
  'requirement.manage': {
    role: Role.ANALYST,
    rule: (p) => (p.isCoordinator ? null : "only a coordinator organisation's ANALYST may manage the requirement catalogue"),
  },
  'inspection.schedule': { role: Role.ANALYST, rule: competentReviewer },
  'inspection.record': { role: Role.ANALYST, rule: competentReviewer },
  'inspection.cancel': { role: Role.ANALYST, rule: competentReviewer },
  'ranking.publish': {
    role: Role.ANALYST,
    rule: (p) => (p.isCoordinator ? null : "only a coordinator organisation's ANALYST may publish a ranking"),
  },
} satisfies Record<string, ActionSpec>;

function ownsGroup(p: Principal, s: Subject, what: string): string | null {
  if (p.isCoordinator || p.orgId === s.organizationId) return null;
  return `only the ADMIN of the organisation that created the group, or a coordinator's ADMIN, may ${what} it`;
}

function managesOrganization(p: Principal, s: Subject, what: string): string | null {
  if (p.isCoordinator || p.orgId === s.organizationId) return null;
  return `only ${s.organizationCode ?? 'the organisation'}'s ADMIN or a coordinator's ADMIN may ${what}`;
}

export type Action = keyof typeof CATALOGUE;
export const ACTIONS = Object.keys(CATALOGUE) as Action[];

/** The least role an action needs. */
export function roleFor(action: Action): Role {
  return CATALOGUE[action].role;
}

/** Why `p` may not do `action` (to `subject`), or null when it may. Pure: no audit. */
export function denial(p: Principal, action: Action, subject?: Subject): string | null {
  const spec: ActionSpec = CATALOGUE[action];
  if (!hasRole(p, spec.role)) return `requires role ${spec.role}`;
  return subject && spec.rule ? spec.rule(p, subject) : null;
}

/** Whether `p` may do `action`, for fields that show less rather than refuse (no audit: nothing was attempted). */
export function allows(p: Principal, action: Action, subject?: Subject): boolean {
  return denial(p, action, subject) === null;
}

/** Where denied attempts are recorded (the audit log); written outside any refused transaction. */
export type DenialRecorder = (p: Principal, action: Action, subject: Subject | undefined, reason: string) => Promise<void>;

/**
 * The one authorisation gate. Services call it first (role) and again with
 * the object once they have read it (organisation and object rules); the
 * schema's field guard calls it with no subject. Every refusal is recorded,
 * then thrown as FORBIDDEN.
 */
export class Authorizer {
  constructor(private readonly recordDenial: DenialRecorder) {}

  async authorize(p: Principal, action: Action, subject?: Subject): Promise<void> {
    const reason = denial(p, action, subject);
    if (reason === null) return;
    await this.recordDenial(p, action, subject, reason);
    throw forbidden(reason);
  }
}
