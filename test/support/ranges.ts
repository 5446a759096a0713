import { expect } from 'vitest';
import type { GqlResponse, TestApp } from './app';

/** What the asset-range tests select of an AssetRange. */
export const RANGE_FIELDS = 'cidr status createdBy reviewedBy reviewedAt reason organization { code }';

export interface RangeRow {
  cidr: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  createdBy: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
  organization: { code: string };
}

/** Asset-range calls as a client makes them, over real HTTP with real tokens. */
export function rangeCalls(app: TestApp) {
  return {
    declare: (token: string, ranges: string[]) =>
      app.gql<{ setAssetRanges: RangeRow[] }>(token, `mutation($r: [String!]!) { setAssetRanges(ranges: $r) { ${RANGE_FIELDS} } }`, { r: ranges }),
    review: (token: string, organization: string, cidrs: string[], approve: boolean, reason?: string) =>
      app.gql<{ reviewAssetRanges: RangeRow[] }>(
        token,
        `mutation($o: String!, $c: [String!]!, $a: Boolean!, $why: String) { reviewAssetRanges(organization: $o, cidrs: $c, approve: $a, reason: $why) { ${RANGE_FIELDS} } }`,
        { o: organization, c: cidrs, a: approve, why: reason },
      ),
    importRanges: (token: string, ranges: { organization: string; cidr: string }[], reason?: string) =>
      app.gql<{ importAssetRanges: RangeRow[] }>(
        token,
        `mutation($r: [AssetRangeImportInput!]!, $why: String) { importAssetRanges(ranges: $r, reason: $why) { ${RANGE_FIELDS} } }`,
        { r: ranges, why: reason },
      ),
    /** The caller's organisation's ranges, cidr -> status. */
    async statuses(token: string): Promise<Record<string, string>> {
      const res = ok(await app.gql<{ assetRanges: RangeRow[] }>(token, '{ assetRanges { cidr status } }'));
      return Object.fromEntries(res.assetRanges.map((r) => [r.cidr, r.status]));
    },
  };
}

/** The data of a call that must succeed. */
export function ok<T>(res: GqlResponse<T>): T {
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!;
}

/** The first error of a call that must fail, with its code. */
export function refused(res: GqlResponse, code: string): { message: string; extensions?: Record<string, any> } {
  expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe(code);
  return res.body.errors![0];
}
