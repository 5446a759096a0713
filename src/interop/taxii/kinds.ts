import type { Principal } from '../../auth/principal';
import type { Services } from '../../api/services';
import type { AddedPage, AddedQuery } from '../../db/paging';
import { domainErrorOf, ErrorCode } from '../../common/errors';
import type { StixExporter } from '../stix/exporter';
import { incidentEventToStix, type StixObject } from '../stix/to-stix';
import type { AdvisoryEntity } from '../../advisories/advisory.entity';
import type { IncidentEntity, IncidentEventEntity } from '../../incidents/incident.entity';
import type { IndicatorEntity } from '../../intel/indicator.entity';
import type { SightingEntity } from '../../intel/sighting.entity';

/**
 * One STIX type a collection serves: how to read a page of it in date_added
 * order under the sharing policy (through its module's service), how to
 * write it as STIX, its version (= the STIX `modified`), and how a TAXII
 * DELETE retracts it.
 */
export interface Kind {
  type: string;
  page(p: Principal, q: AddedQuery): Promise<AddedPage<{ id: string }>>;
  /** The STIX objects of this type for `items` (rows of `page`), in the same order. */
  toStix(p: Principal, items: { id: string }[]): Promise<StixObject[]>;
  version(item: { id: string }): string;
  /** The organisation that authored the object. */
  authorOf(item: { id: string }): string;
  /** Retracts the object through its module's own semantics; throws FORBIDDEN where the caller may not. */
  remove(p: Principal, id: string): Promise<void>;
}

/** A kind over its own row type; the collections hold them type-erased. */
interface TypedKind<T extends { id: string }> {
  type: string;
  page(p: Principal, q: AddedQuery): Promise<AddedPage<T>>;
  toStix(p: Principal, items: T[]): Promise<StixObject[]>;
  version(item: T): string;
  authorOf(item: T): string;
  remove(p: Principal, id: string): Promise<void>;
}
const kind = <T extends { id: string }>(k: TypedKind<T>): Kind => k as unknown as Kind;

/** STIX `modified` never precedes `created` (as in to-stix.ts). */
const later = (a: Date, b: Date) => new Date(Math.max(new Date(a).getTime(), new Date(b).getTime())).toISOString();

/** The objects of `type` that the exporter writes for `set`, in the order of `items`. */
async function exported(exporter: StixExporter, p: Principal, type: string, set: Parameters<StixExporter['objects']>[1]): Promise<StixObject[]> {
  return (await exporter.objects(p, set)).filter((o) => o.type === type);
}

const TAXII_DELETE_REASON = 'deleted through TAXII';

export function kinds(s: Services, exporter: StixExporter): Record<'indicator' | 'sighting' | 'incident' | 'note' | 'report', Kind> {
  return {
    indicator: kind<IndicatorEntity>({
      type: 'indicator',
      page: (p, q) => s.indicators.addedPage(p, q),
      toStix: (p, items) => exported(exporter, p, 'indicator', { indicators: items }),
      version: (i) => later(i.firstReported, i.lastReported),
      authorOf: (i) => i.authorId,
      // An indicator is revoked, not erased: it stays readable with `revoked: true` as a new version.
      remove: async (p, id) => void (await s.indicators.revoke(p, id, TAXII_DELETE_REASON)),
    }),
    sighting: kind<SightingEntity>({
      type: 'sighting',
      page: (p, q) => s.sightings.addedPage(p, q),
      toStix: (p, items) => exported(exporter, p, 'sighting', { sightings: items }),
      version: (i) => new Date(i.createdAt).toISOString(),
      authorOf: (i) => i.authorId,
      remove: (p, id) => s.sightings.delete(p, id),
    }),
    incident: kind<IncidentEntity>({
      type: 'incident',
      page: (p, q) => s.incidents.addedPage(p, q),
      toStix: (p, items) => exported(exporter, p, 'incident', { incidents: items }),
      version: (i) => later(i.createdAt, i.updatedAt),
      authorOf: (i) => i.authorId,
      remove: (p, id) => s.incidents.delete(p, id),
    }),
    note: kind<IncidentEventEntity>({
      type: 'note',
      page: (p, q) => s.incidents.eventsAddedPage(p, q),
      toStix: async (_p, items) => items.map((e) => incidentEventToStix(e.incident!, e)),
      version: (e) => new Date(e.createdAt).toISOString(),
      authorOf: (e) => e.incident!.authorId,
      // A timeline entry belongs to its incident, which is closed rather than deleted.
      remove: async (p, id) => {
        const [e] = (await s.incidents.eventsAddedPage(p, { ids: [id], limit: 1 })).items;
        await s.incidents.delete(p, e?.incidentId ?? id);
      },
    }),
    report: kind<AdvisoryEntity>({
      type: 'report',
      page: (p, q) => s.advisories.addedPage(p, q),
      toStix: (p, items) => exported(exporter, p, 'report', { advisories: items }),
      version: (a) => later(a.createdAt, a.updatedAt),
      authorOf: (a) => a.authorId,
      // An advisory is withdrawn (its ANALYST's right), and stays readable as withdrawn; withdrawing twice is no error.
      remove: async (p, id) => {
        try {
          await s.advisories.withdraw(p, id, TAXII_DELETE_REASON);
        } catch (err) {
          if (domainErrorOf(err)?.code !== ErrorCode.CONFLICT || (await s.advisories.byId(p, id))?.status !== 'WITHDRAWN') throw err;
        }
      },
    }),
  };
}
