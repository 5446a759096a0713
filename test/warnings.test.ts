import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OrgKind, Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { community, createOrg, PERSONAS as BASE, personas, type Community, type OrgFixture, type Persona as Base } from './support/fixtures';
import { subscribe, type Subscriber } from './support/ws';

/**
 * The TLP / audience matrix of the live warnings: for every kind of warning,
 * who receives it and who does not — through a live graphql-ws subscriber
 * (subscribed before the cause) and through the `warnings` query, which must
 * agree: a subscriber never receives a warning the query would not show it.
 *
 * "Does not receive" without sleeping: after each cause a marker warning that
 * everyone may read (a GREEN HIGH indicator) is raised; delivery is in log
 * order, so whatever a subscriber has not received before the marker was not
 * delivered to it.
 */

let app: TestApp;
let c: Community;
let bank: OrgFixture;
let evn: OrgFixture;

type Persona = Base | 'BANK' | 'EVN';
const PERSONAS: Persona[] = [...BASE, 'BANK', 'EVN'];

const H = 'INDICATOR_HIGH_SEVERITY';
const E = 'EXPOSURE';
const P = 'ADVISORY_PUBLISHED';
const W = 'ADVISORY_WITHDRAWN';
const U = 'INCIDENT_UPDATED';
type Kind = typeof H | typeof E | typeof P | typeof W | typeof U;
type Expected = Partial<Record<Persona, Kind[]>>;

/** Read-only tokens, one per persona, for the subscribers and the query path. */
const viewer = {} as Record<Persona, string>;
/** Writers. */
let bkavC: string; // BKAV contributor: posts indicators, drafts advisories
let viettelC: string; // VIETTEL contributor: posts the markers
let mofTaxA: string; // MOF-TAX: posts indicators (ADMIN), reports and updates its incidents
let vncertA: string; // VNCERT analyst: publishes and withdraws advisories, triages and assigns incidents
/** One live subscriber per persona, without a filter, open for the whole file. */
const subs = new Map<Persona, Subscriber>();

function fixture(p: Persona): OrgFixture {
  return personas(c, { BANK: bank, EVN: evn })(p);
}

// Asset ranges, approved unless said otherwise: MOF-TAX owns 10.20.0.0/16 and, overlapping it, 10.20.5.0/24
// (approved by VNCERT), and 10.30.7.0/24, handed down by MOF, which owns 10.30.0.0/16 (MOF approved it, inside
// its own space). DANANG claims 10.20.7.0/24, inside MOF-TAX's /16: that claim stays PENDING.
const ip = {
  n: 0,
  /** Inside one MOF-TAX range only. */
  mofTax: () => `10.20.9.${++ip.n}`,
  /** Inside both MOF-TAX ranges. */
  mofTaxTwice: () => `10.20.5.${++ip.n}`,
  /** Inside MOF-TAX's /16 and DANANG's pending claim. */
  claimed: () => `10.20.7.${++ip.n}`,
  /** Inside MOF's /16 and the /24 it delegated to MOF-TAX. */
  delegated: () => `10.30.7.${++ip.n}`,
  /** Nobody's. */
  outside: () => `192.0.2.${++ip.n}`,
  /** An aligned /28 block inside both MOF-TAX ranges. */
  blockTwice: () => `10.20.5.${(ip.n = (ip.n | 15) + 1)}/28`,
};
let names = 0;
const domain = (tag: string) => `${tag}-${++names}.warn.example`;

beforeAll(async () => {
  app = await startTestApp();
  c = await community(app);
  bank = await createOrg(app, { code: 'BANK', kind: OrgKind.AGENCY, sector: 'banking', region: 'hanoi' });
  evn = await createOrg(app, { code: 'EVN', kind: OrgKind.AGENCY, sector: 'energy', region: 'hanoi' });
  for (const p of PERSONAS) viewer[p] = await fixture(p).token([Role.VIEWER], `${p.toLowerCase()}-portal`);
  bkavC = await c.bkav.token([Role.CONTRIBUTOR]);
  viettelC = await c.viettel.token([Role.CONTRIBUTOR]);
  mofTaxA = await c.mofTax.token([Role.ADMIN]);
  vncertA = await c.vncert.token([Role.ANALYST]);

  const vncertAdmin = await c.vncert.token([Role.ADMIN]);
  const mofAdmin = await c.mof.token([Role.ADMIN]);
  await setRanges(mofTaxA, ['10.20.0.0/16', '10.20.5.0/24', '10.30.7.0/24']);
  await setRanges(mofAdmin, ['10.30.0.0/16']);
  await setRanges(await c.danang.token([Role.REPORTER]), ['10.20.7.0/24']);
  await approveRanges(vncertAdmin, 'MOF-TAX', ['10.20.0.0/16', '10.20.5.0/24']);
  await approveRanges(vncertAdmin, 'MOF', ['10.30.0.0/16']);
  await approveRanges(mofAdmin, 'MOF-TAX', ['10.30.7.0/24']);

  for (const p of PERSONAS) subs.set(p, subscribe(app.url, viewer[p]));
  await untilLive([...subs.values()], marker);
});
afterAll(async () => {
  await Promise.all([...subs.values()].map((s) => s.dispose()));
  await app?.close();
});

// ---------------------------------------------------------------- causes

async function setRanges(token: string, ranges: string[]): Promise<void> {
  const res = await app.gql(token, 'mutation($r: [String!]!) { setAssetRanges(ranges: $r) { cidr } }', { r: ranges });
  expect(res.body.errors).toBeUndefined();
}

/** Approves declared ranges, as a coordinator's ADMIN or (inside its own approved space) the owner's parent's ADMIN. */
async function approveRanges(token: string, organization: string, cidrs: string[]): Promise<void> {
  const res = await app.gql(token, 'mutation($o: String!, $c: [String!]!) { reviewAssetRanges(organization: $o, cidrs: $c, approve: true) { status } }', {
    o: organization,
    c: cidrs,
  });
  expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
  expect(res.body.data!.reviewAssetRanges.every((r: { status: string }) => r.status === 'APPROVED')).toBe(true);
}

interface IndicatorItem {
  type: 'DOMAIN' | 'IPV4' | 'CIDR';
  value: string;
  tlp: string;
  severity: string;
  recipients?: string[];
}

/** Posts one new indicator; returns its id. */
async function postIndicator(token: string, item: IndicatorItem): Promise<string> {
  const res = await app.gql(
    token,
    'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created rejected results { indicator { id } error { message } } } }',
    { i: [item] },
  );
  expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
  expect(res.body.data!.submitIndicators, JSON.stringify(res.body)).toMatchObject({ created: 1, rejected: 0 });
  return res.body.data!.submitIndicators.results[0].indicator.id;
}

/** A warning every member may read: a new GREEN HIGH indicator (by VIETTEL). Returns its subject id. */
const marker = () => postIndicator(viettelC, { type: 'DOMAIN', value: domain('marker'), tlp: 'GREEN', severity: 'HIGH' });

async function reportIncident(token: string, input: { tlp: string; severity?: string; recipients?: string[] }): Promise<string> {
  const res = await app.gql(token, 'mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }', {
    i: { title: `Incident ${++names}`, category: 'INTRUSION', severity: 'HIGH', ...input },
  });
  expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
  return res.body.data!.reportIncident.id;
}

async function updateIncident(token: string, id: string, input: { status?: string; note?: string; assignee?: string }): Promise<void> {
  const res = await app.gql(token, 'mutation($id: ID!, $i: IncidentUpdateInput!) { updateIncident(id: $id, input: $i) { id } }', { id, i: input });
  expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
}

interface AdvisoryDraft {
  tlp: string;
  recipients?: string[];
  audience?: { sectors?: string[]; regions?: string[]; organizations?: string[] };
}

/** Drafts an advisory (as `author`) and has a VNCERT analyst publish it; returns its id. */
async function publishAdvisory(author: string, draft: AdvisoryDraft): Promise<string> {
  const created = await app.gql(author, 'mutation($i: AdvisoryInput!) { createAdvisory(input: $i) { id } }', {
    i: { title: `Advisory ${++names}`, summary: 'Patch now', severity: 'HIGH', ...draft },
  });
  expect(created.body.errors, JSON.stringify(created.body)).toBeUndefined();
  const id = created.body.data!.createAdvisory.id;
  const published = await app.gql(vncertA, 'mutation($id: ID!) { publishAdvisory(id: $id) { status } }', { id });
  expect(published.body.errors, JSON.stringify(published.body)).toBeUndefined();
  expect(published.body.data!.publishAdvisory.status).toBe('PUBLISHED');
  return id;
}

async function withdrawAdvisory(id: string): Promise<void> {
  const res = await app.gql(vncertA, 'mutation($id: ID!) { withdrawAdvisory(id: $id, reason: "Superseded") { status } }', { id });
  expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
  expect(res.body.data!.withdrawAdvisory.status).toBe('WITHDRAWN');
}

// ---------------------------------------------------------------- observing

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A subscription is live once the server has registered it, which the client
 * cannot see: raise markers until every subscriber has received one.
 */
async function untilLive(list: { events: { warning: { subjectId: string } }[] }[], raise: () => Promise<string>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const id = await raise();
    try {
      await until('subscribers to go live', () => list.every((s) => s.events.some((e) => e.warning.subjectId === id)), 1500);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
    }
  }
}

/**
 * Runs `cause`, then raises a marker and waits until every subscriber in
 * `list` has received it; returns the cause's result and, per subscriber,
 * everything delivered in between.
 */
async function during<T, S extends { events: { warning: { subjectId: string } }[] }>(
  list: S[],
  cause: () => Promise<T>,
): Promise<{ result: T; seen: S['events'][] }> {
  const starts = list.map((s) => s.events.length);
  const result = await cause();
  const id = await marker();
  const at = (s: S, i: number) => s.events.findIndex((e, n) => n >= starts[i] && e.warning.subjectId === id);
  await until('the marker', () => list.every((s, i) => at(s, i) >= 0));
  return { result, seen: list.map((s, i) => s.events.slice(starts[i], at(s, i))) };
}

interface LoggedWarning {
  kind: Kind;
  subjectId: string;
  title: string;
  severity: string;
}

/** The `warnings` query: the whole visible log (newest first), as the persona's portal would page it. */
async function logOf(token: string, filter?: Record<string, unknown>): Promise<LoggedWarning[]> {
  const res = await app.gql(
    token,
    'query($f: WarningFilter) { warnings(filter: $f, first: 500) { totalCount edges { node { kind subjectId title severity } } } }',
    { f: filter },
  );
  expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
  const conn = res.body.data!.warnings;
  expect(conn.totalCount, 'the log of this file fits in one page').toBe(conn.edges.length);
  return conn.edges.map((e: { node: LoggedWarning }) => e.node);
}

const sorted = (kinds: string[]) => [...kinds].sort();

const everyone = () => PERSONAS.map((p) => subs.get(p)!);
/** Lets whatever earlier tests raised reach the persona subscribers, so that it does not fall into the next case's window. */
const settle = () => during(everyone(), async () => undefined);

// ---------------------------------------------------------------- the matrix

interface Case {
  name: string;
  /** Causes the warnings; returns the ids of the subjects they are about. */
  cause: () => Promise<string[]>;
  /** Per persona, the kinds it receives (each warning once); anyone not named receives nothing. */
  expect: Expected;
}

/** `kinds` for each of `who`. */
function to(who: Persona[], ...kinds: Kind[]): Expected {
  return Object.fromEntries(who.map((p) => [p, kinds]));
}
/** Merges expectations: a persona named in several gets all their kinds. */
function and(...parts: Expected[]): Expected {
  const out: Expected = {};
  for (const part of parts) for (const [p, kinds] of Object.entries(part) as [Persona, Kind[]][]) out[p] = [...(out[p] ?? []), ...kinds];
  return out;
}
const nobody: Expected = {};

/**
 * Causes one case, then checks every persona through both paths: the live
 * subscriber and the `warnings` query agree with each other and with the
 * table. `ignore` leaves personas out of the comparison.
 */
async function check(cs: Case, ignore: Persona[] = []): Promise<void> {
  await settle();
  const { result: subjects, seen } = await during(everyone(), cs.cause);
  const personas = PERSONAS.filter((p) => !ignore.includes(p));
  const label = (w: { kind: string; subjectId: string }) => (subjects.includes(w.subjectId) ? w.kind : `unexpected ${w.kind} about ${w.subjectId}`);
  const want: Record<string, string[]> = {};
  const live: Record<string, string[]> = {};
  const logged: Record<string, string[]> = {};
  for (const p of personas) {
    want[p] = sorted(cs.expect[p] ?? []);
    live[p] = sorted(seen[PERSONAS.indexOf(p)].map((e) => label(e.warning)));
    logged[p] = sorted((await logOf(viewer[p])).filter((w) => subjects.includes(w.subjectId)).map(label));
  }
  expect(live, 'what live subscribers received').toEqual(logged);
  expect(logged, 'what the warnings query shows').toEqual(want);
}

function matrix(cases: Case[]): void {
  it.each(cases)('$name', (cs) => check(cs));
}

const EVERYONE = PERSONAS;

describe('INDICATOR_HIGH_SEVERITY: to everyone who may read the indicator', () => {
  const bkav = () => bkavC;
  const mofTax = () => mofTaxA;
  const dom = (author: () => string, tlp: string, severity: string, recipients: string[] = []) => async () => [
    await postIndicator(author(), { type: 'DOMAIN', value: domain('ioc'), tlp, severity, recipients }),
  ];
  matrix([
    { name: 'GREEN HIGH: every member', cause: dom(bkav, 'GREEN', 'HIGH'), expect: to(EVERYONE, H) },
    { name: 'CLEAR CRITICAL: every member', cause: dom(bkav, 'CLEAR', 'CRITICAL'), expect: to(EVERYONE, H) },
    { name: 'GREEN MEDIUM (below the threshold): nobody', cause: dom(bkav, 'GREEN', 'MEDIUM'), expect: nobody },
    { name: 'GREEN LOW: nobody', cause: dom(bkav, 'GREEN', 'LOW'), expect: nobody },
    {
      name: 'AMBER to MOF: the author, coordinators, MOF and its department',
      cause: dom(bkav, 'AMBER', 'HIGH', ['MOF']),
      expect: to(['BKAV', 'VNCERT', 'MOF', 'MOF-TAX'], H),
    },
    {
      name: 'AMBER to VIETTEL by MOF-TAX: the author, its ministry, coordinators, VIETTEL',
      cause: dom(mofTax, 'AMBER', 'HIGH', ['VIETTEL']),
      expect: to(['MOF-TAX', 'MOF', 'VNCERT', 'VIETTEL'], H),
    },
    {
      name: 'AMBER_STRICT to MOF: stops at MOF',
      cause: dom(bkav, 'AMBER_STRICT', 'HIGH', ['MOF']),
      expect: to(['BKAV', 'VNCERT', 'MOF'], H),
    },
    { name: 'RED to VIETTEL: the author and VIETTEL only', cause: dom(bkav, 'RED', 'CRITICAL', ['VIETTEL']), expect: to(['BKAV', 'VIETTEL'], H) },
    { name: 'RED by MOF-TAX without recipients: not even its ministry', cause: dom(mofTax, 'RED', 'HIGH'), expect: to(['MOF-TAX'], H) },
  ]);
});

describe('EXPOSURE: to the approved owner of the range; to its ancestors and coordinators only when they may read the indicator', () => {
  const addr = (tlp: string, severity: string, value: string, recipients: string[] = [], type: IndicatorItem['type'] = 'IPV4') => async () => [
    await postIndicator(bkavC, { type, value, tlp, severity, recipients }),
  ];
  const OWNER_SIDE: Persona[] = ['MOF-TAX', 'MOF', 'VNCERT'];
  const RED_TO_OWNER: Case = {
    name: 'RED with the owner as a recipient: the owner only (not its ministry, not coordinators)',
    cause: () => addr('RED', 'MEDIUM', ip.mofTax(), ['MOF-TAX'])(),
    expect: to(['MOF-TAX'], E),
  };
  matrix([
    {
      name: 'GREEN HIGH: owner, its ministry, coordinators get the EXPOSURE; the author only the HIGH_SEVERITY',
      cause: () => addr('GREEN', 'HIGH', ip.mofTax())(),
      expect: and(to(EVERYONE, H), to(OWNER_SIDE, E)),
    },
    {
      name: 'GREEN MEDIUM: only the EXPOSURE, to owner, ministry and coordinators',
      cause: () => addr('GREEN', 'MEDIUM', ip.mofTax())(),
      expect: to(OWNER_SIDE, E),
    },
    {
      name: 'AMBER to VIETTEL: the owner and coordinators; not its ministry (it may not read the indicator), the author or the recipient',
      cause: () => addr('AMBER', 'MEDIUM', ip.mofTax(), ['VIETTEL'])(),
      expect: to(['MOF-TAX', 'VNCERT'], E),
    },
    {
      name: 'AMBER to MOF: the owner, its ministry (a recipient) and coordinators',
      cause: () => addr('AMBER', 'MEDIUM', ip.mofTax(), ['MOF'])(),
      expect: to(OWNER_SIDE, E),
    },
    {
      name: 'AMBER HIGH to VIETTEL: readers get the HIGH_SEVERITY; the owner and coordinators the EXPOSURE',
      cause: () => addr('AMBER', 'HIGH', ip.mofTax(), ['VIETTEL'])(),
      expect: and(to(['BKAV', 'VNCERT', 'VIETTEL'], H), to(['MOF-TAX', 'VNCERT'], E)),
    },
    {
      name: 'RED to VIETTEL (owner not a recipient): no EXPOSURE for anyone',
      cause: () => addr('RED', 'HIGH', ip.mofTax(), ['VIETTEL'])(),
      expect: to(['BKAV', 'VIETTEL'], H),
    },
    RED_TO_OWNER,
    {
      name: 'AMBER_STRICT to VIETTEL (owner not a recipient): no EXPOSURE for anyone',
      cause: () => addr('AMBER_STRICT', 'MEDIUM', ip.mofTax(), ['VIETTEL'])(),
      expect: nobody,
    },
    {
      name: 'AMBER_STRICT with the owner as a recipient: the owner and coordinators, not its ministry',
      cause: () => addr('AMBER_STRICT', 'MEDIUM', ip.mofTax(), ['MOF-TAX'])(),
      expect: to(['MOF-TAX', 'VNCERT'], E),
    },
    {
      name: 'an IP inside two overlapping ranges of one owner: ONE exposure',
      cause: () => addr('GREEN', 'MEDIUM', ip.mofTaxTwice())(),
      expect: to(OWNER_SIDE, E),
    },
    {
      name: 'a CIDR inside both ranges of one owner: ONE exposure',
      cause: () => addr('GREEN', 'MEDIUM', ip.blockTwice(), [], 'CIDR')(),
      expect: to(OWNER_SIDE, E),
    },
    {
      name: 'an IP inside an approved range and another organisation\'s PENDING claim: the approved owner\'s side only',
      cause: () => addr('GREEN', 'MEDIUM', ip.claimed())(),
      expect: to(OWNER_SIDE, E),
    },
    {
      name: 'an IP inside a delegated range: one for MOF-TAX, one for MOF (its own, and MOF-TAX\'s as its ministry), both to coordinators',
      cause: () => addr('GREEN', 'MEDIUM', ip.delegated())(),
      expect: { 'MOF-TAX': [E], MOF: [E, E], VNCERT: [E, E] },
    },
    {
      name: 'AMBER to VIETTEL inside a delegated range: each owner, as owner only, and coordinators',
      cause: () => addr('AMBER', 'MEDIUM', ip.delegated(), ['VIETTEL'])(),
      expect: { 'MOF-TAX': [E], MOF: [E], VNCERT: [E, E] },
    },
    { name: 'an IP outside every range: no EXPOSURE', cause: () => addr('GREEN', 'MEDIUM', ip.outside())(), expect: nobody },
    { name: 'a domain: no EXPOSURE', cause: () => addr('GREEN', 'MEDIUM', domain('not-an-ip'), [], 'DOMAIN')(), expect: nobody },
  ]);

  it('the owner\'s ancestor, who may not read a RED indicator, is not told its value by an EXPOSURE', async () => {
    const [id] = await addr('RED', 'MEDIUM', ip.mofTax(), ['MOF-TAX'])();
    const read = await app.gql(viewer.MOF, 'query($id: ID!) { indicator(id: $id) { id } }', { id });
    expect(read.body.data).toEqual({ indicator: null });
    expect((await logOf(viewer.MOF)).filter((w) => w.subjectId === id)).toEqual([]);
  });

  it('a RED EXPOSURE for a non-recipient owner is not even logged', async () => {
    const [id] = await addr('RED', 'MEDIUM', ip.mofTax(), ['VIETTEL'])();
    const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM warnings WHERE kind = 'EXPOSURE' AND subject_id = $1`, [id]);
    expect(n).toBe(0);
  });

  it('two overlapping ranges give one logged EXPOSURE, naming both ranges', async () => {
    const [id] = await addr('GREEN', 'MEDIUM', ip.mofTaxTwice())();
    const rows: { summary: string }[] = await app.db.query(`SELECT summary FROM warnings WHERE kind = 'EXPOSURE' AND subject_id = $1`, [id]);
    expect(rows).toEqual([{ summary: 'Overlaps 10.20.0.0/16, 10.20.5.0/24' }]);
  });
});

describe('ADVISORY_PUBLISHED / ADVISORY_WITHDRAWN: to the audience, within the TLP', () => {
  const adv = (author: () => string, draft: AdvisoryDraft, withdraw = false) => async () => {
    const id = await publishAdvisory(author(), draft);
    if (withdraw) await withdrawAdvisory(id);
    return [id];
  };
  const vncert = () => vncertA;
  const bkav = () => bkavC;
  matrix([
    { name: 'GREEN, everyone: every member', cause: adv(vncert, { tlp: 'GREEN' }), expect: to(EVERYONE, P) },
    {
      name: 'GREEN, sector banking: the bank, coordinators and the author',
      cause: adv(bkav, { tlp: 'GREEN', audience: { sectors: ['Banking'] } }),
      expect: to(['BANK', 'VNCERT', 'BKAV'], P),
    },
    {
      name: 'GREEN, region hanoi: the bank and EVN, coordinators',
      cause: adv(vncert, { tlp: 'GREEN', audience: { regions: ['hanoi'] } }),
      expect: to(['BANK', 'EVN', 'VNCERT'], P),
    },
    {
      name: 'GREEN, organisations MOF and DANANG: they, MOF\'s department, coordinators',
      cause: adv(vncert, { tlp: 'GREEN', audience: { organizations: ['MOF', 'DANANG'] } }),
      expect: to(['MOF', 'MOF-TAX', 'DANANG', 'VNCERT'], P),
    },
    {
      name: 'AMBER_STRICT to VIETTEL and BANK, everyone: the author, coordinators and the recipients',
      cause: adv(bkav, { tlp: 'AMBER_STRICT', recipients: ['VIETTEL', 'BANK'] }),
      expect: to(['BKAV', 'VNCERT', 'VIETTEL', 'BANK'], P),
    },
    {
      name: 'AMBER_STRICT to VIETTEL and BANK, sector banking: the recipient outside the audience is not warned',
      cause: adv(bkav, { tlp: 'AMBER_STRICT', recipients: ['VIETTEL', 'BANK'], audience: { sectors: ['banking'] } }),
      expect: to(['BKAV', 'VNCERT', 'BANK'], P),
    },
    {
      name: 'AMBER_STRICT to VIETTEL, sector banking: the audience outside the TLP is not warned',
      cause: adv(bkav, { tlp: 'AMBER_STRICT', recipients: ['VIETTEL'], audience: { sectors: ['banking'] } }),
      expect: to(['BKAV', 'VNCERT'], P),
    },
    {
      name: 'AMBER to MOF, everyone: the author, coordinators, MOF and its department',
      cause: adv(bkav, { tlp: 'AMBER', recipients: ['MOF'] }),
      expect: to(['BKAV', 'VNCERT', 'MOF', 'MOF-TAX'], P),
    },
    { name: 'RED to VIETTEL, everyone: the author and VIETTEL', cause: adv(vncert, { tlp: 'RED', recipients: ['VIETTEL'] }), expect: to(['VNCERT', 'VIETTEL'], P) },
    {
      name: 'GREEN, region hanoi, published then withdrawn: both warnings to the same audience',
      cause: adv(vncert, { tlp: 'GREEN', audience: { regions: ['Hanoi'] } }, true),
      expect: to(['BANK', 'EVN', 'VNCERT'], P, W),
    },
    {
      name: 'AMBER_STRICT to BANK, published then withdrawn',
      cause: adv(bkav, { tlp: 'AMBER_STRICT', recipients: ['BANK'] }, true),
      expect: to(['BKAV', 'VNCERT', 'BANK'], P, W),
    },
  ]);
});

describe('INCIDENT_UPDATED: a status change or a note, to those who may read the incident', () => {
  const incident = (report: { tlp: string; recipients?: string[] }, ...updates: [who: () => string, change: Record<string, string>][]) => async () => {
    const id = await reportIncident(mofTaxA, report);
    for (const [who, change] of updates) await updateIncident(who(), id, change);
    return [id];
  };
  const coordinator = () => vncertA;
  const reporter = () => mofTaxA;
  matrix([
    {
      name: 'AMBER_STRICT, triaged by the coordinator: the reporter, its ministry, coordinators',
      cause: incident({ tlp: 'AMBER_STRICT' }, [coordinator, { status: 'TRIAGED' }]),
      expect: to(['MOF-TAX', 'MOF', 'VNCERT'], U),
    },
    {
      name: 'AMBER_STRICT to VIETTEL, a note by the reporter: and VIETTEL',
      cause: incident({ tlp: 'AMBER_STRICT', recipients: ['VIETTEL'] }, [reporter, { note: 'Contained on the web tier' }]),
      expect: to(['MOF-TAX', 'MOF', 'VNCERT', 'VIETTEL'], U),
    },
    {
      name: 'AMBER_STRICT, status and note in one update: one warning',
      cause: incident({ tlp: 'AMBER_STRICT' }, [coordinator, { status: 'TRIAGED', note: 'Looking into it' }]),
      expect: to(['MOF-TAX', 'MOF', 'VNCERT'], U),
    },
    {
      name: 'AMBER_STRICT, triaged then noted: two warnings',
      cause: incident({ tlp: 'AMBER_STRICT' }, [coordinator, { status: 'TRIAGED' }], [reporter, { note: 'Logs attached' }]),
      expect: to(['MOF-TAX', 'MOF', 'VNCERT'], U, U),
    },
    {
      name: 'AMBER_STRICT, only assigned: no warning',
      cause: incident({ tlp: 'AMBER_STRICT' }, [coordinator, { assignee: 'responder.1' }]),
      expect: nobody,
    },
    {
      name: 'RED to VIETTEL, a note: the reporter and VIETTEL only',
      cause: incident({ tlp: 'RED', recipients: ['VIETTEL'] }, [reporter, { note: 'Attribution pending' }]),
      expect: to(['MOF-TAX', 'VIETTEL'], U),
    },
    {
      name: 'RED without recipients, closed by the reporter: the reporter only',
      cause: incident({ tlp: 'RED' }, [reporter, { status: 'CLOSED' }]),
      expect: to(['MOF-TAX'], U),
    },
    {
      name: 'GREEN, a note: every member',
      cause: incident({ tlp: 'GREEN' }, [reporter, { note: 'Public write-up to follow' }]),
      expect: to(EVERYONE, U),
    },
  ]);
});

// ---------------------------------------------------------------- the filter

describe('the filter: minSeverity, kinds, subjectTypes, on the subscription and the query alike', () => {
  /**
   * Each filtered subscriber (VNCERT, which reads every GREEN warning) is told
   * "that's all" by the first warning after the causes that it matches: a note
   * on a CRITICAL incident, or — for a filter that does not match it — a
   * marker indicator raised right after. `expect` lists subject:kind.
   */
  const FILTERS: { name: string; filter: Record<string, unknown>; end: 'note' | 'marker'; expect: string[] }[] = [
    { name: 'minSeverity HIGH', filter: { minSeverity: 'HIGH' }, end: 'note', expect: [`high:${H}`, `critical:${H}`, `highIp:${H}`, `highIp:${E}`] },
    { name: 'kinds EXPOSURE, INCIDENT_UPDATED', filter: { kinds: [E, U] }, end: 'note', expect: [`mediumIp:${E}`, `highIp:${E}`, `lowIncident:${U}`] },
    { name: 'subjectTypes Incident, Advisory', filter: { subjectTypes: ['Incident', 'Advisory'] }, end: 'note', expect: [`lowIncident:${U}`] },
    {
      name: 'subjectTypes Indicator',
      filter: { subjectTypes: ['Indicator'] },
      end: 'marker',
      expect: [`high:${H}`, `mediumIp:${E}`, `critical:${H}`, `highIp:${H}`, `highIp:${E}`],
    },
    { name: 'all three at once', filter: { minSeverity: 'CRITICAL', kinds: [U, H], subjectTypes: ['Incident'] }, end: 'note', expect: [] },
    { name: 'minSeverity CRITICAL, kinds INDICATOR_HIGH_SEVERITY', filter: { minSeverity: 'CRITICAL', kinds: [H] }, end: 'marker', expect: [`critical:${H}`] },
  ];

  it('delivers and lists exactly the warnings that match', async () => {
    await settle();
    const endIncident = await reportIncident(mofTaxA, { tlp: 'GREEN', severity: 'CRITICAL' });
    const note = async () => (await updateIncident(mofTaxA, endIncident, { note: `ping ${++names}` }), endIncident);
    const criticalMarker = () => postIndicator(viettelC, { type: 'DOMAIN', value: domain('marker'), tlp: 'GREEN', severity: 'CRITICAL' });
    const filtered = FILTERS.map((f) => subscribe(app.url, viewer.VNCERT, { filter: f.filter }));
    try {
      // Markers first: the notes that follow reach the note-ended streams after any marker they match.
      await untilLive(filtered.filter((_, i) => FILTERS[i].end === 'marker'), criticalMarker);
      await untilLive(filtered.filter((_, i) => FILTERS[i].end === 'note'), note);

      const starts = filtered.map((s) => s.events.length);
      const lowIncident = await reportIncident(mofTaxA, { tlp: 'GREEN', severity: 'LOW' });
      const subjects: Record<string, string> = {
        high: await postIndicator(bkavC, { type: 'DOMAIN', value: domain('f'), tlp: 'GREEN', severity: 'HIGH' }),
        mediumIp: await postIndicator(bkavC, { type: 'IPV4', value: ip.mofTax(), tlp: 'GREEN', severity: 'MEDIUM' }),
        lowIncident,
        critical: await postIndicator(bkavC, { type: 'DOMAIN', value: domain('f'), tlp: 'GREEN', severity: 'CRITICAL' }),
        highIp: await postIndicator(bkavC, { type: 'IPV4', value: ip.mofTax(), tlp: 'GREEN', severity: 'HIGH' }),
        low: await postIndicator(bkavC, { type: 'DOMAIN', value: domain('f'), tlp: 'GREEN', severity: 'LOW' }),
      };
      await updateIncident(mofTaxA, lowIncident, { note: 'Low' });
      const ends = { note: await note(), marker: await criticalMarker() };

      const name = new Map(Object.entries(subjects).map(([k, v]) => [v, k]));
      const label = (w: { kind: string; subjectId: string }) => `${name.get(w.subjectId) ?? `unexpected ${w.subjectId}`}:${w.kind}`;
      const endAt = (i: number) => filtered[i].events.findIndex((e, n) => n >= starts[i] && e.warning.subjectId === ends[FILTERS[i].end]);
      await until('the end of each filtered stream', () => FILTERS.every((_, i) => endAt(i) >= 0));

      for (const [i, f] of FILTERS.entries()) {
        const live = filtered[i].events.slice(starts[i], endAt(i)).map((e) => label(e.warning));
        const logged = (await logOf(viewer.VNCERT, f.filter)).filter((w) => name.has(w.subjectId)).map(label);
        expect(sorted(live), `${f.name}: live`).toEqual(sorted(f.expect));
        expect(sorted(logged), `${f.name}: query`).toEqual(sorted(f.expect));
        expect(filtered[i].errors, f.name).toEqual([]);
      }
    } finally {
      await Promise.all(filtered.map((s) => s.dispose()));
    }
  });

  it('a bad subjectTypes value is BAD_USER_INPUT naming the field, in the query', async () => {
    const res = await app.gql(viewer.DANANG, 'query { warnings(filter: { subjectTypes: ["Incident", "Organization"] }) { totalCount } }');
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    const [err] = res.body.errors!;
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.subjectTypes[1]' });
    expect(err.message).toContain('filter.subjectTypes[1]');
    expect(err.message).toContain('Advisory, Indicator, Incident');
  });

  it('a bad subjectTypes value is BAD_USER_INPUT naming the field, on the subscription', async () => {
    const sub = subscribe(app.url, viewer.DANANG, { filter: { subjectTypes: ['indicator'] } });
    try {
      await until('the subscription error', () => sub.errors.length > 0);
      const errors = sub.errors.flat() as { message: string; extensions?: Record<string, unknown> }[];
      expect(errors).toHaveLength(1);
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.subjectTypes[0]' });
      expect(errors[0].message).toContain('filter.subjectTypes[0]');
      expect(sub.events).toEqual([]);
    } finally {
      await sub.dispose();
    }
  });

  it('an unknown kind or severity is BAD_USER_INPUT, in the query', async () => {
    for (const f of ['{ kinds: [NOT_A_KIND] }', '{ minSeverity: SEVERE }']) {
      const res = await app.gql(viewer.DANANG, `query { warnings(filter: ${f}) { totalCount } }`);
      expect(res.body.errors?.[0].extensions?.code, f).toBe('BAD_USER_INPUT');
    }
  });
});

// ---------------------------------------------------------------- nothing leaks through the event

describe('nothing leaks through the event', () => {
  const SELECTION = 'kind subjectId tlp recipients';
  interface Delivered {
    warning: { kind: Kind; subjectId: string; tlp: string; recipients: string[] | null };
  }

  /** A graphql-ws subscriber that selects `warning { recipients }` (the shared helper selects a fixed set of fields). */
  function listen(token: string) {
    const client = createClient({ url: app.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    const events: Delivered[] = [];
    const errors: unknown[] = [];
    client.subscribe<{ warnings: Delivered }>(
      { query: `subscription { warnings { warning { ${SELECTION} } } }` },
      {
        next: (v) => {
          if (v.data) events.push(v.data.warnings);
          if (v.errors) errors.push(...v.errors);
        },
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    return { events, errors, dispose: () => client.dispose() };
  }

  it('recipients are null in a delivered warning for those not allowed to know them, as in the query', async () => {
    const who: Persona[] = ['BKAV', 'VNCERT', 'VIETTEL', 'MOF-TAX', 'MOF'];
    const listeners = who.map((p) => listen(viewer[p]));
    try {
      await untilLive(listeners, marker);
      // BKAV's AMBER HIGH IP, shared with VIETTEL, inside MOF-TAX's range.
      const { result: id, seen } = await during(listeners, () =>
        postIndicator(bkavC, { type: 'IPV4', value: ip.mofTax(), tlp: 'AMBER', severity: 'HIGH', recipients: ['VIETTEL'] }),
      );
      const expected: Record<string, { kind: Kind; recipients: string[] | null }[]> = {
        BKAV: [{ kind: H, recipients: ['VIETTEL'] }], // the author
        VNCERT: [
          { kind: E, recipients: ['VIETTEL'] },
          { kind: H, recipients: ['VIETTEL'] },
        ], // a coordinator
        VIETTEL: [{ kind: H, recipients: null }], // a recipient does not learn who else received it
        'MOF-TAX': [{ kind: E, recipients: null }], // the owner is warned, not told the recipients
        MOF: [], // the owner's ministry may not read the indicator, so it is not told about it either
      };
      const byKind = (a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind);
      for (const [n, p] of who.entries()) {
        const live = seen[n].map((e) => ({ kind: e.warning.kind, recipients: e.warning.recipients, subjectId: e.warning.subjectId, tlp: e.warning.tlp }));
        expect(live.every((e) => e.subjectId === id && e.tlp === 'AMBER'), p).toBe(true);
        expect(live.map(({ kind, recipients }) => ({ kind, recipients })).sort(byKind), `${p}: live`).toEqual(expected[p]);
        expect(listeners[n].errors, p).toEqual([]);

        const res = await app.gql(viewer[p], `{ warnings(first: 50) { edges { node { ${SELECTION} } } } }`);
        const nodes: Delivered['warning'][] = res.body.data!.warnings.edges.map((e: { node: Delivered['warning'] }) => e.node);
        const logged = nodes
          .filter((w) => w.subjectId === id)
          .map(({ kind, recipients }) => ({ kind, recipients }))
          .sort(byKind);
        expect(logged, `${p}: query`).toEqual(expected[p]);
      }
    } finally {
      await Promise.all(listeners.map((l) => l.dispose()));
    }
  });
});
