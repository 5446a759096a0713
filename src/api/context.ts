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
const GROUPS = {
  organizations: (s: Services, p: Principal) => organizationLoaders(s.organizations, s.groups, p),
  intel: (s: Services, p: Principal) => intelLoaders(s, p),
  incidents: (s: Services, p: Principal) => incidentLoaders(s.incidents, p),
  advisories: (s: Services, p: Principal) => advisoryLoaders(s.advisories, p),
  warnings: (s: Services, p: Principal) => warningLoaders(s.warnings, p),
  registry: (s: Services, p: Principal) =>
    registryLoaders({ systems: s.informationSystems, requirements: s.requirements, dossiers: s.dossierQueries, inspections: s.inspections }, p),
};
type Group = keyof typeof GROUPS;
type Union<T> = (T extends unknown ? (x: T) => void : never) extends (x: infer I) => void ? I : never;
export type Loaders = Union<{ [G in Group]: ReturnType<(typeof GROUPS)[G]> }[Group]>;

interface LoaderState {
  s: Services;
  p: Principal;
  made: Partial<Record<Group, Record<string, unknown>>>;
}
const STATE = Symbol('loaders');

/**
 * Each group of loaders is made when a resolver first touches one of its loaders: a request uses one or two of
 * the six groups (a look-up: the intel and organisation loaders), and making all ~40 loaders cost more than a
 * look-up's GraphQL execution. Which loader belongs to which group is learnt once, from loaders made without I/O.
 */
const LAZY_LOADERS: object = (() => {
  const proto: PropertyDescriptorMap = {};
  const probe = { orgId: '', lineage: [], descendants: [], groupsLineage: [], groupsSelf: [] } as unknown as Principal;
  for (const [g, make] of Object.entries(GROUPS) as [Group, (s: Services, p: Principal) => Record<string, unknown>][]) {
    for (const key of Object.keys(make({} as Services, probe))) {
      proto[key] = {
        enumerable: true,
        get(this: { [STATE]: LoaderState }) {
          const st = this[STATE];
          return (st.made[g] ??= make(st.s, st.p))[key];
        },
      };
    }
  }
  return Object.create(null, proto);
})();

export function createLoaders(s: Services, p: Principal): Loaders {
  const loaders = Object.create(LAZY_LOADERS) as { [STATE]: LoaderState };
  loaders[STATE] = { s, p, made: {} };
  return loaders as unknown as Loaders;
}

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
