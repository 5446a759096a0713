// The web console in a real headless Chromium against a real server: sign-in with key files, live warnings,
// search, incidents through their states, isolation between agencies, CSP and XSS. Any browser console error fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { startTestApp, type TestApp } from './support/app';
import { findChromium, launch, openPage, signIn, writeKeys } from './support/browser';
import { community, type Community } from './support/fixtures';
import { raiseWarnings } from './support/ws';

const CHROMIUM = findChromium();
if (!CHROMIUM)
  process.stderr.write('\n[console.test] SKIPPED: no Chromium found (install Debian\'s `chromium` package: apt-get install -y chromium, or set CHROMIUM_PATH)\n\n');

const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? path.join(os.tmpdir(), 'threatfed-console-screenshots');
const XSS = '<img src=x onerror=alert(1)>';

describe.skipIf(!CHROMIUM)('web console in Chromium', { timeout: 120_000 }, () => {
  let app: TestApp;
  let c: Community;
  let browser: Browser;
  let keys: string;
  let base: string;
  const open: { page: Page; problems: string[]; urls: string[]; close(): Promise<void> }[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    c = await community(app);
    keys = writeKeys([c.vncert, c.bkav, c.viettel, c.mof, c.mofTax, c.danang]);
    base = app.url.replace(/\/graphql$/, '/');
    browser = await launch(CHROMIUM!);
    fs.mkdirSync(SHOTS, { recursive: true });
    process.stdout.write(`[console.test] screenshots: ${SHOTS}\n`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (keys) fs.rmSync(keys, { recursive: true, force: true });
  });
  // Every page opened in a test must end without a console error, an uncaught exception or a dialog.
  afterEach(async () => {
    const pages = open.splice(0);
    const problems = pages.flatMap((p) => p.problems);
    await Promise.all(pages.map((p) => p.close()));
    expect(problems).toEqual([]);
  });
  const newPage = async (locale?: string) => {
    const p = await openPage(browser, locale);
    open.push(p);
    return p;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  it('serves the console with a strict Content-Security-Policy and its public config', async () => {
    for (const p of ['/', '/app.js', '/style.css', '/console/config.json']) {
      const res = await fetch(new URL(p, base));
      expect(res.status, p).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("script-src 'self'");
      expect(csp, p).not.toContain('unsafe-inline');
      expect(csp, p).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
    }
    expect(await (await fetch(new URL('/console/config.json', base))).json()).toEqual({ audience: 'threatfed', features: { ministry: true } });
    const html = await (await fetch(base)).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
    // The API itself still answers as before.
    expect((await app.gql(await c.vncert.token(), '{ me { subject } }')).body.data?.me.subject).toBe('vncert-user');
  });

  it('signs in with a key file, keeps the token out of URLs and storage, and switches language', async () => {
    const { page, urls } = await newPage('vi-VN');
    await page.goto(base);
    await shot(page, 'sign-in');
    await signIn(page, base, keys, 'VNCERT', ['ANALYST', 'ADMIN'], 'analyst-1');
    await expect(page.locator('#who').textContent()).resolves.toContain('analyst-1 @ VNCERT (ANALYST, ADMIN)');
    await expect(page.locator('nav a[data-page=warnings]').textContent()).resolves.toContain('Cảnh báo trực tiếp');
    await page.locator('#lang').selectOption('en');
    await expect(page.locator('nav a[data-page=warnings]').textContent()).resolves.toContain('Live warnings');
    // A string, so that the test's TypeScript (no DOM lib) does not type the browser's globals.
    const stored = await page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href })');
    expect(stored).toEqual({ local: 0, session: 0, cookie: '', url: `${base}` });
    expect(urls.filter((u) => u.includes('eyJ'))).toEqual([]);
    // The ministry platform's pages are not in the console yet: they say where to find it instead of failing.
    await page.locator('nav a[data-page=systems]').click();
    await expect(page.locator('.unavailable').textContent()).resolves.toContain('Not in the console yet');
  });

  it('signs in with a pasted token', async () => {
    const { page } = await newPage();
    await page.goto(base);
    await page.locator('textarea[name=token]').fill(await c.bkav.token([Role.VIEWER], 'pasted-user'));
    await page.locator('#signin button[type=submit]').click();
    await page.locator('#who', { hasText: 'pasted-user @ BKAV (VIEWER)' }).waitFor();
  });

  it('shows a warning that arrives live, with an unread count on other pages', async () => {
    const { page } = await newPage();
    await signIn(page, base, keys, 'MOF', ['VIEWER']);
    await page.locator('#feed-state', { hasText: 'live' }).waitFor();
    // Let the subscription start before the warning is raised (it resumes from the newest cursor anyway).
    await page.waitForTimeout(500);
    const [first] = await raiseWarnings(app.url, await c.bkav.token([Role.CONTRIBUTOR]), 1);
    await page.locator('#warnings tr', { hasText: first }).waitFor({ timeout: 15_000 });
    await page.locator('nav a[data-page=search]').click();
    const [second] = await raiseWarnings(app.url, await c.bkav.token([Role.CONTRIBUTOR]), 1);
    await page.locator('#unread', { hasText: '1' }).waitFor({ timeout: 15_000 });
    await page.locator('nav a[data-page=warnings]').click();
    await page.locator('#warnings tr', { hasText: second }).waitFor();
    expect(await page.locator('#unread').count()).toBe(0);
    await shot(page, 'warnings');
  });

  it('finds an observable with its reporters and renders a hostile description as inert text', async () => {
    const bkav = await c.bkav.token([Role.CONTRIBUTOR]);
    const posted = await app.gql(bkav, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', {
      i: [{ type: 'IPV4', value: '203.0.113.66', severity: 'MEDIUM', tlp: 'GREEN', confidence: 70, description: XSS, threatTypes: ['C2'] }],
    });
    expect(posted.body.data?.submitIndicators.created).toBe(1);
    const { page } = await newPage();
    await signIn(page, base, keys, 'VNCERT', ['ANALYST']);
    await page.locator('nav a[data-page=search]').click();
    await page.locator('#search select[name=type]').selectOption('IPV4');
    await page.locator('#search input[name=value]').fill('203.0.113.66');
    await page.locator('#search button[type=submit]').click();
    await page.locator('#observable').waitFor();
    await expect(page.locator('#reporters').textContent()).resolves.toBe('BKAV');
    await page.locator('#observable td', { hasText: XSS }).first().waitFor();
    await shot(page, 'search');
    await page.locator('nav a[data-page=indicators]').click();
    await page.locator('td.description', { hasText: XSS }).first().waitFor();
    // The payload is text: no element was made from it and nothing ran (a dialog would be recorded as a problem).
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('td.description', { hasText: XSS }).first().textContent()).toBe(XSS);
    await page.waitForTimeout(300);
    await shot(page, 'indicators');
  });

  it('uploads indicators from a CSV file through submitIndicators', async () => {
    const { page } = await newPage();
    await signIn(page, base, keys, 'BKAV', ['CONTRIBUTOR']);
    await page.locator('nav a[data-page=indicators]').click();
    const file = path.join(keys, 'upload.csv');
    fs.writeFileSync(file, 'type,value,severity,confidence,tlp,threatTypes,tags,description\nDOMAIN,csv-one.example,LOW,50,GREEN,PHISHING,campaign-x,"first, with a comma"\nDOMAIN,csv-two.example,MEDIUM,60,GREEN,MALWARE;C2,,\nIPV4,not-an-ip,LOW,10,GREEN,,,\n');
    await page.locator('input[name=csv]').setInputFiles(file);
    await expect(page.locator('#upload-result').textContent()).resolves.toMatch(/^2 created, 0 updated, 1 rejected/);
    const listed = await app.gql(await c.vncert.token([Role.ANALYST]), '{ indicators(filter: { valueContains: "csv-" }) { edges { node { observable { value } description } } } }');
    expect(listed.body.data?.indicators.edges.map((e: any) => e.node.observable.value).sort()).toEqual(['csv-one.example', 'csv-two.example']);
    expect(listed.body.data?.indicators.edges.find((e: any) => e.node.observable.value === 'csv-one.example').node.description).toBe('first, with a comma');
  });

  it('reports an incident and moves it through its states; another agency never sees it', async () => {
    const reporter = await newPage();
    await signIn(reporter.page, base, keys, 'MOF-TAX', ['REPORTER']);
    await reporter.page.locator('nav a[data-page=incidents]').click();
    await reporter.page.locator('#new-incident').click();
    const f = reporter.page.locator('#report-incident');
    await f.locator('input[name=title]').fill('Ransomware on the tax portal');
    await f.locator('select[name=category]').selectOption('RANSOMWARE');
    await f.locator('select[name=severity]').selectOption('HIGH');
    await f.locator('select[name=tlp]').selectOption('AMBER');
    await f.locator('textarea[name=description]').fill(XSS);
    await f.locator('button[type=submit]').click();
    await reporter.page.locator('#incident-status', { hasText: 'REPORTED' }).waitFor();
    const id = await reporter.page.locator('#incident').getAttribute('data-id');
    expect(id).toBeTruthy();

    const analyst = await newPage();
    await signIn(analyst.page, base, keys, 'VNCERT', ['ANALYST']);
    await analyst.page.locator('nav a[data-page=incidents]').click();
    await analyst.page.locator(`tr.incident[data-id="${id}"]`).click();
    await analyst.page.locator('#status-actions textarea[name=note]').fill('Triaged by the centre');
    await analyst.page.locator('#status-actions button[data-status=TRIAGED]').click();
    await analyst.page.locator('#incident-status', { hasText: 'TRIAGED' }).waitFor();

    for (const status of ['CONTAINED', 'RESOLVED', 'CLOSED']) {
      await reporter.page.reload();
      await signIn(reporter.page, base, keys, 'MOF-TAX', ['REPORTER']);
      await reporter.page.goto(`${base}#/incidents/${id}`);
      await reporter.page.locator(`#status-actions button[data-status=${status}]`).click();
      await reporter.page.locator('#incident-status', { hasText: status }).waitFor();
    }
    const timeline = await reporter.page.locator('#timeline li').allTextContents();
    expect(timeline.join('\n')).toContain('Triaged by the centre');
    expect(timeline.filter((l) => l.includes('→')).length).toBeGreaterThanOrEqual(4);
    await shot(reporter.page, 'incident');

    // The parent ministry sees its department's incident; a province and a vendor do not, in the list or by id.
    const mof = await newPage();
    await signIn(mof.page, base, keys, 'MOF', ['VIEWER']);
    await mof.page.locator('nav a[data-page=incidents]').click();
    await mof.page.locator(`tr.incident[data-id="${id}"]`).waitFor();
    for (const code of ['DANANG', 'BKAV']) {
      const other = await newPage();
      await signIn(other.page, base, keys, code, ['ADMIN']);
      await other.page.locator('nav a[data-page=incidents]').click();
      await other.page.locator('.pager .total').waitFor();
      expect(await other.page.locator('tr.incident').count(), code).toBe(0);
      expect(await other.page.locator('main').textContent()).not.toContain('Ransomware on the tax portal');
      await other.page.goto(`${base}#/incidents/${id}`);
      await other.page.locator('#not-found').waitFor();
    }

    // Shared by the reporter with VIETTEL: VIETTEL now reads it (and still nobody else).
    await reporter.page.locator('#share input[name=share]').fill('VIETTEL');
    await reporter.page.locator('#share button[type=submit]').click();
    await reporter.page.locator('#recipients', { hasText: 'VIETTEL' }).waitFor();
    const viettel = await newPage();
    await signIn(viettel.page, base, keys, 'VIETTEL', ['VIEWER']);
    await viettel.page.locator('nav a[data-page=incidents]').click();
    await viettel.page.locator(`tr.incident[data-id="${id}"]`).waitFor();
  });

  it('declares a range, has it approved in the review queue, and then shows the exposure', async () => {
    const owner = await newPage();
    await signIn(owner.page, base, keys, 'DANANG', ['ADMIN']);
    await owner.page.locator('nav a[data-page=exposure]').click();
    await owner.page.locator('.pager .total').first().waitFor(); // the page has loaded (it fills the form with the ranges it read)
    await owner.page.locator('#set-ranges textarea[name=ranges]').fill('198.51.100.0/24');
    await owner.page.locator('#set-ranges button[type=submit]').click();
    await owner.page.locator('#ranges tr', { hasText: 'PENDING' }).waitFor();

    const admin = await newPage();
    await signIn(admin.page, base, keys, 'VNCERT', ['ADMIN']);
    await admin.page.locator('nav a[data-page=exposure]').click();
    const row = admin.page.locator('#review-queue tr', { hasText: '198.51.100.0/24' });
    await row.locator('button', { hasText: 'Approve' }).click();
    await admin.page.locator('#review-queue tr', { hasText: '198.51.100.0/24' }).waitFor({ state: 'detached' });

    const posted = await app.gql(await c.bkav.token([Role.CONTRIBUTOR]), 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', {
      i: [{ type: 'IPV4', value: '198.51.100.7', severity: 'HIGH', tlp: 'GREEN', threatTypes: ['BOTNET'] }],
    });
    expect(posted.body.data?.submitIndicators.created).toBe(1);
    await owner.page.reload();
    await signIn(owner.page, base, keys, 'DANANG', ['ADMIN']);
    await owner.page.locator('nav a[data-page=exposure]').click();
    await owner.page.locator('#ranges tr', { hasText: 'APPROVED' }).waitFor();
    await owner.page.locator('main tr', { hasText: '198.51.100.7' }).waitFor();
    await shot(owner.page, 'exposure');
  });

  it('drafts, revises and publishes an advisory, and shows the administration pages', async () => {
    const { page } = await newPage();
    await signIn(page, base, keys, 'VNCERT', ['ANALYST', 'ADMIN']);
    await page.goto(`${base}#/advisories/new`);
    await page.locator('#advisory-form input[name=title]').fill('Patch the VPN gateways');
    await page.locator('#advisory-form textarea[name=summary]').fill('Exploited in the wild');
    await page.locator('#advisory-form button[type=submit]').click();
    await page.locator('#advisory-status', { hasText: 'DRAFT' }).waitFor();
    await page.locator('#advisory-form input[name=cves]').fill('CVE-2026-0001');
    await page.locator('#advisory-form button[type=submit]').click();
    await page.locator('#advisory', { hasText: 'CVE-2026-0001' }).waitFor();
    await page.locator('#publish').click();
    await page.locator('#advisory-status', { hasText: 'PUBLISHED' }).waitFor();
    await shot(page, 'advisory');
    await page.goto(`${base}#/admin/organisations`);
    await page.locator('tr.org', { hasText: 'MOF-TAX' }).click();
    await page.locator('#org', { hasText: 'ES256' }).waitFor();
    await page.goto(`${base}#/admin/audit`);
    await page.locator('main td', { hasText: 'advisory.publish' }).first().waitFor();
    await shot(page, 'audit');
  });
});
