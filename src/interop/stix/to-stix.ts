import type { AdvisoryEntity } from '../../advisories/advisory.entity';
import { IncidentStatus, Severity, type Tlp } from '../../common/enums';
import type { IncidentEntity, IncidentEventEntity } from '../../incidents/incident.entity';
import type { IndicatorEntity } from '../../intel/indicator.entity';
import type { ObservableEntity } from '../../intel/observable.entity';
import type { SightingEntity } from '../../intel/sighting.entity';
import type { OrganizationEntity } from '../../organizations/organization.entity';
import { TLP2_IDS } from './markings';
import { toStixObservable } from './observables';

/** A STIX object as plain JSON. */
export type StixObject = Record<string, unknown> & { type: string; id: string };

/** The Incident Core Extension (oasis-open/cti-stix-common-objects, extension-definition-specifications/incident-core). */
export const INCIDENT_CORE_EXTENSION = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';

const ts = (d: Date | string): string => new Date(d).toISOString();
/** STIX requires modified >= created; our clocks (first/last reported, updated_at) may tie or, after a restore, disagree. */
const modifiedOf = (created: Date, modified: Date) => ts(modified > created ? modified : created);

const marking = (tlp: Tlp) => [TLP2_IDS[tlp]];

/** The STIX identity of an organisation: `identity--<our uuid>`. */
export function identityId(orgId: string): string {
  return `identity--${orgId}`;
}

/** An organisation as an `identity` of class organization. */
export function identityToStix(o: OrganizationEntity): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: identityId(o.id),
    created: ts(o.createdAt),
    modified: modifiedOf(o.createdAt, o.updatedAt),
    name: o.name,
    identity_class: 'organization',
    ...(o.sector ? { sectors: [o.sector.toLowerCase()] } : {}),
    external_references: [{ source_name: 'threatfed', external_id: o.code }],
  };
}

/** The SCO of an observable. */
export function observableToStix(o: Pick<ObservableEntity, 'type' | 'value'>): StixObject {
  return toStixObservable(o.type, o.value).sco as StixObject;
}

/** An indicator with a STIX pattern over its observable. */
export function indicatorToStix(i: IndicatorEntity, observable: Pick<ObservableEntity, 'type' | 'value'>): StixObject {
  const { pattern } = toStixObservable(observable.type, observable.value);
  const labels = [...new Set([...i.threatTypes.map((t) => t.toLowerCase()), ...i.tags])];
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${i.id}`,
    created_by_ref: identityId(i.authorId),
    created: ts(i.firstReported),
    modified: modifiedOf(i.firstReported, i.lastReported),
    indicator_types: ['malicious-activity'],
    pattern,
    pattern_type: 'stix',
    valid_from: ts(i.validFrom),
    ...(i.validUntil ? { valid_until: ts(i.validUntil) } : {}),
    confidence: i.confidence,
    ...(labels.length ? { labels } : {}),
    ...(i.description ? { description: i.description } : {}),
    ...(i.revoked ? { revoked: true } : {}),
    object_marking_refs: marking(i.tlp),
  };
}

/**
 * A sighting. ThreatFed sightings are of an observable, not of an indicator,
 * so `sighting_of_ref` names the observable's SCO (which the schemas allow);
 * `where_sighted_refs` is the reporting organisation.
 */
export function sightingToStix(s: SightingEntity, observable: Pick<ObservableEntity, 'type' | 'value'>): StixObject {
  return {
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--${s.id}`,
    created_by_ref: identityId(s.authorId),
    created: ts(s.createdAt),
    modified: ts(s.createdAt),
    sighting_of_ref: observableToStix(observable).id,
    count: s.count,
    first_seen: ts(s.firstSeen),
    last_seen: ts(s.lastSeen),
    where_sighted_refs: [identityId(s.authorId)],
    ...(s.note || s.location ? { description: [s.location && `Seen at ${s.location}.`, s.note].filter(Boolean).join(' ') } : {}),
    object_marking_refs: marking(s.tlp),
  };
}

const INVESTIGATION: Record<IncidentStatus, string> = {
  [IncidentStatus.REPORTED]: 'new',
  [IncidentStatus.TRIAGED]: 'open',
  [IncidentStatus.CONTAINED]: 'open',
  [IncidentStatus.RESOLVED]: 'closed',
  [IncidentStatus.CLOSED]: 'closed',
};
const CRITICALITY: Record<Severity, number> = { INFO: 10, LOW: 30, MEDIUM: 50, HIGH: 70, CRITICAL: 90 };

/** An incident with the Incident Core Extension (status, criticality); its observables and timeline notes are separate objects. */
export function incidentToStix(inc: IncidentEntity): StixObject {
  return {
    type: 'incident',
    spec_version: '2.1',
    id: `incident--${inc.id}`,
    created_by_ref: identityId(inc.authorId),
    created: ts(inc.createdAt),
    modified: modifiedOf(inc.createdAt, inc.updatedAt),
    name: inc.title,
    ...(inc.description ? { description: inc.description } : {}),
    labels: [inc.category.toLowerCase()],
    extensions: {
      [INCIDENT_CORE_EXTENSION]: {
        extension_type: 'property-extension',
        investigation_status: INVESTIGATION[inc.status],
        determination: 'suspected',
        criticality: CRITICALITY[inc.severity],
        incident_types: [inc.category.toLowerCase().replace(/_/g, '-')],
        ...(inc.detectedAt ? { first_seen: ts(inc.detectedAt) } : {}),
      },
    },
    object_marking_refs: marking(inc.tlp),
  };
}

/** One timeline entry of an incident as a `note` about it, marked like the incident. */
export function incidentEventToStix(inc: IncidentEntity, e: IncidentEventEntity): StixObject {
  const change = e.toStatus ? `${e.kind}: ${e.fromStatus ?? '-'} -> ${e.toStatus}` : e.kind;
  return {
    type: 'note',
    spec_version: '2.1',
    id: `note--${e.id}`,
    created_by_ref: identityId(e.actorOrgId),
    created: ts(e.createdAt),
    modified: ts(e.createdAt),
    abstract: change,
    content: e.note ? `${change}\n\n${e.note}` : change,
    object_refs: [`incident--${inc.id}`],
    object_marking_refs: marking(inc.tlp),
  };
}

/** An advisory as a `report` over its observables (or, without any, over its author). */
export function advisoryToStix(a: AdvisoryEntity, observables: Pick<ObservableEntity, 'type' | 'value'>[]): StixObject {
  const refs = observables.map((o) => observableToStix(o).id);
  const body = [a.summary, a.body, a.recommendedActions.length ? `Recommended actions:\n${a.recommendedActions.map((r) => `- ${r}`).join('\n')}` : null];
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${a.id}`,
    created_by_ref: identityId(a.authorId),
    created: ts(a.createdAt),
    modified: modifiedOf(a.createdAt, a.updatedAt),
    name: a.title,
    description: body.filter(Boolean).join('\n\n'),
    report_types: ['threat-report'],
    published: ts(a.publishedAt ?? a.createdAt),
    object_refs: refs.length ? refs : [identityId(a.authorId)],
    labels: [a.severity.toLowerCase(), ...(a.status === 'WITHDRAWN' ? ['withdrawn'] : [])],
    ...(a.cveIds.length ? { external_references: a.cveIds.map((c) => ({ source_name: 'cve', external_id: c })) } : {}),
    object_marking_refs: marking(a.tlp),
  };
}
