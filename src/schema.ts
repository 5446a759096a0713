import 'reflect-metadata';
import { GraphQLObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import { authChecker, declaredRootFields } from './auth/roles';
import { RESOLVERS } from './resolvers';

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
 * Builds the executable schema from the modules' resolvers. Fails when a root
 * field declared no roles: access is never left to a default.
 */
export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS as unknown as NonEmptyArray<Function>,
    authChecker,
    authMode: 'error',
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_TOPICS,
  });
  assertRolesDeclared(schema);
  return schema;
}

export function assertRolesDeclared(schema: GraphQLSchema, declared: ReadonlyMap<string, unknown> = declaredRootFields): void {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  const missing: string[] = [];
  for (const root of roots) {
    if (!(root instanceof GraphQLObjectType)) continue;
    for (const name of Object.keys(root.getFields())) {
      if (!declared.has(name)) missing.push(`${root.name}.${name}`);
    }
  }
  if (missing.length) throw new Error(`Root fields without declared roles (use @Requires): ${missing.join(', ')}`);
}

/** The SDL committed under schema/, sorted so that diffs stay readable. */
export function printSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
