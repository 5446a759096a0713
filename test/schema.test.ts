import fs from 'node:fs';
import path from 'node:path';
import { Query, Resolver, Root, Subscription } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Requires } from '../src/auth/roles';
import { createSchema, printSdl } from '../src/api/schema';
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

// The shape of the real warnings API: a query and a subscription with one field name.
@Resolver()
class DeclaredQueryProbe {
  @Requires('read')
  @Query(() => String)
  probeWarnings(): string {
    return 'declared';
  }
}

@Resolver()
class UndeclaredSubscriptionProbe {
  @Subscription(() => String, { subscribe: async function* () {} })
  probeWarnings(@Root() event: string): string {
    return event;
  }
}

describe('access declarations', () => {
  it('building a schema fails when a root field declares no action', async () => {
    await expect(createSchema(undefined, [UndeclaredProbeResolver])).rejects.toThrow(
      /Root fields without a declared action \(use @Requires\): Query\.undeclaredProbe/,
    );
  });

  it('is keyed by Type.field: a declared query does not cover an undeclared subscription of the same name', async () => {
    await expect(createSchema(undefined, [DeclaredQueryProbe, UndeclaredSubscriptionProbe])).rejects.toThrow(
      /without a declared action \(use @Requires\): Subscription\.probeWarnings$/,
    );
    await expect(createSchema(undefined, [DeclaredQueryProbe])).resolves.toBeDefined();
  });

  it('every root field of the real schema declares its action', async () => {
    await expect(createSchema()).resolves.toBeDefined();
  });
});
