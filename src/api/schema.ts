import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type NonEmptyArray, type PubSub } from 'type-graphql';
import { authCheckerFor, rootFieldActions } from '../auth/roles';
import { RESOLVERS, resolverInstances } from './resolvers';
import type { Services } from './services';

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

/** Resolver instances for type-graphql; an inherited field resolver runs on the subclass's instance. */
function containerOf(instances: object[]): ContainerType {
  return {
    get(cls: Function) {
      const hit = instances.find((i) => i.constructor === cls) ?? instances.find((i) => i instanceof cls);
      if (!hit) throw new Error(`no resolver instance for ${cls.name}`);
      return hit;
    },
  };
}

/**
 * Builds the executable schema from the modules' resolvers, over `services`
 * (without them the schema can be printed but not executed). Fails when a
 * root field declared no action: access is never left to a default.
 */
export async function createSchema(services?: Services, resolvers: readonly Function[] = RESOLVERS): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: resolvers as unknown as NonEmptyArray<Function>,
    container: containerOf(services ? resolverInstances(services) : []),
    authChecker: services
      ? authCheckerFor(services.authz)
      : () => {
          throw new Error('this schema was built without services: it can be printed, not executed');
        },
    authMode: 'error',
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_TOPICS,
  });
  assertRolesDeclared(schema, resolvers);
  return schema;
}

/** Every root field (`Type.field`) of `schema` must have declared its action with @Requires. */
export function assertRolesDeclared(schema: GraphQLSchema, resolvers: readonly Function[]): void {
  const actions = rootFieldActions(resolvers);
  const missing: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const name of Object.keys(root.getFields())) {
      if (!actions.get(`${root.name}.${name}`)) missing.push(`${root.name}.${name}`);
    }
  }
  if (missing.length) throw new Error(`Root fields without a declared action (use @Requires): ${missing.join(', ')}`);
}

/** The SDL committed under schema/, sorted so that diffs stay readable. */
export function printSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
