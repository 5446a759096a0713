import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type NonEmptyArray, type PubSub } from 'type-graphql';
import type { Action } from '../auth/authorize';
import { authCheckerFor, rootFieldActions } from '../auth/roles';
import { RESOLVERS, resolverInstances } from './resolvers';
import type { Services } from './services';
import { buildSubgraph, FEDERATION_ROOT_ACTIONS, type Subgraph } from './subgraph';

/**
 * type-graphql insists on a PubSub once any subscription exists, but ours
 * streams from the warning log (`subscribe`), never from topics.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('topic-based subscriptions are not used: warnings stream from the log');
  },
  subscribe() {
    throw new Error('topic-based subscriptions are not used: warnings stream from the log');
  },
};

/**
 * Resolver instances for type-graphql; an inherited field resolver runs on the subclass's instance. type-graphql asks
 * at every call of a field resolver, so each class's answer is kept.
 */
function containerOf(instances: object[]): ContainerType {
  const found = new Map<Function, object>();
  return {
    get(cls: Function) {
      let hit = found.get(cls);
      if (!hit) {
        hit = instances.find((i) => i.constructor === cls) ?? instances.find((i) => i instanceof cls);
        if (!hit) throw new Error(`no resolver instance for ${cls.name}`);
        found.set(cls, hit);
      }
      return hit;
    },
  };
}

/** The schema the API is built from, and the subgraph served from it. */
export interface Schemas {
  /** The API schema (schema/schema.graphql): every type and field clients use. */
  api: GraphQLSchema;
  /** The served Federation 2 subgraph and its SDL (schema/subgraph.graphql). */
  subgraph: Subgraph;
}

/**
 * Builds the API schema from the modules' resolvers and the subgraph served
 * from it, over `services` (without them the schemas can be printed but not
 * executed). Fails when a root field declared no action — federation's own
 * included (FEDERATION_ROOT_ACTIONS): access is never left to a default.
 */
export async function buildSchemas(services?: Services, resolvers: readonly Function[] = RESOLVERS): Promise<Schemas> {
  const withoutServices = () => {
    throw new Error('this schema was built without services: it can be printed, not executed');
  };
  const api = await buildSchema({
    resolvers: resolvers as unknown as NonEmptyArray<Function>,
    container: containerOf(services ? resolverInstances(services) : []),
    authChecker: services ? authCheckerFor(services.authz) : withoutServices,
    authMode: 'error',
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_TOPICS,
  });
  const subgraph = buildSubgraph(api, services ? (ctx, action) => services.authz.authorize(ctx.principal, action) : withoutServices);
  assertRolesDeclared(subgraph.schema, resolvers, FEDERATION_ROOT_ACTIONS);
  return { api, subgraph };
}

/** The executable schema served on /graphql (HTTP and websockets): the subgraph. */
export async function createSchema(services?: Services, resolvers: readonly Function[] = RESOLVERS): Promise<GraphQLSchema> {
  return (await buildSchemas(services, resolvers)).subgraph.schema;
}

/**
 * Every root field (`Type.field`) of `schema` must have declared its action:
 * with @Requires on its resolver method, or in `declared` for fields no
 * resolver class carries (federation's `_service` and `_entities`).
 */
export function assertRolesDeclared(schema: GraphQLSchema, resolvers: readonly Function[], declared: ReadonlyMap<string, Action> = new Map()): void {
  const actions = rootFieldActions(resolvers);
  const missing: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const name of Object.keys(root.getFields())) {
      const key = `${root.name}.${name}`;
      if (!actions.get(key) && !declared.get(key)) missing.push(key);
    }
  }
  if (missing.length) throw new Error(`Root fields without a declared action (use @Requires): ${missing.join(', ')}`);
}

/** The SDL committed under schema/, sorted so that diffs stay readable. */
export function printSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
