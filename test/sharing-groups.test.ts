import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, type Community } from './support/fixtures';
import { subscribe, titles } from './support/ws';

let app: TestApp;
let c: Community;
let admin: string;
beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  admin = await c.vncert.token([Role.ADMIN], 'platform-admin');
});
afterAll(() => app?.close());

const GROUP = 'name owner { code } members { code }';
const codes = (g: { members: { code: string }[] }) => g.members.map((m) => m.code);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function create(as: string, name: string, members: string[]) {
  const res = await app.gql(as, `mutation($n: String!, $m: [String!]!) { createSharingGroup(name: $n, members: $m) { ${GROUP} } }`, { n: name, m: members });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createSharingGroup;
}
const add = (as: string, name: string, members: string[]) =>
  app.gql(as, `mutation($n: String!, $m: [String!]!) { addSharingGroupMembers(name: $n, members: $m) { ${GROUP} } }`, { n: name, m: members });
const remove = (as: string, name: string, members: string[]) =>
  app.gql(as, `mutation($n: String!, $m: [String!]!) { removeSharingGroupMembers(name: $n, members: $m) { ${GROUP} } }`, { n: name, m: members });

/** MOF posts one AMBER_STRICT HIGH indicator to `recipients`; returns its value and id. */
async function share(value: string, recipients: string[]) {
  const res = await app.gql(
    await c.mof.token([Role.CONTRIBUTOR]),
    'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { results { indicator { id } } } }',
    { i: [{ type: 'DOMAIN', value, tlp: 'AMBER_STRICT', severity: 'HIGH', recipients }] },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.submitIndicators.results[0].indicator.id as string;
}
const reads = async (token: string, id: string) => (await app.gql(token, 'query($id: ID!) { indicator(id: $id) { id } }', { id })).body.data?.indicator !== null;

describe('managing a group', () => {
  it('the creating organisation renames it, adds and removes members; every change is audited', async () => {
    const mofAdmin = await c.mof.token([Role.ADMIN], 'mof-admin');
    expect(await create(mofAdmin, 'finance', ['DANANG'])).toEqual({ name: 'finance', owner: { code: 'MOF' }, members: [{ code: 'DANANG' }] });
    const renamed = await app.gql(mofAdmin, `mutation { renameSharingGroup(name: "finance", newName: "finance-ops") { ${GROUP} } }`);
    expect(renamed.body.data?.renameSharingGroup.name).toBe('finance-ops');
    expect(codes((await add(mofAdmin, 'finance-ops', ['viettel', 'BKAV', 'DANANG'])).body.data!.addSharingGroupMembers)).toEqual(['BKAV', 'DANANG', 'VIETTEL']);
    // Removing a non-member is a no-op; an unknown code names its index.
    expect(codes((await remove(mofAdmin, 'finance-ops', ['BKAV', 'MOF-TAX'])).body.data!.removeSharingGroupMembers)).toEqual(['DANANG', 'VIETTEL']);
    expect((await remove(mofAdmin, 'finance-ops', ['DANANG', 'NOPE'])).body.errors?.[0].message).toBe('members[1]: unknown organisation "NOPE"');
    const rows = await app.db.query(`SELECT target_id, detail FROM audit_events WHERE action = 'sharingGroup.update' AND subject = 'mof-admin' ORDER BY seq`);
    expect(rows).toEqual([
      { target_id: 'finance', detail: { renamed: { from: 'finance', to: 'finance-ops' } } },
      { target_id: 'finance-ops', detail: { added: ['VIETTEL', 'BKAV', 'DANANG'] } },
      { target_id: 'finance-ops', detail: { removed: ['BKAV', 'MOF-TAX'] } },
    ]);
  });

  it('only the creating organisation\'s ADMIN and coordinator ADMINs manage it', async () => {
    await create(await c.bkav.token([Role.ADMIN]), 'vendors', ['BKAV']);
    for (const [token, code] of [
      [await c.viettel.token([Role.ADMIN]), 'FORBIDDEN'],
      [await c.bkav.token([Role.CONTRIBUTOR]), 'FORBIDDEN'],
    ] as const) {
      expect((await add(token, 'vendors', ['VIETTEL'])).body.errors?.[0].extensions?.code).toBe(code);
      expect((await app.gql(token, 'mutation { deleteSharingGroup(name: "vendors") }')).body.errors?.[0].extensions?.code).toBe(code);
    }
    const denied = await app.db.query(`SELECT action, target_id FROM audit_events WHERE outcome = 'DENIED' AND target_id = 'vendors' ORDER BY seq`);
    expect(denied).toEqual([
      { action: 'sharingGroup.update', target_id: 'vendors' },
      { action: 'sharingGroup.delete', target_id: 'vendors' },
    ]);
    expect(codes((await add(admin, 'vendors', ['VIETTEL'])).body.data!.addSharingGroupMembers)).toEqual(['BKAV', 'VIETTEL']);
    expect((await app.gql(admin, 'mutation { renameSharingGroup(name: "vendors", newName: "finance-ops") { name } }')).body.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await add(admin, 'no-such-group', ['BKAV'])).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('objects shared with a group follow its membership at read time', () => {
  it('over HTTP: an added member reads at once, a removed one stops at once, a deleted group reaches nobody', async () => {
    const mofAdmin = await c.mof.token([Role.ADMIN]);
    await create(mofAdmin, 'readers', ['BKAV']);
    const id = await share('shared.groups.example', ['readers']);
    const bkav = await c.bkav.token();
    const danang = await c.danang.token();
    expect(await reads(bkav, id)).toBe(true);
    expect(await reads(danang, id)).toBe(false);

    await add(mofAdmin, 'readers', ['DANANG']);
    expect(await reads(danang, id)).toBe(true);
    await remove(mofAdmin, 'readers', ['BKAV']);
    expect(await reads(bkav, id)).toBe(false);
    // The same token, no new login: membership is read on every request.
    expect((await app.gql(bkav, '{ indicators(filter: { value: "shared.groups.example" }) { totalCount } }')).body.data?.indicators.totalCount).toBe(0);

    expect((await app.gql(mofAdmin, 'mutation { deleteSharingGroup(name: "readers") }')).body.data?.deleteSharingGroup).toBe(true);
    expect(await reads(danang, id)).toBe(false);
    // The author still reads it; its recipients no longer list the deleted group.
    const own = await app.gql(await c.mof.token(), 'query($id: ID!) { indicator(id: $id) { recipients } }', { id });
    expect(own.body.data?.indicator.recipients).toEqual([]);
  });

  it('on open subscriptions: within seconds of a change, live and on replay', async () => {
    const mofAdmin = await c.mof.token([Role.ADMIN]);
    await create(mofAdmin, 'live-readers', ['DANANG', 'VIETTEL']);
    const danang = subscribe(app.url, await c.danang.token());
    const viettel = subscribe(app.url, await c.viettel.token());
    try {
      await sleep(300);
      await share('first.live.example', ['live-readers']);
      expect(titles(await danang.waitFor(1))).toEqual(['first.live.example']);
      await viettel.waitFor(1);

      await remove(mofAdmin, 'live-readers', ['DANANG']);
      await sleep(2500); // the websocket re-check runs every 2 s
      await share('second.live.example', ['live-readers']);
      expect(titles(await viettel.waitFor(2))).toEqual(['first.live.example', 'second.live.example']);
      await sleep(500);
      expect(titles(danang.events)).toEqual(['first.live.example']);
      expect(danang.errors).toEqual([]);

      await add(mofAdmin, 'live-readers', ['DANANG']);
      await sleep(2500);
      await share('third.live.example', ['live-readers']);
      expect(titles(await danang.waitFor(2))).toEqual(['first.live.example', 'third.live.example']);

      // A resume replays by membership as it is now: DANANG is a member again, so the warning it missed live is there.
      const cursor = danang.events[0].cursor;
      const resumed = subscribe(app.url, await c.danang.token(), { after: cursor });
      try {
        expect(titles(await resumed.waitFor(2))).toEqual(['second.live.example', 'third.live.example']);
      } finally {
        await resumed.dispose();
      }
    } finally {
      await danang.dispose();
      await viettel.dispose();
    }
  }, 30_000);
});
