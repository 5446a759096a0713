import type { Principal } from '../auth/principal';
import type { ObservableEntity } from '../intel/observable.entity';
import { mapLoader } from '../organizations/organization.loaders';
import type { AdvisoryEntity } from './advisory.entity';
import type { AdvisoryService } from './advisory.service';

/** Per-request loaders: a page of advisories loads its observables in one query; references by id one query per batch. */
export function advisoryLoaders(advisories: AdvisoryService, p: Principal) {
  return {
    advisoryById: mapLoader<AdvisoryEntity | undefined>((ids) => advisories.byIds(p, ids), undefined),
    advisoryObservables: mapLoader<ObservableEntity[]>((ids) => advisories.observablesOf(p, [...ids]), []),
  };
}
export type AdvisoryLoaders = ReturnType<typeof advisoryLoaders>;
