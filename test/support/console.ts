import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { startTestApp, type TestApp } from './app';
import { findChromium, launch, openPage, signIn, writeKeys } from './browser';
import { community, type Community } from './fixtures';

export const CHROMIUM = findChromium();
export const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? path.join(os.tmpdir(), 'threatfed-console-screenshots');

type Opened = Awaited<ReturnType<typeof openPage>>;

/** What a console test file works with: a server, the standard community, a browser, the key files. */
export interface ConsoleEnv {
  app: TestApp;
  c: Community;
  browser: Browser;
  keys: string;
  base: string;
  /** A page in a fresh browser context; any console error, uncaught exception or dialog on it fails the test. */
  newPage(locale?: string): Promise<Opened>;
  /** A page signed in as `code` with `roles`. */
  signedIn(code: string, roles: string[], sub?: string): Promise<Opened>;
  shot(page: Page, name: string): Promise<unknown>;
}

/**
 * A describe block for the console in the system's Chromium, skipped (and saying so) without one. Each file gets its
 * own server and database, so the files run in parallel.
 */
export function describeConsole(name: string, body: (env: ConsoleEnv) => void): void {
  if (!CHROMIUM)
    process.stderr.write(`\n[${name}] SKIPPED: no Chromium found (install Debian's \`chromium\` package: apt-get install -y chromium, or set CHROMIUM_PATH)\n\n`);
  describe.skipIf(!CHROMIUM)(name, { timeout: 120_000 }, () => {
    const open: Opened[] = [];
    const env = {
      newPage: async (locale?: string) => {
        const p = await openPage(env.browser, locale);
        open.push(p);
        return p;
      },
      signedIn: async (code: string, roles: string[], sub?: string) => {
        const p = await env.newPage();
        await signIn(p.page, env.base, env.keys, code, roles, sub);
        return p;
      },
      shot: (page: Page, file: string) => page.screenshot({ path: path.join(SHOTS, `${file}.png`), fullPage: true }),
    } as ConsoleEnv;
    beforeAll(async () => {
      env.app = await startTestApp();
      env.c = await community(env.app);
      const c = env.c;
      env.keys = writeKeys([c.vncert, c.bkav, c.viettel, c.mof, c.mofTax, c.danang]);
      env.base = env.app.url.replace(/\/graphql$/, '/');
      env.browser = await launch(CHROMIUM!);
      fs.mkdirSync(SHOTS, { recursive: true });
      process.stdout.write(`[${name}] screenshots: ${SHOTS}\n`);
    });
    afterAll(async () => {
      await env.browser?.close();
      await env.app?.close();
      if (env.keys) fs.rmSync(env.keys, { recursive: true, force: true });
    });
    afterEach(async () => {
      const pages = open.splice(0);
      const problems = pages.flatMap((p) => p.problems);
      await Promise.all(pages.map((p) => p.close()));
      expect(problems).toEqual([]);
    });
    body(env);
  });
}
