import { registerEnumType } from 'type-graphql';

export enum Tlp {
  CLEAR = 'CLEAR',
  GREEN = 'GREEN',
  AMBER = 'AMBER',
  AMBER_STRICT = 'AMBER_STRICT',
  RED = 'RED',
}

/** Roles are cumulative: each one includes every capability of those before it. */
export enum Role {
  VIEWER = 'VIEWER',
  REPORTER = 'REPORTER',
  CONTRIBUTOR = 'CONTRIBUTOR',
  ANALYST = 'ANALYST',
  ADMIN = 'ADMIN',
}
export const ROLE_ORDER: readonly Role[] = [Role.VIEWER, Role.REPORTER, Role.CONTRIBUTOR, Role.ANALYST, Role.ADMIN];

export enum Severity {
  INFO = 'INFO',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
export const SEVERITY_ORDER: readonly Severity[] = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL];

export enum ObservableType {
  IPV4 = 'IPV4',
  IPV6 = 'IPV6',
  CIDR = 'CIDR',
  DOMAIN = 'DOMAIN',
  URL = 'URL',
  EMAIL = 'EMAIL',
  MD5 = 'MD5',
  SHA1 = 'SHA1',
  SHA256 = 'SHA256',
  FILE_NAME = 'FILE_NAME',
  ASN = 'ASN',
}

export enum ThreatType {
  BOTNET = 'BOTNET',
  C2 = 'C2',
  RANSOMWARE = 'RANSOMWARE',
  PHISHING = 'PHISHING',
  MALWARE = 'MALWARE',
  SCANNER = 'SCANNER',
  SPAM = 'SPAM',
  EXPLOIT = 'EXPLOIT',
  APT = 'APT',
  DDOS = 'DDOS',
  OTHER = 'OTHER',
}

export enum OrgKind {
  COORDINATOR = 'COORDINATOR',
  MINISTRY = 'MINISTRY',
  PROVINCE = 'PROVINCE',
  AGENCY = 'AGENCY',
  SECTOR_CERT = 'SECTOR_CERT',
  ISP = 'ISP',
  SECURITY_VENDOR = 'SECURITY_VENDOR',
}

export enum OrgStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
}

export enum KeyStatus {
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
  REVOKED = 'REVOKED',
}

export enum IncidentStatus {
  REPORTED = 'REPORTED',
  TRIAGED = 'TRIAGED',
  CONTAINED = 'CONTAINED',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}

export enum IncidentCategory {
  MALWARE = 'MALWARE',
  RANSOMWARE = 'RANSOMWARE',
  PHISHING = 'PHISHING',
  INTRUSION = 'INTRUSION',
  DATA_BREACH = 'DATA_BREACH',
  DDOS = 'DDOS',
  DEFACEMENT = 'DEFACEMENT',
  ACCOUNT_COMPROMISE = 'ACCOUNT_COMPROMISE',
  VULNERABILITY = 'VULNERABILITY',
  OTHER = 'OTHER',
}

export enum AdvisoryStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  WITHDRAWN = 'WITHDRAWN',
}

/** An asset range counts (exposure, EXPOSURE warnings) only once APPROVED. */
export enum AssetRangeStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

export enum WarningKind {
  ADVISORY_PUBLISHED = 'ADVISORY_PUBLISHED',
  ADVISORY_WITHDRAWN = 'ADVISORY_WITHDRAWN',
  INDICATOR_HIGH_SEVERITY = 'INDICATOR_HIGH_SEVERITY',
  EXPOSURE = 'EXPOSURE',
  INCIDENT_UPDATED = 'INCIDENT_UPDATED',
  /** A step of a safety-level dossier (submitted, revised, approved, returned, withdrawn): to the owner and the competent reviewer. */
  DOSSIER_UPDATED = 'DOSSIER_UPDATED',
  /** An inspection or annual evaluation scheduled or recorded: to the owner and the competent reviewer. */
  INSPECTION_UPDATED = 'INSPECTION_UPDATED',
  /** A ranking snapshot published to its audience. */
  RANKING_PUBLISHED = 'RANKING_PUBLISHED',
}

/** Warning kinds of the ministry's registry that reach exactly their audience (the owner and the competent reviewer). */
export const REGISTRY_WARNING_KINDS: readonly WarningKind[] = [WarningKind.DOSSIER_UPDATED, WarningKind.INSPECTION_UPDATED];

/** How an information system stands with its safety-level approval, computed at read time from the approval's validity. */
export enum ApprovalStatus {
  /** No dossier was ever submitted (or all were withdrawn). */
  NOT_SUBMITTED = 'NOT_SUBMITTED',
  /** A dossier waits for the competent reviewer. */
  PENDING = 'PENDING',
  /** The reviewer returned the dossier with comments; the owner must revise it. */
  RETURNED = 'RETURNED',
  /** Approved, and the approval is still valid. */
  APPROVED = 'APPROVED',
  /** Approved once, but the validity has passed: not approved any more. */
  EXPIRED = 'EXPIRED',
}

export enum SystemLifecycle {
  IN_OPERATION = 'IN_OPERATION',
  /** Decommissioned: kept for the record, left out of statistics, checklists and rankings. */
  RETIRED = 'RETIRED',
}

/** Stored states of a safety-level dossier; EXPIRED is computed from an APPROVED dossier's validity. */
export enum DossierStatus {
  SUBMITTED = 'SUBMITTED',
  RETURNED = 'RETURNED',
  APPROVED = 'APPROVED',
  EXPIRED = 'EXPIRED',
  /** A later dossier of the same system was approved. */
  SUPERSEDED = 'SUPERSEDED',
  WITHDRAWN = 'WITHDRAWN',
}

export enum InspectionKind {
  INSPECTION = 'INSPECTION',
  ANNUAL_EVALUATION = 'ANNUAL_EVALUATION',
}

/** OVERDUE is computed: a SCHEDULED inspection whose due date has passed. */
export enum InspectionStatus {
  SCHEDULED = 'SCHEDULED',
  OVERDUE = 'OVERDUE',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

/** Who last assessed a requirement of a system's checklist. */
export enum AssessmentSource {
  OWNER = 'OWNER',
  REVIEW = 'REVIEW',
  INSPECTION = 'INSPECTION',
}

export enum StatisticsGrouping {
  /** One group: the whole scope. */
  NONE = 'NONE',
  /** By the organisation that owns the systems (reports the incidents, owns the ranges). */
  ORGANIZATION = 'ORGANIZATION',
  KIND = 'KIND',
  SECTOR = 'SECTOR',
  REGION = 'REGION',
}

/** What became of an attempt recorded in the audit log. */
export enum AuditOutcome {
  OK = 'OK',
  DENIED = 'DENIED',
}

registerEnumType(Tlp, { name: 'Tlp', description: 'Traffic Light Protocol 2.0 marking' });
registerEnumType(Role, { name: 'Role' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(ObservableType, { name: 'ObservableType' });
registerEnumType(ThreatType, { name: 'ThreatType' });
registerEnumType(OrgKind, { name: 'OrganizationKind' });
registerEnumType(OrgStatus, { name: 'OrganizationStatus' });
registerEnumType(KeyStatus, { name: 'SigningKeyStatus' });
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });
registerEnumType(IncidentCategory, { name: 'IncidentCategory' });
registerEnumType(AdvisoryStatus, { name: 'AdvisoryStatus' });
registerEnumType(WarningKind, { name: 'WarningKind' });
registerEnumType(AssetRangeStatus, {
  name: 'AssetRangeStatus',
  description: 'A declared range is PENDING until a coordinator ADMIN, or the ADMIN of an organisation above the owner inside its own approved ranges, approves or rejects it.',
});
registerEnumType(AuditOutcome, { name: 'AuditOutcome', description: 'OK: done; DENIED: refused with FORBIDDEN.' });
registerEnumType(ApprovalStatus, { name: 'ApprovalStatus', description: 'Computed at read time: an approval past its validity is EXPIRED (not approved).' });
registerEnumType(SystemLifecycle, { name: 'SystemLifecycle' });
registerEnumType(DossierStatus, { name: 'DossierStatus' });
registerEnumType(InspectionKind, { name: 'InspectionKind' });
registerEnumType(InspectionStatus, { name: 'InspectionStatus' });
registerEnumType(AssessmentSource, { name: 'AssessmentSource' });
registerEnumType(StatisticsGrouping, { name: 'StatisticsGrouping' });

/** The severities at or above `min`, for "at least this severity" filters. */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(min));
}
