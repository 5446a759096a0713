import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { OrgFixture } from './fixtures';

/** The system's Chromium (Debian's `chromium` package), or CHROMIUM_PATH; undefined when neither is there. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, 'chromium', 'chromium-browser', 'google-chrome'].filter(Boolean) as string[];
  for (const c of candidates) {
    if (path.isAbsolute(c)) {
      if (fs.existsSync(c)) return c;
      continue;
    }
    try {
      return execFileSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

export async function launch(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page that records every browser console error, uncaught exception and dialog (a fired XSS payload would open one). */
export async function openPage(browser: Browser, locale = 'en-GB'): Promise<{ page: Page; problems: string[]; urls: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const urls: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  return { page, problems, urls, close: () => context.close() };
}

/** Writes each organisation's private JWK to `<dir>/<CODE>.jwk`, as an organisation keeps it on disk. */
export function writeKeys(orgs: OrgFixture[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-console-keys-'));
  for (const o of orgs) fs.writeFileSync(path.join(dir, `${o.code}.jwk`), JSON.stringify(o.key), { mode: 0o600 });
  return dir;
}

/** Signs in through the form: the key file goes through the file input, roles are ticked. */
export async function signIn(page: Page, base: string, keyDir: string, code: string, roles: string[], sub = `${code.toLowerCase()}-user`): Promise<void> {
  await page.goto(base);
  await page.locator('input[name=jwk]').setInputFiles(path.join(keyDir, `${code}.jwk`));
  // The console reads the file asynchronously, then fills the organisation from the file's name. Typing before that
  // raced it: fill() selects the field's text, then inserts the code in a second step, and a re-render that sets the
  // value in between moves the caret to the end, so the code is appended to itself. Two fresh-clone CI runs failed
  // with the server's "unknown issuer" at sign-in, for organisations that existed; the failure names the value now.
  await page.waitForFunction(`document.querySelector('input[name=org]')?.value !== ''`);
  await page.locator('input[name=org]').fill(code);
  await page.locator('input[name=sub]').fill(sub);
  for (const box of await page.locator('input[name=role]').all()) {
    const want = roles.includes(await box.getAttribute('value') ?? '');
    if ((await box.isChecked()) !== want) await box.click();
  }
  const org = await page.locator('input[name=org]').inputValue();
  await page.locator('#signin button[type=submit]').click();
  try {
    await page.locator('#who', { hasText: `@ ${code}` }).waitFor();
  } catch (err) {
    // Say what the page said (the server's reason for a refusal), not only that it timed out.
    const shown = await page.locator('[role=alert]').allTextContents().catch(() => []);
    throw new Error(`signing in as ${code} (${roles.join(', ')}) failed with organisation ${JSON.stringify(org)}; the page shows: ${JSON.stringify(shown)}; ${(err as Error).message}`);
  }
}
