import path from 'node:path';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

/** Compiled migrations live beside the compiled sources (dist/migrations) or, under vitest, in ./migrations. */
const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.{js,ts}');

/** The one way the app, the CLI and the tests build a data source. The schema only ever comes from migrations. */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize: opts.poolSize ?? 10,
    applicationName: opts.applicationName ?? 'threatfed',
  });
}
