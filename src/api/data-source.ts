import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { installTypeParsers } from '../db/pg-types';
import { ENTITIES } from './entities';

/** The one way the app, the CLI and the tests build a data source. The schema only ever comes from migrations. */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  installTypeParsers();
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    poolSize: opts.poolSize ?? 10,
    applicationName: opts.applicationName ?? 'threatfed',
    // No JIT: our statements are short, and at the national data set their cost estimates passed the JIT thresholds,
    // so a 5,000-item ingest's warnings statement spent 540 ms of its 700 compiling (EXPLAIN ANALYZE, PostgreSQL 15).
    extra: { options: '-c jit=off' },
  });
}
