import { describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';

/** importStix spends the bulk-items budget by the objects of its bundle, not as one item. */
const t = communityApp();

const IMPORT = 'mutation($b: JSONObject!) { importStix(bundle: $b) { imported } }';
const bundle = (n: number, tag: string) => ({
  type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000',
  objects: Array.from({ length: n }, (_, i) => ({ type: 'indicator', id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, pattern: `[domain-name:value = '${tag}-${i}.example']`, pattern_type: 'stix' })),
});

describe('importStix and the rate limits', () => {
  it('counts each object against bulkItemsPerMinute', async () => {
    const { app, c } = t;
    const admin = await c.vncert.token([Role.ADMIN]);
    const set = await app.gql(admin, 'mutation { setOrganizationLimits(organization: "BKAV", limits: { bulkItemsPerMinute: 100 }) { code } }');
    expect(set.body.errors).toBeUndefined();
    const bkav = await c.bkav.token([Role.CONTRIBUTOR]);
    expect((await app.gql(bkav, IMPORT, { b: bundle(60, 'a') })).body.data?.importStix.imported).toBe(60);
    const over = await app.gql(bkav, IMPORT, { b: bundle(60, 'b') });
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });
});
