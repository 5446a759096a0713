// Actions of the console in Chromium beyond the main flows: administration (a sharing group, registering and
// revoking a signing key, the audit log listing them), an incident's notes and assignment, withdrawing a published
// advisory. Each is checked in the page and against the API. Any browser console error fails a test.
import { expect, it } from 'vitest';
import { generateSigningKey } from '../src/auth/keys';
import { Role } from '../src/common/enums';
import { describeConsole } from './support/console';
import { ok } from './support/registry';

describeConsole('web console: administration, incident notes, advisory withdrawal', (env) => {
  it('creates a sharing group, registers and revokes a signing key, and lists both in the audit log', async () => {
    const { page } = await env.signedIn('VNCERT', ['ADMIN'], 'vncert.admin');
    await page.goto(`${env.base}#/admin/groups`);
    await page.locator('#create-group input[name=name]').fill('Finance ISAC');
    await page.locator('#create-group input[name=members]').fill('MOF, MOF-TAX');
    await page.locator('#create-group button[type=submit]').click();
    await page.locator('#create-group .ok').waitFor();

    const { publicJwk } = await generateSigningKey('BKAV');
    await page.goto(`${env.base}#/admin/organisations/BKAV`);
    await page.locator('#org', { hasText: 'ES256' }).waitFor();
    await page.locator('#org textarea[name=jwk]').fill(JSON.stringify(publicJwk));
    await page.locator('#org form', { has: page.locator('textarea[name=jwk]') }).locator('button[type=submit]').click();
    const row = page.locator('#org tr', { hasText: publicJwk.kid! });
    await row.filter({ hasText: 'ACTIVE' }).waitFor();
    await row.locator('button').click();
    await row.filter({ hasText: 'REVOKED' }).waitFor();
    const keys = ok<{ signingKeys: { kid: string; status: string }[] }>(
      await env.app.gql(await env.c.vncert.token([Role.ADMIN]), '{ organization(code: "BKAV") { signingKeys { kid status } } }'),
      'organization',
    );
    expect(keys.signingKeys.find((k) => k.kid === publicJwk.kid)?.status).toBe('REVOKED');

    await page.goto(`${env.base}#/admin/audit`);
    await page.locator('#audit-filter input[name=organization]').fill('VNCERT');
    await page.locator('#audit-filter button[type=submit]').click();
    for (const action of ['sharingGroup.create', 'signingKey.register', 'signingKey.revoke'])
      await page.locator('main tr', { hasText: action }).filter({ hasText: 'vncert.admin' }).first().waitFor();
    await env.shot(page, 'admin-audit');
  });

  it('adds a note to an incident and assigns it, shown in its timeline', async () => {
    const { app, c } = env;
    const reported = ok<{ id: string }>(
      await app.gql(await c.mofTax.token([Role.REPORTER]), 'mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }', {
        i: { title: 'Suspicious logins on the mail server', category: 'ACCOUNT_COMPROMISE', severity: 'HIGH', tlp: 'AMBER' },
      }),
      'reportIncident',
    );
    const { page } = await env.signedIn('VNCERT', ['ANALYST'], 'duty.analyst');
    await page.goto(`${env.base}#/incidents/${reported.id}`);
    await page.locator('#incident-status', { hasText: 'REPORTED' }).waitFor();
    await page.locator('#status-actions textarea[name=note]').fill('Called the duty officer at MOF-TAX');
    await page.locator('#add-note').click();
    await page.locator('#timeline li', { hasText: 'Called the duty officer at MOF-TAX' }).waitFor();
    await page.locator('#status-actions input[name=assignee]').fill('an.nguyen');
    await page.locator('#status-actions button', { hasText: 'Assign' }).click();
    await page.locator('#incident', { hasText: 'Assignee: an.nguyen' }).waitFor();
    // The status did not move, and the API agrees with the page.
    await expect(page.locator('#incident-status').textContent()).resolves.toBe('REPORTED');
    const inc = ok<any>(await app.gql(await c.mofTax.token([Role.VIEWER]), 'query($id: ID!) { incident(id: $id) { assignee timeline { kind note actorSubject } } }', { id: reported.id }), 'incident');
    expect(inc.assignee).toBe('an.nguyen');
    expect(inc.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ note: 'Called the duty officer at MOF-TAX', actorSubject: 'duty.analyst' })]));
  });

  it('withdraws a published advisory with a reason', async () => {
    const { app, c } = env;
    const analyst = await c.vncert.token([Role.ANALYST]);
    const created = ok<{ id: string }>(
      await app.gql(analyst, 'mutation($i: AdvisoryInput!) { createAdvisory(input: $i) { id } }', { i: { title: 'Disable legacy TLS', summary: 'Turn off TLS 1.0', severity: 'MEDIUM', tlp: 'GREEN' } }),
      'createAdvisory',
    );
    ok(await app.gql(analyst, 'mutation($id: ID!) { publishAdvisory(id: $id) { id } }', { id: created.id }), 'publishAdvisory');
    const { page } = await env.signedIn('VNCERT', ['ANALYST']);
    await page.locator('nav a[data-page=advisories]').click();
    await page.locator(`tr.advisory[data-id="${created.id}"]`).click();
    await page.locator('#advisory-status', { hasText: 'PUBLISHED' }).waitFor();
    await page.locator('#advisory input[name=reason]').fill('Superseded by the vendor fix');
    await page.locator('#advisory button', { hasText: 'Withdraw' }).click();
    await page.locator('#advisory-status', { hasText: 'WITHDRAWN' }).waitFor();
    await page.locator('#advisory .error', { hasText: 'Superseded by the vendor fix' }).waitFor();
    expect(await page.locator('#publish').count()).toBe(0);
    await page.goto(`${env.base}#/advisories`);
    await page.locator('#page select[name=status]').selectOption('WITHDRAWN');
    await page.locator(`tr.advisory[data-id="${created.id}"]`).waitFor();
  });
});
