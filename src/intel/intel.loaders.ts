import type { Principal } from '../auth/principal';
import { mapLoader } from '../organizations/organization.loaders';
import type { IndicatorEntity } from './indicator.entity';
import type { IndicatorService } from './indicator.service';
import type { ObservableEntity } from './observable.entity';
import type { ObservableService, ObservableStats, Visible } from './observable.service';
import type { SightingEntity } from './sighting.entity';
import type { SightingService } from './sighting.service';

/**
 * Per-request loaders of observables and their aggregates (over what the
 * caller may read), and of indicators, sightings and observables by key
 * under the sharing policy (federation references): one query per batch.
 */
export function intelLoaders(s: { observables: ObservableService; indicators: IndicatorService; sightings: SightingService }, p: Principal) {
  const observableStats = mapLoader<ObservableStats | undefined>((ids) => s.observables.stats(p, [...ids]), undefined);
  // Looking an observable up computes its statistics in the same statement: they are primed, not read again.
  const visible = (fetch: (keys: readonly string[]) => Promise<Map<string, Visible>>) =>
    mapLoader<ObservableEntity | undefined>(async (keys) => {
      const out = new Map<string, ObservableEntity>();
      for (const [k, v] of await fetch(keys)) {
        observableStats.prime(v.observable.id, v.stats);
        out.set(k, v.observable);
      }
      return out;
    }, undefined);
  return {
    /** Unscoped: for the observable of an object the caller already may read. */
    observable: mapLoader<ObservableEntity | undefined>((ids) => s.observables.byIds(p, [...ids]), undefined),
    observableStats,
    observableById: visible((ids) => s.observables.visibleByIds(p, ids)),
    /** Keyed by ObservableService.key(type, value). */
    observableByKey: visible((keys) => s.observables.visibleByKeys(p, keys)),
    indicatorById: mapLoader<IndicatorEntity | undefined>((ids) => s.indicators.byIds(p, ids), undefined),
    sightingById: mapLoader<SightingEntity | undefined>((ids) => s.sightings.byIds(p, ids), undefined),
    /** First pages of an observable's indicators read with it by a look-up, keyed `observableId:first`. */
    indicatorHeads: new Map<string, IndicatorEntity[]>(),
  };
}
export type IntelLoaders = ReturnType<typeof intelLoaders>;
