import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/api/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { withDatabase } from '../support/global-setup';

export interface BenchDatabase {
  /** Set when no DATABASE_URL was given and the benchmark started its own cluster. */
  embedded?: EmbeddedDatabase;
  pgDir?: string;
  admin: Client;
  dbUrl: string;
  db: DataSource;
}

/**
 * A fresh, migrated scratch database: on DATABASE_URL's server when set,
 * else on an embedded PostgreSQL started in `pgDir()`. The caller drops it
 * (through `admin`) and stops `embedded` when done.
 */
export async function openBenchDatabase(pgDir: () => string, dbName: string, poolSize: number): Promise<BenchDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = pgDir();
    // As the figures in docs/benchmarks.md were taken: fsync off, like the test harness (a server keeps it on).
    // BENCH_PG_SETTINGS: more settings, space-separated (e.g. shared_preload_libraries=pg_stat_statements pg_stat_statements.track=all).
    const settings = process.env.BENCH_PG_SETTINGS?.split(/\s+/).filter(Boolean);
    embedded = await startEmbeddedPostgres(dir, undefined, { fsync: false, settings });
    adminUrl = embedded.url;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = withDatabase(adminUrl, dbName);
  const db = createDataSource(dbUrl, { poolSize, applicationName: 'threatfed-bench' });
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  return { embedded, pgDir: dir, admin, dbUrl, db };
}
