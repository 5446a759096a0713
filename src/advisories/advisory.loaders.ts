import type { Principal } from '../auth/principal';
import type { ObservableEntity } from '../intel/observable.entity';
import { mapLoader } from '../organizations/organization.loaders';
import type { AdvisoryService } from './advisory.service';

/** Per-request loaders: a page of advisories loads its observables in one query. */
export function advisoryLoaders(advisories: AdvisoryService, p: Principal) {
  return {
    advisoryObservables: mapLoader<ObservableEntity[]>((ids) => advisories.observablesOf(p, [...ids]), []),
  };
}
export type AdvisoryLoaders = ReturnType<typeof advisoryLoaders>;
