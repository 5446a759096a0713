import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, Query, Resolver } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authChecker } from '../src/auth/roles';
import { assertRolesDeclared, createSchema, printSdl } from '../src/schema';
import { startTestApp, type TestApp } from './support/app';

describe('committed artefacts', () => {
  it('schema/schema.graphql matches the schema the code builds (run `npm run schema` after changing types)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printSdl(await createSchema())).toBe(committed);
  });

  describe('migrations', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(() => app?.close());

    it('bring the database exactly to what the entities describe (generate a migration after changing an entity)', async () => {
      const pending = await app.db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('include the hand-written GiST inet indexes', async () => {
      const rows: { indexname: string; indexdef: string }[] = await app.db.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('ix_observables_net', 'ix_asset_ranges_cidr') ORDER BY indexname`,
      );
      expect(rows.map((r) => r.indexname)).toEqual(['ix_asset_ranges_cidr', 'ix_observables_net']);
      for (const r of rows) expect(r.indexdef).toMatch(/USING gist .*inet_ops/);
    });
  });
});

@Resolver()
class UndeclaredProbeResolver {
  @Query(() => String)
  undeclaredProbe(): string {
    return 'should never be served';
  }
}

describe('access declarations', () => {
  it('building a schema fails when a root field declares no roles', async () => {
    const schema = await buildSchema({ resolvers: [UndeclaredProbeResolver], authChecker, validate: false });
    expect(() => assertRolesDeclared(schema)).toThrow(/Root fields without declared roles \(use @Requires\): Query\.undeclaredProbe/);
  });

  it('every root field of the real schema declares its roles', async () => {
    await expect(createSchema()).resolves.toBeDefined();
  });
});
