import { randomUUID } from 'node:crypto';
import type { AdvisoryEntity } from '../../advisories/advisory.entity';
import type { Principal } from '../../auth/principal';
import type { Tlp } from '../../common/enums';
import type { IncidentEntity } from '../../incidents/incident.entity';
import type { IndicatorEntity } from '../../intel/indicator.entity';
import type { SightingEntity } from '../../intel/sighting.entity';
import type { OrganizationEntity } from '../../organizations/organization.entity';
import type { Services } from '../../api/services';
import { tlpMarking } from './markings';
import {
  advisoryToStix,
  identityToStix,
  incidentEventToStix,
  incidentToStix,
  indicatorToStix,
  observableToStix,
  sightingToStix,
  type StixObject,
} from './to-stix';

/** ThreatFed objects the caller may read, to be written as one bundle. */
export interface ExportSet {
  indicators?: IndicatorEntity[];
  sightings?: SightingEntity[];
  incidents?: IncidentEntity[];
  advisories?: AdvisoryEntity[];
  organizations?: OrganizationEntity[];
}

/**
 * Writes ThreatFed objects as STIX 2.1: the objects themselves, the SCOs they
 * name, the identities of their authors and the TLP marking definitions, so
 * that every reference in a bundle resolves inside it. Callers pass objects
 * they have already read through the services (the sharing policy applied);
 * related rows (observables, timelines) are read through the services too.
 */
export class StixExporter {
  constructor(private readonly s: Pick<Services, 'organizations' | 'incidents' | 'advisories'>) {}

  /** The objects of `set` and everything they reference, deduplicated by id, in a stable order. */
  async objects(p: Principal, set: ExportSet): Promise<StixObject[]> {
    const out = new Map<string, StixObject>();
    const tlps = new Set<Tlp>();
    const orgIds = new Set<string>();
    const add = (o: StixObject) => out.set(o.id, o);

    for (const i of set.indicators ?? []) {
      add(observableToStix(i.observable!));
      add(indicatorToStix(i, i.observable!));
      tlps.add(i.tlp);
      orgIds.add(i.authorId);
    }
    for (const s of set.sightings ?? []) {
      add(observableToStix(s.observable!));
      add(sightingToStix(s, s.observable!));
      tlps.add(s.tlp);
      orgIds.add(s.authorId);
    }
    const incidents = set.incidents ?? [];
    if (incidents.length) {
      const ids = incidents.map((i) => i.id);
      const [observables, timelines] = await Promise.all([this.s.incidents.observablesOf(p, ids), this.s.incidents.timelinesOf(p, ids)]);
      for (const inc of incidents) {
        add(incidentToStix(inc));
        for (const o of observables.get(inc.id) ?? []) add(observableToStix(o));
        for (const e of timelines.get(inc.id) ?? []) {
          add(incidentEventToStix(inc, e));
          orgIds.add(e.actorOrgId);
        }
        tlps.add(inc.tlp);
        orgIds.add(inc.authorId);
      }
    }
    const advisories = set.advisories ?? [];
    if (advisories.length) {
      const observables = await this.s.advisories.observablesOf(p, advisories.map((a) => a.id));
      for (const a of advisories) {
        const obs = observables.get(a.id) ?? [];
        for (const o of obs) add(observableToStix(o));
        add(advisoryToStix(a, obs));
        tlps.add(a.tlp);
        orgIds.add(a.authorId);
      }
    }
    const orgs = new Map((set.organizations ?? []).map((o) => [o.id, o]));
    const missing = [...orgIds].filter((id) => !orgs.has(id));
    if (missing.length) for (const [id, o] of await this.s.organizations.byIds(p, missing)) orgs.set(id, o);
    for (const o of orgs.values()) add(identityToStix(o));
    for (const t of tlps) add(tlpMarking(t) as StixObject);
    return [...out.values()];
  }

  /** A STIX 2.1 bundle of `set`. */
  async bundle(p: Principal, set: ExportSet): Promise<{ type: 'bundle'; id: string; objects: StixObject[] }> {
    return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: await this.objects(p, set) };
  }
}
