import fs from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printType } from 'graphql';
import { Field, ID, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Key } from '../src/common/federation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Requires } from '../src/auth/roles';
import { RESOLVERS } from '../src/api/resolvers';
import { assertRolesDeclared, buildSchemas, createSchema, printSdl } from '../src/api/schema';
import { FEDERATION_ROOT_ACTIONS } from '../src/api/subgraph';
import { startTestApp, type TestApp } from './support/app';

const committed = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'schema', file), 'utf8');

describe('committed artefacts', () => {
  it('schema/schema.graphql matches the API schema the code builds (run `npm run schema` after changing types)', async () => {
    expect(printSdl((await buildSchemas()).api)).toBe(committed('schema.graphql'));
  });

  it('schema/subgraph.graphql matches the subgraph SDL the code builds (run `npm run schema` after changing types)', async () => {
    expect((await buildSchemas()).subgraph.sdl).toBe(committed('subgraph.graphql'));
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

    it('include the hand-written SP-GiST inet indexes', async () => {
      const rows: { indexname: string; indexdef: string }[] = await app.db.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('ix_observables_net', 'ix_asset_ranges_cidr') ORDER BY indexname`,
      );
      expect(rows.map((r) => r.indexname)).toEqual(['ix_asset_ranges_cidr', 'ix_observables_net']);
      // inet_ops is SP-GiST's default class for inet, so the definition PostgreSQL prints omits it.
      for (const r of rows) expect(r.indexdef).toMatch(/USING spgist \((net|cidr)\)/);
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

// An entity type no reference resolver knows: `_entities` would echo the representation back as the object.
@Key('id')
@ObjectType('ProbeEntity')
class ProbeEntity {
  @Field(() => ID)
  id!: string;
}

@Resolver()
class ProbeEntityResolver {
  @Requires('read')
  @Query(() => ProbeEntity)
  probeEntity(): ProbeEntity {
    return { id: 'x' };
  }
}

describe('access declarations', () => {
  it('building a schema fails when an entity type has no reference resolver', async () => {
    await expect(createSchema(undefined, [ProbeEntityResolver])).rejects.toThrow(/Entity types without a reference resolver .*: ProbeEntity$/);
  });

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

describe('the subgraph', () => {
  it('keeps every type and field of the API schema as it is, and adds only federation\'s', async () => {
    const { api, subgraph } = await buildSchemas();
    const served = lexicographicSortSchema(subgraph.schema);
    const added = new Set(['_Any', '_Entity', '_Service', 'link__Import', 'link__Purpose', 'federation__FieldSet']);
    for (const type of Object.values(lexicographicSortSchema(api).getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const mine = served.getType(type.name);
      expect(mine, type.name).toBeDefined();
      if (type.name !== 'Query') expect(printType(mine!), type.name).toBe(printType(type));
    }
    const apiQuery = Object.keys(api.getQueryType()!.getFields()).sort();
    expect(Object.keys(served.getQueryType()!.getFields()).sort()).toEqual([...apiQuery, '_entities', '_service'].sort());
    const extra = Object.keys(served.getTypeMap()).filter((t) => !t.startsWith('__') && !api.getType(t));
    expect(extra.sort()).toEqual([...added].sort());
  });

  it('offers the entities and keys the federation guide lists', async () => {
    const { subgraph } = await buildSchemas();
    const keys = [...subgraph.sdl.matchAll(/^type (\w+)\n((?:  @key\(fields: "[^"]+"\)\n)+)/gm)].map(([, type, ks]) => [type, [...ks.matchAll(/"([^"]+)"/g)].map((k) => k[1])]);
    expect(Object.fromEntries(keys)).toEqual({
      Advisory: ['id'],
      Incident: ['id'],
      Indicator: ['id'],
      Observable: ['id', 'type value'],
      Organization: ['code'],
      Sighting: ['id'],
      Warning: ['id'],
    });
  });

  it('declares federation\'s root fields explicitly: without their declarations the build fails', async () => {
    const { subgraph } = await buildSchemas();
    expect(() => assertRolesDeclared(subgraph.schema, RESOLVERS)).toThrow(/without a declared action \(use @Requires\): Query\._entities, Query\._service$/);
    expect(() => assertRolesDeclared(subgraph.schema, RESOLVERS, new Map([...FEDERATION_ROOT_ACTIONS].slice(0, 1)))).toThrow(/: Query\._entities$/);
    expect(() => assertRolesDeclared(subgraph.schema, RESOLVERS, FEDERATION_ROOT_ACTIONS)).not.toThrow();
  });
});
