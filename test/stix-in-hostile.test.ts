import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { communityApp } from './support/fixtures';
import { bundle, incident, IMPORT, importOk, note, owned, report } from './support/stix-in';

/** Hostile bundles of the kinds beyond indicators: bounded work and an error naming the field and the rule. */
const t = communityApp();
let token: string;

beforeAll(async () => {
  token = await t.c.viettel.token([Role.CONTRIBUTOR]);
});

async function timed<T>(fn: () => Promise<T>): Promise<{ out: T; ms: number }> {
  const start = performance.now();
  const out = await fn();
  return { out, ms: performance.now() - start };
}

describe('importStix: hostile bundles of sightings, incidents, notes and reports', () => {
  it('a report with 100,000 object_refs is refused by its count before any is read', async () => {
    const refs = Array.from({ length: 100_000 }, (_, i) => String(i));
    const { out, ms } = await timed(() => importOk(t.app, token, bundle([report(refs)])));
    expect(out.results[0]).toMatchObject({ status: 'REJECTED', reason: 'object_refs: must hold at most 1000 references (it holds 100000)' });
    expect(ms).toBeLessThan(5000);
    const atomic = await t.app.gql(token, IMPORT, { bundle: bundle([incident(), report(refs)]), atomic: true });
    expect(atomic.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(atomic.body.errors?.[0].message).toMatch(/object_refs: must hold at most 1000 references/);
  });

  it('a note or an incident with oversized text is rejected naming its field; a string over the bundle limit names where it is', async () => {
    const inc = incident();
    const out = await importOk(t.app, token, bundle([inc, note(inc.id, 'x'.repeat(60_000)), incident({ name: 'n'.repeat(10_000) }), incident({ description: 'd'.repeat(30_000) })]));
    expect(out.results.map((r) => r.status)).toEqual(['IMPORTED', 'REJECTED', 'REJECTED', 'REJECTED']);
    expect(out.results[1].reason).toMatch(/^content: must be at most 4000 characters/);
    expect(out.results[2].reason).toBe('name: must be at most 200 characters');
    expect(out.results[3].reason).toBe('description: must be at most 20000 characters');

    const huge = await t.app.gql(token, IMPORT, { bundle: bundle([note(inc.id, 'y'.repeat(70_000))]) });
    expect(huge.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(huge.body.errors?.[0].message).toBe('bundle.objects[0].content: is a string longer than 65536 characters');
  });

  it('deep nesting inside an incident is refused before anything is read, naming where', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 1000; i++) deep = [deep];
    const before = await owned(t.app, t.c.viettel.org.id);
    const res = await t.app.gql(token, IMPORT, { bundle: bundle([incident({ x_custom: deep })]) });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0].message).toMatch(/^bundle\.objects\[0\]\.x_custom.*: is nested deeper than 16 levels$/);
    expect(await owned(t.app, t.c.viettel.org.id)).toEqual(before);
  });

  it('sightings of nothing, of bad counts, and of unknown references are rejected per object', async () => {
    const sco = { type: 'url', spec_version: '2.1', id: 'url--0a0b0c0d-0000-5000-8000-000000000001', value: 'http://sighted.example/a' };
    const s = (extra: Record<string, unknown>) => ({ type: 'sighting', spec_version: '2.1', id: `sighting--0a0b0c0d-0000-4000-8000-00000000000${Object.keys(extra).length}${JSON.stringify(extra).length % 10}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', ...extra });
    const out = await importOk(t.app, token, bundle([
      sco,
      s({ sighting_of_ref: 'indicator--00000000-0000-4000-8000-000000000404' }),
      s({ sighting_of_ref: sco.id, count: 0 }),
      s({ sighting_of_ref: sco.id, count: 'many', x: 1 }),
      s({ sighting_of_ref: sco.id, first_seen: '2026-01-02T00:00:00Z', last_seen: '2026-01-01T00:00:00Z' }),
    ]));
    expect(out.results.map((r) => r.status)).toEqual(['REFERENCE', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED']);
    expect(out.results[1].reason).toMatch(/^sighting_of_ref: must name an observable/);
    expect(out.results[2].reason).toBe('count: must be an integer from 1 to 1000000000');
    expect(out.results[3].reason).toBe('count: must be an integer');
    expect(out.results[4].reason).toBe('last_seen: must not be before firstSeen');
  });

  it('a whole timeline of notes goes in bulk: 5,000 notes in one bundle take bounded time', async () => {
    const inc = incident({ name: 'Many notes' });
    // Lean notes, so that 5,000 objects fit the 1 MiB body.
    const notes = Array.from({ length: 4999 }, (_, i) => ({ type: 'note', id: `note--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, content: `e${i}`, object_refs: [inc.id] }));
    const { out, ms } = await timed(() => importOk(t.app, token, bundle([inc, ...notes])));
    expect(out.imported).toBe(5000);
    expect(ms).toBeLessThan(20_000);
    const events = await t.app.db.query('SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1', [out.results[0].localIds[0]]);
    expect(events[0].n).toBe(5000);
  }, 60_000);

  it('incidents and reports, written one by one, are capped per bundle', async () => {
    const objs = Array.from({ length: 501 }, () => ({ type: 'incident', id: `incident--${crypto.randomUUID()}`, name: 'i' }));
    const res = await t.app.gql(token, IMPORT, { bundle: bundle(objs), atomic: true });
    expect(res.body.errors?.[0].message).toMatch(/at most 500 incidents are imported per bundle/);
    expect(res.body.errors?.[0].extensions?.objects).toEqual([expect.objectContaining({ index: 500 })]);
  });
});
