// The console's indicators page and warning notifications in Chromium: the filter form, the STIX upload through
// importStix with a result per object, and browser notifications plus the unread count while the tab is hidden.
// Any browser console error fails a test.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { signIn } from './support/browser';
import { describeConsole } from './support/console';
import { ok } from './support/registry';
import { raiseWarnings } from './support/ws';

const SUBMIT = 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }';

describeConsole('web console: indicators and notifications', (env) => {
  it('filters indicators by type, minimum severity, value and author through the form', async () => {
    const { app, c } = env;
    ok(await app.gql(await c.bkav.token([Role.CONTRIBUTOR]), SUBMIT, { i: [
      { type: 'DOMAIN', value: 'filter-low.example', severity: 'LOW', tlp: 'GREEN' },
      { type: 'IPV4', value: '192.0.2.50', severity: 'HIGH', tlp: 'GREEN' },
    ] }), 'submitIndicators');
    ok(await app.gql(await c.viettel.token([Role.CONTRIBUTOR]), SUBMIT, { i: [{ type: 'DOMAIN', value: 'filter-critical.example', severity: 'CRITICAL', tlp: 'GREEN' }] }), 'submitIndicators');

    const { page } = await env.signedIn('VNCERT', ['ANALYST']);
    await page.locator('nav a[data-page=indicators]').click();
    const values = () => page.locator('main table tbody tr td:nth-child(2)').allTextContents();
    await expect.poll(values).toEqual(expect.arrayContaining(['filter-low.example', '192.0.2.50', 'filter-critical.example']));
    const form = page.locator('#indicator-filter');
    await form.locator('select[name=type]').selectOption('DOMAIN');
    await form.locator('select[name=minSeverity]').selectOption('HIGH');
    await form.locator('button[type=submit]').click();
    await expect.poll(values).toEqual(['filter-critical.example']);
    await form.locator('select[name=minSeverity]').selectOption('');
    await form.locator('input[name=contains]').fill('filter-');
    await form.locator('input[name=authors]').fill('BKAV');
    await form.locator('button[type=submit]').click();
    await expect.poll(values).toEqual(['filter-low.example']);
    await expect(page.locator('.pager .total').textContent()).resolves.toMatch(/: 1$/);
  });

  it('uploads a STIX bundle through importStix and shows what became of each object', async () => {
    const identity = 'identity--8f7e9b1c-0000-4000-8000-0000000000aa';
    const indicator = (pattern: string) => ({
      type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z',
      pattern, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', created_by_ref: identity, description: '<b onmouseover=alert(1)>bold</b>',
    });
    const bundle = { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [
      { type: 'identity', spec_version: '2.1', id: identity, name: 'Partner CERT', identity_class: 'organization', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z' },
      indicator("[domain-name:value = 'stix-one.example']"),
      indicator("[ipv4-addr:value = '198.51.100.200']"),
      indicator("[ipv4-addr:value = 'not-an-ip']"),
    ] };
    const file = path.join(env.keys, 'partner.stix.json');
    fs.writeFileSync(file, JSON.stringify(bundle));
    const notJson = path.join(env.keys, 'broken.json');
    fs.writeFileSync(notJson, '{ "type": "bundle", ');

    const { page } = await env.signedIn('BKAV', ['CONTRIBUTOR']);
    await page.locator('nav a[data-page=indicators]').click();
    await page.locator('input[name=stix]').setInputFiles(notJson);
    await page.locator('#stix-upload .error', { hasText: 'broken.json: not a JSON file' }).waitFor();
    await page.locator('input[name=stix]').setInputFiles(file);
    await expect(page.locator('#stix-result').textContent()).resolves.toBe('2 imported, 0 updated, 1 rejected');
    const rows = await page.locator('#stix-objects tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['1', 'identity', identity, 'REFERENCE'],
      ['2', 'indicator', bundle.objects[1].id, 'IMPORTED'],
      ['3', 'indicator', bundle.objects[2].id, 'IMPORTED'],
      ['4', 'indicator', bundle.objects[3].id, 'REJECTED'],
    ]);
    expect(rows[3][4]).toMatch(/\S/);
    // The list below reloads with the imported indicators, their descriptions as text.
    await page.locator('main tr', { hasText: 'stix-one.example' }).waitFor();
    expect(await page.locator('main b').count()).toBe(0);
    await env.shot(page, 'indicators-stix');
  });

  it('raises a browser notification for a live warning and keeps the unread count while the tab is hidden', async () => {
    const { page } = await env.newPage();
    await page.context().grantPermissions(['notifications'], { origin: new URL(env.base).origin });
    // What this checks: that the console calls `new Notification(...)` with the warning (recorded by wrapping the
    // constructor), not that the desktop shows it. Headless pages are always visible, so hiding is simulated by
    // overriding document.hidden and firing visibilitychange, as a browser does when the tab goes to the background.
    await page.addInitScript(`
      window.__notes = [];
      const Native = window.Notification;
      window.Notification = class extends Native { constructor(title, opts) { super(title, opts); window.__notes.push({ title, body: opts && opts.body }); } };
      let hidden = false;
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')); };
    `);
    await signIn(page, env.base, env.keys, 'MOF', ['VIEWER']);
    await page.locator('#notify-state').waitFor(); // permission granted: the console says notifications are on
    await page.locator('#feed-state', { hasText: 'live' }).waitFor();
    await page.waitForTimeout(500);
    await page.evaluate('window.__setHidden(true)');
    const [title] = await raiseWarnings(env.app.url, await env.c.bkav.token([Role.CONTRIBUTOR]), 1);
    await page.locator('#warnings tr', { hasText: title }).waitFor({ timeout: 15_000 });
    // Still on the warnings page, but hidden: the warning is unread, in the badge and in the tab's title.
    await page.locator('#unread', { hasText: '1' }).waitFor();
    expect(await page.title()).toBe('(1) ThreatFed');
    const notes = (await page.evaluate('window.__notes')) as { title: string }[];
    expect(notes.map((n) => n.title)).toEqual([expect.stringContaining(title)]);
    // Back in front: read.
    await page.evaluate('window.__setHidden(false)');
    await page.locator('#unread').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('ThreatFed');
  });
});
