import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';

/**
 * The console's policy: scripts and styles from this origin only (no inline script, no eval), API calls to this
 * origin (HTTP and graphql-ws), no framing, no plugins, forms post nowhere else.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Where `npm run build` puts the bundle, from src/api (vitest) or dist/src/api (node). */
export function consoleDir(): string | undefined {
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(__dirname, up, 'console/dist');
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  next();
}

/**
 * Serves the console at `/` and its public settings at /console/config.json: the token audience and which optional
 * parts of the API (the ministry platform) this server's schema has, so the console can show what is missing.
 */
export function mountConsole(app: Express, schema: GraphQLSchema, audience: string): void {
  const features = { ministry: schema.getType('InformationSystem') != null };
  app.get('/console/config.json', securityHeaders, (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ audience, features });
  });
  const dir = consoleDir();
  if (!dir) {
    app.get('/', securityHeaders, (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('The console is not built: run `npm run build`.\n');
    });
    return;
  }
  app.use('/', securityHeaders, express.static(dir, { index: 'index.html', redirect: false, fallthrough: true }));
}
