// The web console in Chromium: an incident through its states with the right organisations (and never seen by
// another agency), the range review queue and exposure, an advisory from draft to published, the admin pages.
import { expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { signIn } from './support/browser';
import { describeConsole } from './support/console';

const XSS = '<img src=x onerror=alert(1)>';

describeConsole('web console: incidents, exposure, advisories', (env) => {
  it('reports an incident and moves it through its states; another agency never sees it', async () => {
    const reporter = await env.newPage();
    await signIn(reporter.page, env.base, env.keys, 'MOF-TAX', ['REPORTER']);
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

    const analyst = await env.newPage();
    await signIn(analyst.page, env.base, env.keys, 'VNCERT', ['ANALYST']);
    await analyst.page.locator('nav a[data-page=incidents]').click();
    await analyst.page.locator(`tr.incident[data-id="${id}"]`).click();
    await analyst.page.locator('#status-actions textarea[name=note]').fill('Triaged by the centre');
    await analyst.page.locator('#status-actions button[data-status=TRIAGED]').click();
    await analyst.page.locator('#incident-status', { hasText: 'TRIAGED' }).waitFor();

    for (const status of ['CONTAINED', 'RESOLVED', 'CLOSED']) {
      await reporter.page.reload();
      await signIn(reporter.page, env.base, env.keys, 'MOF-TAX', ['REPORTER']);
      await reporter.page.goto(`${env.base}#/incidents/${id}`);
      await reporter.page.locator(`#status-actions button[data-status=${status}]`).click();
      await reporter.page.locator('#incident-status', { hasText: status }).waitFor();
    }
    const timeline = await reporter.page.locator('#timeline li').allTextContents();
    expect(timeline.join('\n')).toContain('Triaged by the centre');
    expect(timeline.filter((l) => l.includes('→')).length).toBeGreaterThanOrEqual(4);
    await env.shot(reporter.page, 'incident');

    // The parent ministry sees its department's incident; a province and a vendor do not, in the list or by id.
    const mof = await env.newPage();
    await signIn(mof.page, env.base, env.keys, 'MOF', ['VIEWER']);
    await mof.page.locator('nav a[data-page=incidents]').click();
    await mof.page.locator(`tr.incident[data-id="${id}"]`).waitFor();
    for (const code of ['DANANG', 'BKAV']) {
      const other = await env.newPage();
      await signIn(other.page, env.base, env.keys, code, ['ADMIN']);
      await other.page.locator('nav a[data-page=incidents]').click();
      await other.page.locator('.pager .total').waitFor();
      expect(await other.page.locator('tr.incident').count(), code).toBe(0);
      expect(await other.page.locator('main').textContent()).not.toContain('Ransomware on the tax portal');
      await other.page.goto(`${env.base}#/incidents/${id}`);
      await other.page.locator('#not-found').waitFor();
    }

    // Shared by the reporter with VIETTEL: VIETTEL now reads it (and still nobody else).
    await reporter.page.locator('#share input[name=share]').fill('VIETTEL');
    await reporter.page.locator('#share button[type=submit]').click();
    await reporter.page.locator('#recipients', { hasText: 'VIETTEL' }).waitFor();
    const viettel = await env.newPage();
    await signIn(viettel.page, env.base, env.keys, 'VIETTEL', ['VIEWER']);
    await viettel.page.locator('nav a[data-page=incidents]').click();
    await viettel.page.locator(`tr.incident[data-id="${id}"]`).waitFor();
  });

  it('declares a range, has it approved in the review queue, and then shows the exposure', async () => {
    const owner = await env.newPage();
    await signIn(owner.page, env.base, env.keys, 'DANANG', ['ADMIN']);
    await owner.page.locator('nav a[data-page=exposure]').click();
    await owner.page.locator('.pager .total').first().waitFor(); // the page has loaded (it fills the form with the ranges it read)
    await owner.page.locator('#set-ranges textarea[name=ranges]').fill('198.51.100.0/24');
    await owner.page.locator('#set-ranges button[type=submit]').click();
    await owner.page.locator('#ranges tr', { hasText: 'PENDING' }).waitFor();

    const admin = await env.newPage();
    await signIn(admin.page, env.base, env.keys, 'VNCERT', ['ADMIN']);
    await admin.page.locator('nav a[data-page=exposure]').click();
    const row = admin.page.locator('#review-queue tr', { hasText: '198.51.100.0/24' });
    await row.locator('button', { hasText: 'Approve' }).click();
    await admin.page.locator('#review-queue tr', { hasText: '198.51.100.0/24' }).waitFor({ state: 'detached' });

    const posted = await env.app.gql(await env.c.bkav.token([Role.CONTRIBUTOR]), 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { created } }', {
      i: [{ type: 'IPV4', value: '198.51.100.7', severity: 'HIGH', tlp: 'GREEN', threatTypes: ['BOTNET'] }],
    });
    expect(posted.body.data?.submitIndicators.created).toBe(1);
    await owner.page.reload();
    await signIn(owner.page, env.base, env.keys, 'DANANG', ['ADMIN']);
    await owner.page.locator('nav a[data-page=exposure]').click();
    await owner.page.locator('#ranges tr', { hasText: 'APPROVED' }).waitFor();
    await owner.page.locator('main tr', { hasText: '198.51.100.7' }).waitFor();
    await env.shot(owner.page, 'exposure');
  });

  it('drafts, revises and publishes an advisory, and shows the administration pages', async () => {
    const { page } = await env.newPage();
    await signIn(page, env.base, env.keys, 'VNCERT', ['ANALYST', 'ADMIN']);
    await page.goto(`${env.base}#/advisories/new`);
    await page.locator('#advisory-form input[name=title]').fill('Patch the VPN gateways');
    await page.locator('#advisory-form textarea[name=summary]').fill('Exploited in the wild');
    await page.locator('#advisory-form button[type=submit]').click();
    await page.locator('#advisory-status', { hasText: 'DRAFT' }).waitFor();
    await page.locator('#advisory-form input[name=cves]').fill('CVE-2026-0001');
    await page.locator('#advisory-form button[type=submit]').click();
    await page.locator('#advisory', { hasText: 'CVE-2026-0001' }).waitFor();
    await page.locator('#publish').click();
    await page.locator('#advisory-status', { hasText: 'PUBLISHED' }).waitFor();
    await env.shot(page, 'advisory');
    await page.goto(`${env.base}#/admin/organisations`);
    await page.locator('tr.org', { hasText: 'MOF-TAX' }).click();
    await page.locator('#org', { hasText: 'ES256' }).waitFor();
    await page.goto(`${env.base}#/admin/audit`);
    await page.locator('main td', { hasText: 'advisory.publish' }).first().waitFor();
    await env.shot(page, 'audit');
  });
});
