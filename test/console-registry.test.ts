// The ministry platform in the console: an agency registers a system and submits its safety-level dossier, the
// ministry above it approves it from its review queue; two agencies never see each other's systems or incidents,
// in a list, by a link, or among the unmet requirements. Any browser console error fails a test.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Role } from '../src/common/enums';
import { describeConsole } from './support/console';
import { approvedRanges, registerSystem } from './support/registry';

describeConsole('web console: information systems and dossiers', (env) => {
  it('an agency submits a dossier and the ministry above it approves it from its review queue', async () => {
    const { app, c } = env;
    await approvedRanges(app, await c.mofTax.token([Role.REPORTER]), await c.vncert.token([Role.ADMIN]), 'MOF-TAX', ['10.20.0.0/16']);

    const owner = await env.signedIn('MOF-TAX', ['REPORTER'], 'tax.it');
    await owner.page.locator('nav a[data-page=systems]').click();
    await owner.page.locator('#new-system').click();
    const reg = owner.page.locator('#register-system');
    await reg.locator('input[name=name]').fill('e-Tax portal');
    await reg.locator('select[name=level]').selectOption('3');
    await reg.locator('input[name=purpose]').fill('Online tax filing');
    await reg.locator('textarea[name=ranges]').fill('10.20.1.0/24');
    await reg.locator('button[type=submit]').click();
    await owner.page.locator('#system-status', { hasText: 'NOT_SUBMITTED' }).waitFor();
    const systemId = await owner.page.locator('#system').getAttribute('data-id');

    const form = owner.page.locator('#dossier-form');
    await form.locator('select[name=level]').selectOption('3');
    await form.locator('textarea[name=description]').fill('Level 3 case for the e-Tax portal');
    await form.locator('textarea[name=measures]').fill('WAF in front of the portal\nQuarterly penetration test');
    const evidence = path.join(env.keys, 'pentest-report.txt');
    fs.writeFileSync(evidence, 'No critical findings.\n');
    await form.locator('input[name=attachments]').setInputFiles(evidence);
    await form.locator('button[type=submit]').click();
    await owner.page.locator('#dossier-status', { hasText: 'SUBMITTED' }).waitFor();
    await owner.page.locator('#dossier', { hasText: 'pentest-report.txt' }).waitFor();
    // The owner is not its own reviewer: no approve button for it.
    expect(await owner.page.locator('#approve-dossier').count()).toBe(0);

    const reviewer = await env.signedIn('MOF', ['ANALYST'], 'mof.reviewer');
    await reviewer.page.locator('nav a[data-page=systems]').click();
    await reviewer.page.locator('nav.tabs a[data-tab=review]').click();
    await reviewer.page.locator('#review-dossiers tr.dossier', { hasText: 'e-Tax portal' }).click();
    await reviewer.page.locator('#dossier', { hasText: 'WAF in front of the portal' }).waitFor();
    await env.shot(reviewer.page, 'dossier-review');
    await reviewer.page.locator('#review-actions textarea[name=comments]').fill('Measures sufficient for level 3');
    await reviewer.page.locator('#approve-dossier').click();
    await reviewer.page.locator('#dossier-status', { hasText: 'APPROVED' }).waitFor();
    const history = await reviewer.page.locator('#dossier-history li').allTextContents();
    expect(history.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/MOF-TAX\/tax\.it: SUBMITTED v1 · Level 3/),
      expect.stringMatching(/MOF\/mof\.reviewer: APPROVED v1 .*Measures sufficient for level 3/),
    ]);
    // The queue is empty again, and the owner now reads its system as approved at level 3.
    await reviewer.page.locator('nav.tabs a[data-tab=review]').click();
    await reviewer.page.locator('#review-dossiers .pager .total', { hasText: '0' }).waitFor();
    await owner.page.goto(`${env.base}#/systems/s/${systemId}`);
    await owner.page.locator('#system-status', { hasText: 'APPROVED' }).waitFor();
    await expect(owner.page.locator('#approved-level').textContent()).resolves.toBe('3');
    await owner.page.locator('nav.tabs a[data-tab=list]').click();
    await owner.page.locator('#systems tr.system', { hasText: 'e-Tax portal' }).waitFor();
    await env.shot(owner.page, 'systems');
    await owner.page.goto(`${env.base}#/systems/s/${systemId}`);
    await owner.page.locator('#checklist tr.unmet').first().waitFor();
    await env.shot(owner.page, 'system');
  });

  it('two agencies never see each other\'s systems, unmet requirements or incidents', async () => {
    const { app, c } = env;
    const vncertAdmin = await c.vncert.token([Role.ADMIN]);
    await approvedRanges(app, await c.danang.token([Role.ADMIN]), vncertAdmin, 'DANANG', ['100.64.0.0/16']);
    await approvedRanges(app, await c.mofTax.token([Role.REPORTER]), vncertAdmin, 'MOF-TAX', ['10.20.0.0/16']);
    const danangSys = await registerSystem(app, await c.danang.token([Role.ADMIN]), { name: 'Danang e-Government', proposedLevel: 2, ranges: ['100.64.1.0/24'] });
    const taxSys = await registerSystem(app, await c.mofTax.token([Role.REPORTER]), { name: 'Customs link', proposedLevel: 2, ranges: ['10.20.2.0/24'] });
    const report = `mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }`;
    for (const [org, title] of [[c.danang, 'Defacement of the Danang portal'], [c.mofTax, 'Phishing at the tax department']] as const) {
      const res = await app.gql(await org.token([Role.REPORTER]), report, { i: { title, category: 'OTHER', severity: 'MEDIUM', tlp: 'AMBER' } });
      expect(res.body.errors).toBeUndefined();
    }

    for (const [code, roles, own, other, otherId, otherIncident] of [
      ['DANANG', ['ADMIN'], 'Danang e-Government', 'Customs link', taxSys.id, 'Phishing at the tax department'],
      ['MOF-TAX', ['REPORTER'], 'Customs link', 'Danang e-Government', danangSys.id, 'Defacement of the Danang portal'],
    ] as const) {
      const { page } = await env.signedIn(code, [...roles]);
      await page.locator('nav a[data-page=systems]').click();
      await page.locator('#systems tr.system', { hasText: own }).waitFor();
      expect(await page.locator('#systems tr.system', { hasText: other }).count(), code).toBe(0);
      const owners = await page.locator('#systems tr.system td:nth-child(2)').allTextContents();
      expect(new Set(owners), code).toEqual(new Set([code]));
      await page.goto(`${env.base}#/systems/s/${otherId}`);
      await page.locator('#not-found').waitFor();

      await page.goto(`${env.base}#/systems/unmet`);
      await page.locator('#unmet tr.unmet-row', { hasText: own }).first().waitFor();
      expect(await page.locator('#unmet').textContent(), code).not.toContain(other);

      await page.locator('nav a[data-page=incidents]').click();
      await page.locator('tr.incident').first().waitFor();
      const authors = await page.locator('tr.incident td:nth-child(6)').allTextContents();
      expect(new Set(authors), code).toEqual(new Set([code]));
      expect(await page.locator('main').textContent(), code).not.toContain(otherIncident);
    }
  });

  it('a dossier returned with comments is revised by its owner, then withdrawn', async () => {
    const { app, c } = env;
    await approvedRanges(app, await c.danang.token([Role.ADMIN]), await c.vncert.token([Role.ADMIN]), 'DANANG', ['100.65.0.0/16']);
    const sys = await registerSystem(app, await c.danang.token([Role.ADMIN]), { name: 'Danang citizen portal', proposedLevel: 2, ranges: ['100.65.1.0/24'] });
    const owner = await env.signedIn('DANANG', ['ADMIN'], 'danang.it');
    await owner.page.goto(`${env.base}#/systems/s/${sys.id}`);
    await owner.page.locator('#dossier-form textarea[name=description]').fill('First attempt');
    await owner.page.locator('#dossier-form button[type=submit]').click();
    await owner.page.locator('#dossier-status', { hasText: 'SUBMITTED' }).waitFor();
    const dossierId = await owner.page.locator('#dossier').getAttribute('data-id');

    // A province has no parent: a coordinator reviews it.
    const reviewer = await env.signedIn('VNCERT', ['ANALYST'], 'vncert.reviewer');
    await reviewer.page.goto(`${env.base}#/systems/review`);
    await reviewer.page.locator(`#review-dossiers tr.dossier[data-id="${dossierId}"]`).click();
    await reviewer.page.locator('#review-actions textarea[name=comments]').fill('Describe the backup procedure');
    await reviewer.page.locator('#return-dossier').click();
    await reviewer.page.locator('#dossier-status', { hasText: 'RETURNED' }).waitFor();

    // (A reload would forget the key: the owner goes back through the system to its current dossier.)
    await owner.page.goto(`${env.base}#/systems/s/${sys.id}`);
    await owner.page.locator('#current-dossier', { hasText: 'RETURNED' }).click();
    await owner.page.locator('#dossier', { hasText: 'Describe the backup procedure' }).waitFor();
    await owner.page.locator('#dossier-form textarea[name=description]').fill('Second attempt, with the backup procedure');
    await owner.page.locator('#dossier-form button[type=submit]').click();
    await owner.page.locator('#dossier-status', { hasText: 'SUBMITTED' }).waitFor();
    await owner.page.locator('#dossier h3', { hasText: 'v2' }).waitFor();
    await owner.page.locator('#withdraw-dossier input[name=reason]').fill('System being replaced');
    await owner.page.locator('#withdraw-dossier button[type=submit]').click();
    await owner.page.locator('#dossier-status', { hasText: 'WITHDRAWN' }).waitFor();
    const kinds = (await owner.page.locator('#dossier-history li').allTextContents()).map((l) => l.match(/: ([A-Z]+) v\d/)?.[1]);
    expect(kinds).toEqual(['SUBMITTED', 'RETURNED', 'REVISED', 'WITHDRAWN']);
  });
});
