import DataLoader from 'dataloader';
import type { Principal } from '../auth/principal';
import type { OrganizationEntity } from './organization.entity';
import type { OrganizationService } from './organization.service';
import type { SharingGroupEntity } from './sharing-group.entity';
import type { SharingGroupService } from './sharing-group.service';

/** A DataLoader over a service call that answers a map for a batch of keys; missing keys load as `fallback`. */
export function mapLoader<V>(fetch: (keys: readonly string[]) => Promise<Map<string, V>>, fallback: V): DataLoader<string, V> {
  return new DataLoader(async (keys) => {
    const found = await fetch(keys);
    return keys.map((k) => found.get(k) ?? fallback);
  });
}

/** Per-request loaders of the organisation directory: a page of objects costs one query per nested field. */
export function organizationLoaders(orgs: OrganizationService, groups: SharingGroupService, p: Principal) {
  return {
    organization: mapLoader<OrganizationEntity | undefined>((ids) => orgs.byIds(p, [...ids]), undefined),
    /** Keyed by upper-case code (federation references). */
    organizationByCode: mapLoader<OrganizationEntity | undefined>((codes) => orgs.byCodes(p, codes), undefined),
    sharingGroup: mapLoader<SharingGroupEntity | undefined>((ids) => groups.byIds(p, ids), undefined),
    children: mapLoader<OrganizationEntity[]>((ids) => orgs.childrenOf(p, ids), []),
    groupMembers: mapLoader<OrganizationEntity[]>((ids) => groups.membersOf(p, ids), []),
  };
}
export type OrganizationLoaders = ReturnType<typeof organizationLoaders>;
