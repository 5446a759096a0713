import { OrgKind } from '../common/enums';

/** The four per-organisation limits, by their API names. */
export const LIMIT_NAMES = ['readsPerMinute', 'bulkItemsPerMinute', 'subscriptions', 'connections'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type Limits = Record<LimitName, number>;

/**
 * Defaults by organisation kind, for the whole organisation across every
 * server instance. Sized so that a member's normal work never meets them and
 * a runaway script meets them long before it slows the others down: vendors
 * and ISPs post in bulk (5,000 items a call), agency portals hold websockets,
 * the coordinator does everything.
 */
const DEFAULTS: Record<OrgKind, Limits> = {
  [OrgKind.COORDINATOR]: { readsPerMinute: 12_000, bulkItemsPerMinute: 600_000, subscriptions: 2_000, connections: 1_000 },
  [OrgKind.MINISTRY]: { readsPerMinute: 3_000, bulkItemsPerMinute: 100_000, subscriptions: 1_000, connections: 500 },
  [OrgKind.SECTOR_CERT]: { readsPerMinute: 3_000, bulkItemsPerMinute: 100_000, subscriptions: 1_000, connections: 500 },
  [OrgKind.PROVINCE]: { readsPerMinute: 1_200, bulkItemsPerMinute: 20_000, subscriptions: 200, connections: 100 },
  [OrgKind.AGENCY]: { readsPerMinute: 1_200, bulkItemsPerMinute: 20_000, subscriptions: 200, connections: 100 },
  [OrgKind.ISP]: { readsPerMinute: 3_000, bulkItemsPerMinute: 300_000, subscriptions: 200, connections: 100 },
  [OrgKind.SECURITY_VENDOR]: { readsPerMinute: 3_000, bulkItemsPerMinute: 300_000, subscriptions: 200, connections: 100 },
};

/** Bounds of a per-organisation override: per-minute budgets of at least 1, quotas of at least 0 (0 shuts websockets out). */
export const LIMIT_RANGES: Record<LimitName, [number, number]> = {
  readsPerMinute: [1, 1_000_000],
  bulkItemsPerMinute: [1, 100_000_000],
  subscriptions: [0, 1_000_000],
  connections: [0, 1_000_000],
};

export function defaultLimitsFor(kind: OrgKind): Limits {
  return { ...DEFAULTS[kind] };
}

/** The limits that apply to an organisation: its overrides over the defaults for its kind, and which are overridden. */
export function effectiveLimits(kind: OrgKind, overrides: Partial<Limits> | null): Limits & { overridden: LimitName[] } {
  const out = { ...defaultLimitsFor(kind), overridden: [] as LimitName[] };
  for (const name of LIMIT_NAMES) {
    const v = overrides?.[name];
    if (typeof v === 'number') {
      out[name] = v;
      out.overridden.push(name);
    }
  }
  return out;
}
