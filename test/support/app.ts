import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { inject } from 'vitest';
import { createDataSource } from '../../src/api/data-source';
import { startServer, type RunningServer } from '../../src/api/server';
import { createServices, type Services } from '../../src/api/services';
import { withDatabase } from './global-setup';

export const AUDIENCE = 'threatfed';
export const MAX_LIFETIME = 3600;

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface TestApp {
  url: string;
  dbUrl: string;
  db: DataSource;
  services: Services;
  server: RunningServer;
  /** POSTs one operation with a bearer token, as any client would. */
  gql<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

/** A database cloned from the migrated template, and a real HTTP server over it: one per test file. */
export interface AppOptions {
  isDev?: boolean;
  /** Serve /metrics on its own listener (0: a free port). */
  metricsPort?: number;
  /** Prune the audit log past this many seconds, at start-up and hourly (off unless given). */
  auditRetentionS?: number;
  /** graphql-ws keep-alive: a client that answers no ping for twice this long is dropped (default 12 s). */
  wsKeepAliveMs?: number;
}

export async function startTestApp(opts: AppOptions = {}): Promise<TestApp> {
  const adminUrl = inject('adminUrl');
  const name = `tf_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDb')}"`);
  await admin.end();
  return startAppOn(withDatabase(adminUrl, name), opts);
}

/** The app over an existing, migrated database. */
export async function startAppOn(dbUrl: string, opts: AppOptions = {}): Promise<TestApp> {
  const db = createDataSource(dbUrl, { poolSize: 5 });
  await db.initialize();
  const services = createServices(db, { tokenAudience: AUDIENCE, tokenMaxLifetime: MAX_LIFETIME });
  const server = await startServer({ host: '127.0.0.1', port: 0, isDev: opts.isDev ?? false, metricsPort: opts.metricsPort, auditRetentionS: opts.auditRetentionS }, services, { wsKeepAliveMs: opts.wsKeepAliveMs });
  return {
    url: server.url,
    dbUrl,
    db,
    services,
    server,
    async gql<T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResponse<T>['body'] };
    },
    async close() {
      await server.close();
      await db.destroy();
    },
  };
}
