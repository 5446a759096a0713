import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isUnionType, lexicographicSortSchema, parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import type { Action } from '../auth/authorize';
import { badInput } from '../common/errors';
import { LIMITS } from '../common/limits';
import type { Context } from './context';
import { REFERENCE_RESOLVERS } from './references';

/** The Federation 2 version ThreatFed links, and the directives it uses from it. */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

/**
 * The root fields federation adds, and the action each performs: declared
 * here because no resolver class carries them, checked by the same schema
 * build (assertRolesDeclared) and enforced by the same authorizer as the
 * fields that declare theirs with @Requires.
 */
export const FEDERATION_ROOT_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  // The SDL says nothing the API schema does not, but it is not for anonymous callers either.
  ['Query._service', 'read'],
  ['Query._entities', 'read'],
]);

/** Refuses `ctx`'s principal the action (FORBIDDEN, audited) or lets it through. */
export type Guard = (ctx: Context, action: Action) => Promise<void>;

export interface Subgraph {
  /** The schema served on /graphql: the API schema plus `_service` and `_entities`. */
  schema: GraphQLSchema;
  /** What `_service { sdl }` answers (schema/subgraph.graphql): the API schema with `@link` and `@key`. */
  sdl: string;
}

type Resolvers = Record<string, Record<string, unknown>>;

/**
 * The API schema as an Apollo Federation 2 subgraph (the way type-graphql's
 * federation example does it: its SDL with directives, its resolvers, and a
 * reference resolver per entity type). Federation's root fields go through
 * `guard`; `_entities` also takes at most LIMITS.entities representations
 * and refuses, per representation, one that names no entity type.
 */
export function buildSubgraph(api: GraphQLSchema, guard: Guard): Subgraph {
  // Sorted, so that the committed SDL diffs readably; the resolvers are the API schema's own.
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(lexicographicSortSchema(api))}`);
  const resolvers = createResolversMap(api) as Resolvers;
  // Schemas built from a subset of the resolvers (tests) lack some types: their references do not apply.
  const references = Object.entries(REFERENCE_RESOLVERS).filter(([type]) => api.getType(type));
  for (const [type, resolve] of references) resolvers[type] = { ...resolvers[type], __resolveReference: resolve };
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  const entityTypes = checkReferences(schema, references.map(([type]) => type));

  const fields = schema.getQueryType()!.getFields();
  // Ending in a newline like any text file, so that `_service` answers schema/subgraph.graphql byte for byte.
  const sdl = `${(fields._service.resolve as () => { sdl: string })().sdl.trimEnd()}\n`;
  fields._service.resolve = () => ({ sdl });
  if (fields._entities) {
    const resolveAll = fields._entities.resolve!;
    fields._entities.resolve = (source, args: { representations: unknown[] }, ctx: Context, info) => {
      const reps = args.representations;
      if (reps.length > LIMITS.entities) throw badInput('representations', `must have at most ${LIMITS.entities} items`);
      // One at a time, so that a bad representation fails alone; the loaders still batch them all.
      return reps.map((rep, i) => {
        const t = (rep as { __typename?: unknown } | null)?.__typename;
        if (typeof t !== 'string' || !entityTypes.has(t)) {
          return Promise.reject(badInput(`representations[${i}].__typename`, `must name an entity type: ${[...entityTypes].join(', ')}`));
        }
        return (resolveAll(source, { representations: [rep] }, ctx, info) as unknown[])[0];
      });
    };
  }
  for (const [key, action] of FEDERATION_ROOT_ACTIONS) {
    const field = fields[key.slice('Query.'.length)];
    if (!field) continue;
    const resolve = field.resolve as GraphQLFieldResolver<unknown, Context>;
    field.resolve = async (source, args, ctx, info) => {
      await guard(ctx, action);
      return resolve(source, args, ctx, info);
    };
  }
  return { schema, sdl };
}

/** Every entity type has a reference resolver and every reference resolver an entity type: nothing falls back to echoing the representation. */
function checkReferences(schema: GraphQLSchema, referenced: string[]): Set<string> {
  const union = schema.getType('_Entity');
  const entities = new Set(union && isUnionType(union) ? union.getTypes().map((t) => t.name) : []);
  const unresolved = [...entities].filter((t) => !referenced.includes(t));
  const stray = referenced.filter((t) => !entities.has(t));
  if (unresolved.length) throw new Error(`Entity types without a reference resolver (add them to REFERENCE_RESOLVERS): ${unresolved.join(', ')}`);
  if (stray.length) throw new Error(`Reference resolvers for types without @key: ${stray.join(', ')}`);
  return entities;
}
