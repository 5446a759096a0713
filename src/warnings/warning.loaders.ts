import type { Principal } from '../auth/principal';
import { mapLoader } from '../organizations/organization.loaders';
import type { WarningEntity } from './warning.entity';
import type { WarningService } from './warning.service';

/** Per-request loaders of the warning log, under the warning policy (federation references). */
export function warningLoaders(warnings: WarningService, p: Principal) {
  return {
    warningById: mapLoader<WarningEntity | undefined>((ids) => warnings.byIds(p, ids), undefined),
  };
}
export type WarningLoaders = ReturnType<typeof warningLoaders>;
