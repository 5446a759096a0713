import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { logger } from '../common/logger';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded';

export interface Database {
  db: DataSource;
  embedded?: EmbeddedDatabase;
  /** Names of the migrations this call applied. */
  applied: string[];
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL or, when unset, to an embedded PostgreSQL under
 * DATA_DIR; applies pending migrations. With `attach`, an embedded cluster
 * that another live process (a running server) already runs is used as it
 * is, and left running on close; without it, that is an error.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  opts: { migrate?: boolean; attach?: boolean } = {},
): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const dir = path.join(config.dataDir, 'pg');
    logger.info('starting embedded PostgreSQL', { dir });
    const port = await embeddedPort(config.dataDir);
    try {
      embedded = await startEmbeddedPostgres(dir, port, { attach: opts.attach });
    } catch (err) {
      if (err instanceof Error && err.message.includes(`port ${port} on 127.0.0.1 is taken`)) {
        err.message += `\n(the port comes from ${path.join(config.dataDir, 'pg-port')}: free it, or delete that file to have a free one chosen)`;
      }
      throw err;
    }
    url = embedded.url;
  }
  const db = createDataSource(url);
  let applied: string[] = [];
  try {
    await db.initialize();
    if (opts.migrate !== false) {
      applied = (await db.runMigrations({ transaction: 'each' })).map((m) => m.name);
      if (applied.length) logger.info('migrations applied', { migrations: applied });
    }
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    db,
    embedded,
    applied,
    close: async () => {
      if (db.isInitialized) await db.destroy();
      await embedded?.stop();
    },
  };
}

/** The embedded cluster keeps its port across runs (stored beside it) so a second start finds it the same way. */
async function embeddedPort(dataDir: string): Promise<number> {
  const file = path.join(dataDir, 'pg-port');
  if (fs.existsSync(file)) {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(n) && n > 0) return n;
  }
  const port = await freePort();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, String(port));
  return port;
}
