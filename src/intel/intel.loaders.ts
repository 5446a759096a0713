import type { Principal } from '../auth/principal';
import { mapLoader } from '../organizations/organization.loaders';
import type { ObservableEntity } from './observable.entity';
import type { ObservableService, ObservableStats } from './observable.service';

/** Per-request loaders of observables and their aggregates (over what the caller may read). */
export function intelLoaders(observables: ObservableService, p: Principal) {
  return {
    observable: mapLoader<ObservableEntity | undefined>((ids) => observables.byIds(p, [...ids]), undefined),
    observableStats: mapLoader<ObservableStats | undefined>((ids) => observables.stats(p, [...ids]), undefined),
  };
}
export type IntelLoaders = ReturnType<typeof intelLoaders>;
