// The statistics and ranking charts in Chromium: with provinces that have systems, approvals, exposures, incidents
// and checklist lines, every chart draws bars (SVG rectangles with a real size on screen) with its table beside it,
// the figures follow the grouping, and an approval made elsewhere shows up live. Any browser console error fails.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { OrgKind, Role } from '../src/common/enums';
import { describeConsole, SHOTS } from './support/console';
import { createOrg } from './support/fixtures';
import { approvedRanges, ok, RECORD, registerSystem, requirementIds, reviewDossier, submitDossier } from './support/registry';

const CHARTS = ['chart-coverage', 'chart-exposure', 'chart-incidents', 'chart-requirements', 'chart-unmet', 'chart-ranking'];

/** The bars a chart drew, as the browser laid them out: each one's on-screen width and height. */
async function drawnBars(page: Page, id: string): Promise<{ w: number; h: number }[]> {
  return page.evaluate(`[...document.querySelectorAll('#${id} svg.bars rect.bar')].map((r) => { const b = r.getBoundingClientRect(); return { w: b.width, h: b.height }; })`);
}

describeConsole('web console: statistics and ranking charts', (env) => {
  it('draws every chart with its table, follows the grouping, and updates live', async () => {
    const { app, c } = env;
    const vncertAdmin = await c.vncert.token([Role.ADMIN]);
    const vncertAnalyst = await c.vncert.token([Role.ANALYST]);
    const hanoi = await createOrg(app, { code: 'HANOI', kind: OrgKind.PROVINCE, region: 'Hà Nội' });
    const hcmc = await createOrg(app, { code: 'HCMC', kind: OrgKind.PROVINCE, region: 'TP. Hồ Chí Minh' });
    const req = await requirementIds(app, vncertAnalyst);
    const pending: string[] = [];
    for (const [org, net, count, approve] of [[hanoi, '100.70', 3, 2], [hcmc, '100.71', 2, 0]] as const) {
      const admin = await org.token([Role.ADMIN]);
      await approvedRanges(app, admin, vncertAdmin, org.code, [`${net}.0.0/16`]);
      for (let i = 0; i < count; i++) {
        const sys = await registerSystem(app, admin, { name: `${org.code} portal ${i + 1}`, proposedLevel: 2, ranges: [`${net}.${i}.0/24`] });
        const dossier = await submitDossier(app, admin, sys.id);
        if (i < approve) await reviewDossier(app, vncertAnalyst, dossier.id, true);
        else pending.push(dossier.id);
        if (i === 0) ok(await app.gql(admin, RECORD, { s: sys.id, items: [{ requirementId: req.R01, met: true }, { requirementId: req.R03, met: true, evidence: 'firewall' }] }), 'recordRequirementStatus');
      }
      await app.gql(admin, 'mutation($i: IncidentInput!) { reportIncident(input: $i) { id } }', { i: { title: `${org.code} defacement`, category: 'DEFACEMENT', severity: 'HIGH', tlp: 'AMBER' } });
    }
    // Indicators inside the provinces' approved ranges raise EXPOSURE warnings; one is revoked (remediated).
    const bkav = await c.bkav.token([Role.CONTRIBUTOR]);
    const posted = ok<{ results: { indicator: { id: string } }[] }>(await app.gql(bkav, 'mutation($i: [IndicatorInput!]!) { submitIndicators(input: $i) { results { indicator { id } } } }', {
      i: ['100.70.0.9', '100.70.1.9', '100.71.0.9'].map((value) => ({ type: 'IPV4', value, severity: 'HIGH', tlp: 'GREEN', threatTypes: ['BOTNET'] })),
    }), 'submitIndicators');
    ok(await app.gql(bkav, 'mutation($id: ID!) { revokeIndicator(id: $id, reason: "cleaned") { id } }', { id: posted.results[0].indicator.id }), 'revokeIndicator');

    const { page } = await env.signedIn('VNCERT', ['ANALYST']);
    await page.locator('nav a[data-page=statistics]').click();
    await page.locator('#chart-ranking .chart-table tr.rank-row').first().waitFor();
    await page.locator('#chart-coverage svg.bars rect.bar').first().waitFor();
    for (const id of CHARTS) {
      const bars = await drawnBars(page, id);
      expect(bars.filter((b) => b.w >= 1 && b.h >= 1).length, id).toBeGreaterThan(0);
      expect(await page.locator(`#${id} .chart-table tbody tr`).count(), id).toBeGreaterThan(0);
    }
    // Grouped by region (the default; the server keeps regions in lower case): each bar with its table row.
    await page.locator('#chart-coverage .chart-table tr', { hasText: 'Hà Nội' }).waitFor();
    expect(await page.locator('#chart-coverage .chart-table tr', { hasText: 'Hà Nội' }).textContent()).toMatch(/^hà nội\s*23(66[.,]7|67)\s*%$/);
    expect(await page.locator('#chart-coverage svg text.label').allTextContents()).toEqual(expect.arrayContaining(['hà nội', 'tp. hồ chí minh']));
    await page.locator('#stats-live').waitFor();
    await env.shot(page, 'statistics');

    await page.locator('#statistics select[name=groupBy]').selectOption('ORGANIZATION');
    await page.locator('#chart-coverage svg text.label', { hasText: 'HCMC' }).waitFor();
    const hcmcRow = page.locator('#chart-coverage .chart-table tr', { hasText: 'HCMC' });
    expect((await hcmcRow.textContent())?.replace(/\s+/g, '')).toBe('HCMC020%');
    expect((await drawnBars(page, 'chart-exposure')).some((b) => b.w >= 1), 'exposure by organisation').toBe(true);

    // An approval made elsewhere reaches the open page through the statistics subscription, without a reload.
    await page.locator('#stats-live').waitFor();
    await reviewDossier(app, vncertAnalyst, pending[1], true); // HCMC portal 1
    await page.locator('#chart-coverage .chart-table tr', { hasText: 'HCMC' }).filter({ hasText: '50' }).waitFor({ timeout: 15_000 });

    await page.locator('#ranking select[name=kind]').selectOption('PROVINCE');
    // Only organisations with systems in operation are ranked; HANOI (3 of 3 approved) ahead of HCMC (1 of 2).
    await expect.poll(() => page.locator('#chart-ranking .chart-table tr.rank-row td:nth-child(2)').allTextContents()).toEqual(['HANOI', 'HCMC']);
    expect(await page.locator('#chart-ranking svg text.label').allTextContents()).toEqual(['1. HANOI', '2. HCMC']);
    await page.locator('#ranking').screenshot({ path: path.join(SHOTS, 'ranking.png') });

    // A coordinator ANALYST publishes the ranking; a province in the audience reads the frozen snapshot as a chart.
    const publish = page.locator('#publish-ranking');
    await publish.locator('input[name=title]').fill('Provinces, December');
    await publish.locator('select[name=kinds]').selectOption('PROVINCE');
    await publish.locator('button[type=submit]').click();
    await page.locator('#chart-snapshot svg text.label', { hasText: 'HANOI' }).waitFor();
    const danang = await env.signedIn('DANANG', ['VIEWER']);
    await danang.page.locator('nav a[data-page=statistics]').click();
    expect(await danang.page.locator('#publish-ranking').count()).toBe(0);
    await danang.page.locator('tr.snapshot', { hasText: 'Provinces, December' }).click();
    await expect.poll(() => danang.page.locator('#chart-snapshot .chart-table tr.snapshot-row td:nth-child(2)').allTextContents()).toEqual(['HANOI', 'HCMC']);
    expect((await drawnBars(danang.page, 'chart-snapshot')).filter((b) => b.w >= 1)).toHaveLength(2);
    await danang.page.locator('#published-rankings').screenshot({ path: path.join(SHOTS, 'ranking-published.png') });

    // In Vietnamese: the captions and legends change, the figures stay.
    await page.locator('#lang').selectOption('vi');
    await page.locator('#chart-coverage figcaption', { hasText: 'Tỷ lệ được phê duyệt' }).waitFor();
    await page.locator('#chart-exposure .legend', { hasText: 'đã khắc phục' }).waitFor();
    await page.locator('#chart-coverage').screenshot({ path: path.join(SHOTS, 'statistics-vi.png') });
  });
});
