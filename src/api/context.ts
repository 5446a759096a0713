import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../auth/context';
import type { Principal } from '../auth/principal';
import { advisoryLoaders } from '../advisories/advisory.loaders';
import { incidentLoaders } from '../incidents/incident.loaders';
import { intelLoaders } from '../intel/intel.loaders';
import { organizationLoaders } from '../organizations/organization.loaders';
import { registryLoaders } from '../registry/registry.loaders';
import type { StatisticsHub } from '../registry/statistics.hub';
import type { WarningHub } from '../warnings/warning.hub';
import { warningLoaders } from '../warnings/warning.loaders';
import type { OperationRecord } from './operation-log';
import type { Services } from './services';

/**
 * Every batch loader of a request, created here and nowhere else: once per
 * HTTP operation, and once per event for each group of subscribers that
 * share a result (so nothing cached outlives the event).
 */
export function createLoaders(s: Services, p: Principal) {
  return {
    ...organizationLoaders(s.organizations, s.groups, p),
    ...intelLoaders(s, p),
    ...incidentLoaders(s.incidents, p),
    ...advisoryLoaders(s.advisories, p),
    ...warningLoaders(s.warnings, p),
    ...registryLoaders({ systems: s.informationSystems, requirements: s.requirements, dossiers: s.dossierQueries, inspections: s.inspections }, p),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

/** The context of one operation on any transport; resolvers see it through the narrower RequestContext. */
export interface Context extends RequestContext<Loaders> {
  warningHub: WarningHub;
  statisticsHub: StatisticsHub;
  /** The websocket an operation arrived on, when it did: the transport closes it when a stream fails. */
  connection?: { close(code: number, reason: string): void };
  /** The operation's log record (its request id is the context's). */
  record?: OperationRecord;
}

export function createContext(s: Services, principal: Principal, connection?: Context['connection'], record?: OperationRecord): Context {
  const requestId = record?.requestId ?? randomUUID();
  return { requestId, principal, loaders: createLoaders(s, principal), warningHub: s.warningHub, statisticsHub: s.statisticsHub, connection, record };
}
