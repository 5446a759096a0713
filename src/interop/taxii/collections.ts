import type { Principal } from '../../auth/principal';
import { allows } from '../../auth/authorize';
import type { Services } from '../../api/services';
import { notFound } from '../../common/errors';
import type { StixExporter } from '../stix/exporter';
import { SCO_NAMESPACE, uuidv5 } from '../stix/ids';
import { kinds, type Kind } from './kinds';

export const TAXII_TYPE = 'application/taxii+json;version=2.1';

/** Collection ids are fixed (UUIDv5 of a name), so that clients configure them once and they survive a restore. */
const collectionId = (name: string) => uuidv5(SCO_NAMESPACE, `threatfed:collection:${name}`);
export const INDICATORS_COLLECTION = collectionId('indicators');
export const SIGHTINGS_COLLECTION = collectionId('sightings');
export const INCIDENTS_COLLECTION = collectionId('incidents');
export const ADVISORIES_COLLECTION = collectionId('advisories');
/** The collection of the objects shared with sharing group `groupId`. */
export const groupCollectionId = (groupId: string) => collectionId(`group:${groupId}`);

export interface Collection {
  id: string;
  title: string;
  description: string;
  /** The STIX types it serves, each read through its module's service. */
  kinds: Kind[];
  /** Objects shared with this sharing group only. */
  groupId?: string;
  /** Whether POST imports into it (the caller still needs stix.import). */
  writable: boolean;
}

/** The TAXII collection resource of `c` for `p`: can_write is what the caller's roles allow. */
export function collectionResource(p: Principal, c: Collection) {
  return { id: c.id, title: c.title, description: c.description, can_read: true, can_write: c.writable && allows(p, 'stix.import'), media_types: [TAXII_TYPE] };
}

/**
 * The collections a principal may use: one per kind of object (every member
 * reads at least what is CLEAR), and one per sharing group its organisation
 * belongs to. Every object in them is read under the same sharing policy.
 */
export class Collections {
  private readonly k: ReturnType<typeof kinds>;
  private readonly fixed: Collection[];

  constructor(private readonly services: Services, exporter: StixExporter) {
    this.k = kinds(services, exporter);
    const k = this.k;
    const posted = ' POST imports a STIX envelope as the caller\'s organisation (STIX in).';
    this.fixed = [
      { id: INDICATORS_COLLECTION, title: 'Indicators', description: `Indicators the caller may read under the sharing policy, revoked ones included.${posted}`, kinds: [k.indicator], writable: true },
      { id: SIGHTINGS_COLLECTION, title: 'Sightings', description: `Sightings the caller may read.${posted}`, kinds: [k.sighting], writable: true },
      {
        id: INCIDENTS_COLLECTION,
        title: 'Incidents',
        description: `Incidents the caller may read (Incident Core Extension) and their timeline entries as notes.${posted}`,
        kinds: [k.incident, k.note],
        writable: true,
      },
      { id: ADVISORIES_COLLECTION, title: 'Advisories', description: `Published and withdrawn advisories the caller may read, as reports.${posted}`, kinds: [k.report], writable: true },
    ];
  }

  async list(p: Principal): Promise<Collection[]> {
    const groups = p.groupsSelf.length ? await this.services.groups.byIds(p, p.groupsSelf) : new Map();
    const perGroup = [...groups.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((g): Collection => ({
        id: groupCollectionId(g.id),
        title: `Sharing group: ${g.name}`,
        description: `Indicators, sightings, incidents (with their notes) and advisories shared with the sharing group ${g.name} that the caller may read. Read-only.`,
        kinds: [this.k.indicator, this.k.sighting, this.k.incident, this.k.note, this.k.report],
        groupId: g.id,
        writable: false,
      }));
    return [...this.fixed, ...perGroup];
  }

  /** The collection `id` if the caller may use it; NOT_FOUND otherwise, as for one that does not exist. */
  async get(p: Principal, id: string): Promise<Collection> {
    const fixed = this.fixed.find((x) => x.id === id);
    if (fixed) return fixed;
    // Only a group the caller belongs to can name it: no query for any other id.
    const c = p.groupsSelf.some((g) => groupCollectionId(g) === id) ? (await this.list(p)).find((x) => x.id === id) : undefined;
    if (!c) throw notFound('Collection', id);
    return c;
  }
}
