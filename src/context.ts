import type { Principal } from './auth/principal';
import { BatchLoader } from './common/batch-loader';
import type { ObservableEntity } from './intel/observable.entity';
import type { ObservableStats } from './intel/observable.service';
import type { OrganizationEntity } from './organizations/organization.entity';
import type { Services } from './services';

/** Per-request (or per-subscription) context: who is calling, the services, and loaders that batch nested lookups. */
export interface Context {
  requestId: string;
  principal: Principal;
  services: Services;
  loaders: Loaders;
  /** The websocket an operation arrived on, when it did: lets a subscription close it (a slow consumer, say). */
  connection?: { close(code: number, reason: string): void };
}

export interface Loaders {
  organization: BatchLoader<string, OrganizationEntity>;
  observable: BatchLoader<string, ObservableEntity>;
  observableStats: BatchLoader<string, ObservableStats>;
}

export function createLoaders(services: Services, principal: Principal): Loaders {
  return {
    organization: new BatchLoader((ids) => services.organizations.byIds(principal, ids)),
    observable: new BatchLoader((ids) => services.observables.byIds(principal, ids)),
    observableStats: new BatchLoader((ids) => services.observables.stats(principal, ids)),
  };
}
