import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { writePrivateKey } from '../src/cli/keyfile';
import { INDICATORS_COLLECTION } from '../src/interop/taxii/server';
import { startTestApp, type TestApp } from './support/app';
import { cli } from './support/cli';
import { community, type Community } from './support/fixtures';

/** Two ThreatFed servers: the hub pulls the source's indicators collection over TAXII, twice, and duplicates nothing. */
let source: TestApp;
let hub: TestApp;
let sc: Community;
let hc: Community;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxii-pull-'));

beforeAll(async () => {
  source = await startTestApp();
  hub = await startTestApp();
  sc = await community(source);
  hc = await community(hub);
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  await Promise.all([source?.close(), hub?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function hubIndicators() {
  const res = await hub.gql(await hc.viettel.token(), `{ indicators(first: 500) { edges { node { observable { value } author { code } tlp } } } }`);
  return res.body.data!.indicators.edges.map((e: any) => e.node);
}

describe('cli taxii pull', () => {
  it('imports another server\'s collection as the local organisation, resumes, and duplicates nothing', async () => {
    const bkav = await sc.bkav.token([Role.CONTRIBUTOR]);
    const items = Array.from({ length: 30 }, (_, i) => ({ type: 'IPV4', value: `10.9.0.${i}`, tlp: 'GREEN' }));
    await source.gql(bkav, `mutation($input: [IndicatorInput!]!) { submitIndicators(input: $input) { rejected } }`, { input: items });
    await source.gql(bkav, `mutation { submitIndicators(input: [{ type: DOMAIN, value: "red.example", tlp: RED }]) { rejected } }`);

    const tokenFile = path.join(dir, 'remote.token');
    fs.writeFileSync(tokenFile, await sc.viettel.token([Role.VIEWER]));
    const keyFile = path.join(dir, 'viettel.jwk');
    writePrivateKey(keyFile, hc.viettel.key);
    const state = path.join(dir, 'state.json');
    process.env.DATABASE_URL = hub.dbUrl;
    const args = ['taxii', 'pull', '--url', source.url.replace(/\/graphql$/, '/taxii2/api/'), '--collection', INDICATORS_COLLECTION,
      '--token-file', tokenFile, '--org', 'VIETTEL', '--key', keyFile, '--state', state];

    const first = await cli(...args);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/30 objects .* 30 imported/);
    let mine = await hubIndicators();
    expect(mine).toHaveLength(30);
    expect(new Set(mine.map((i: any) => i.author.code))).toEqual(new Set(['VIETTEL']));
    // RED to BKAV only: the remote token's organisation could not read it, so it never arrives.
    expect(mine.some((i: any) => i.observable.value === 'red.example')).toBe(false);
    expect(JSON.parse(fs.readFileSync(state, 'utf8'))).toBeTruthy();

    const again = await cli(...args);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/^0 objects/);

    await source.gql(bkav, `mutation { submitIndicators(input: [{ type: DOMAIN, value: "later.example", tlp: CLEAR }]) { rejected } }`);
    const third = await cli(...args);
    expect(third.out).toMatch(/^1 objects .* 1 imported/);
    mine = await hubIndicators();
    expect(mine).toHaveLength(31);
    expect(new Set(mine.map((i: any) => i.observable.value)).size).toBe(31);
  });
});
