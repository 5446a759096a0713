import type { Principal } from '../auth/principal';
import { mapLoader } from '../organizations/organization.loaders';
import type { IndicatorEntity } from './indicator.entity';
import type { IndicatorService } from './indicator.service';
import type { ObservableEntity } from './observable.entity';
import type { ObservableService, ObservableStats } from './observable.service';
import type { SightingEntity } from './sighting.entity';
import type { SightingService } from './sighting.service';

/**
 * Per-request loaders of observables and their aggregates (over what the
 * caller may read), and of indicators, sightings and observables by key
 * under the sharing policy (federation references): one query per batch.
 */
export function intelLoaders(s: { observables: ObservableService; indicators: IndicatorService; sightings: SightingService }, p: Principal) {
  return {
    /** Unscoped: for the observable of an object the caller already may read. */
    observable: mapLoader<ObservableEntity | undefined>((ids) => s.observables.byIds(p, [...ids]), undefined),
    observableStats: mapLoader<ObservableStats | undefined>((ids) => s.observables.stats(p, [...ids]), undefined),
    observableById: mapLoader<ObservableEntity | undefined>((ids) => s.observables.visibleByIds(p, ids), undefined),
    /** Keyed by ObservableService.key(type, value). */
    observableByKey: mapLoader<ObservableEntity | undefined>((keys) => s.observables.visibleByKeys(p, keys), undefined),
    indicatorById: mapLoader<IndicatorEntity | undefined>((ids) => s.indicators.byIds(p, ids), undefined),
    sightingById: mapLoader<SightingEntity | undefined>((ids) => s.sightings.byIds(p, ids), undefined),
  };
}
export type IntelLoaders = ReturnType<typeof intelLoaders>;
