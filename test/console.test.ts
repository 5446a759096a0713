// The web console in a real headless Chromium against a real server: the CSP, sign-in with key files or a token,
// live warnings, search, the XSS case and the CSV upload. Any browser console error fails a test.
// (Incidents, exposure, advisories: console-incidents.test.ts; the ministry pages: console-registry/-charts; the rest:
// console-ops.test.ts. One server and browser per file, so the files run in parallel.)
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { signIn } from './support/browser';
import { describeConsole } from './support/console';
import { raiseWarnings } from './support/ws';

const XSS = '<img src=x onerror=alert(1)>';

describeConsole('web console in Chromium', (env) => {
  it('serves the console with a strict Content-Security-Policy and its public config', async () => {
    for (const p of ['/', '/app.js', '/style.css', '/console/config.json']) {
      const res = await fetch(new URL(p, env.base));
      expect(res.status, p).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("script-src 'self'");
      expect(csp, p).not.toContain('unsafe-inline');
      expect(csp, p).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
    }
    expect(await (await fetch(new URL('/console/config.json', env.base))).json()).toEqual({ audience: 'threatfed', features: { ministry: true } });
    const html = await (await fetch(env.base)).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
    // The API itself still answers as before.
    expect((await env.app.gql(await env.c.vncert.token(), '{ me { subject } }')).body.data?.me.subject).toBe('vncert-user');
  });

  it('signs in with a key file, keeps the token out of URLs and storage, and switches language', async () => {
    const { page, urls } = await env.newPage('vi-VN');
    await page.goto(env.base);
    await env.shot(page, 'sign-in');
    await signIn(page, env.base, env.keys, 'VNCERT', ['ANALYST', 'ADMIN'], 'analyst-1');
    await expect(page.locator('#who').textContent()).resolves.toContain('analyst-1 @ VNCERT (ANALYST, ADMIN)');
    await expect(page.locator('nav a[data-page=warnings]').textContent()).resolves.toContain('Cảnh báo trực tiếp');
    await page.locator('#lang').selectOption('en');
    await expect(page.locator('nav a[data-page=warnings]').textContent()).resolves.toContain('Live warnings');
    // A string, so that the test's TypeScript (no DOM lib) does not type the browser's globals.
    const stored = await page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href })');
    expect(stored).toEqual({ local: 0, session: 0, cookie: '', url: `${env.base}` });
    expect(urls.filter((u) => u.includes('eyJ'))).toEqual([]);
    // The ministry platform's pages are there (the server's config says it has them), in the chosen language.
    await page.locator('nav a[data-page=systems]').click();
    await page.locator('#systems .pager .total').waitFor();
    expect(await page.locator('.unavailable').count()).toBe(0);
    await expect(page.locator('nav.tabs a[data-tab=review]').textContent()).resolves.toBe('Dossiers to review');
  });

  it('signs in with a pasted token', async () => {
    const { page } = await env.newPage();
    await page.goto(env.base);
    await page.locator('textarea[name=token]').fill(await env.c.bkav.token([Role.VIEWER], 'pasted-user'));
    await page.locator('#signin button[type=submit]').click();
    await page.locator('#who', { hasText: 'pasted-user @ BKAV (VIEWER)' }).waitFor();
  });

  it('shows a warning that arrives live, with an unread count on other pages', async () => {
    const { page } = await env.newPage();
    await signIn(page, env.base, env.keys, 'MOF', ['VIEWER']);
    await page.locator('#feed-state', { hasText: 'live' }).waitFor();
    // Let the subscription start before the warning is raised (it resumes from the newest cursor anyway).
    await page.waitForTimeout(500);
    const [first] = await raiseWarnings(env.app.url, await env.c.bkav.token([Role.CONTRIBUTOR]), 1);
    await page.locator('#warnings tr', { hasText: first }).waitFor({ timeout: 15_000 });
    await page.locator('nav a[data-page=search]').click();
    const [second] = await raiseWarnings(env.app.url, await env.c.bkav.token([Role.CONTRIBUTOR]), 1);
    await page.locator('#unread', { hasText: '1' }).waitFor({ timeout: 15_000 });
    await page.locator('nav a[data-page=warnings]').click();
    await page.locator('#warnings tr', { hasText: second }).waitFor();
    // Seen, so read: the badge goes.
    await page.locator('#unread').waitFor({ state: 'detached', timeout: 5_000 });
    await env.shot(page, 'warnings');
  });

  it('finds an observable with its reporters and renders a hostile description as inert text', async () => {
    const bkav = await env.c.bkav.token([Role.CONTRIBUTOR]);
    const posted = await env.app.gql(bkav, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', {
      i: [{ type: 'IPV4', value: '203.0.113.66', severity: 'MEDIUM', tlp: 'GREEN', confidence: 70, description: XSS, threatTypes: ['C2'] }],
    });
    expect(posted.body.data?.submitIndicators.created).toBe(1);
    const { page } = await env.newPage();
    await signIn(page, env.base, env.keys, 'VNCERT', ['ANALYST']);
    await page.locator('nav a[data-page=search]').click();
    await page.locator('#search select[name=type]').selectOption('IPV4');
    await page.locator('#search input[name=value]').fill('203.0.113.66');
    await page.locator('#search button[type=submit]').click();
    await page.locator('#observable').waitFor();
    await expect(page.locator('#reporters').textContent()).resolves.toBe('BKAV');
    await page.locator('#observable td', { hasText: XSS }).first().waitFor();
    await env.shot(page, 'search');
    await page.locator('nav a[data-page=indicators]').click();
    await page.locator('td.description', { hasText: XSS }).first().waitFor();
    // The payload is text: no element was made from it and nothing ran (a dialog would be recorded as a problem).
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('td.description', { hasText: XSS }).first().textContent()).toBe(XSS);
    await page.waitForTimeout(300);
    await env.shot(page, 'indicators');
  });

  it('uploads indicators from a CSV file through submitIndicators', async () => {
    const { page } = await env.newPage();
    await signIn(page, env.base, env.keys, 'BKAV', ['CONTRIBUTOR']);
    await page.locator('nav a[data-page=indicators]').click();
    const file = path.join(env.keys, 'upload.csv');
    fs.writeFileSync(file, 'type,value,severity,confidence,tlp,threatTypes,tags,description\nDOMAIN,csv-one.example,LOW,50,GREEN,PHISHING,campaign-x,"first, with a comma"\nDOMAIN,csv-two.example,MEDIUM,60,GREEN,MALWARE;C2,,\nIPV4,not-an-ip,LOW,10,GREEN,,,\n');
    await page.locator('input[name=csv]').setInputFiles(file);
    await expect(page.locator('#upload-result').textContent()).resolves.toMatch(/^2 created, 0 updated, 1 rejected/);
    const listed = await env.app.gql(await env.c.vncert.token([Role.ANALYST]), '{ indicators(filter: { valueContains: "csv-" }) { edges { node { observable { value } description } } } }');
    expect(listed.body.data?.indicators.edges.map((e: any) => e.node.observable.value).sort()).toEqual(['csv-one.example', 'csv-two.example']);
    expect(listed.body.data?.indicators.edges.find((e: any) => e.node.observable.value === 'csv-one.example').node.description).toBe('first, with a comma');
  });
});
