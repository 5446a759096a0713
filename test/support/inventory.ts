import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';

/**
 * A second subgraph, as an agency would run it: its asset inventory. It adds
 * `systems` to ThreatFed's `Organization` (by code) and refers to ThreatFed's
 * indicators, incidents and advisories by id, which the gateway then fetches
 * from ThreatFed with the caller's token.
 */
export const INVENTORY_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

"An information system in the agency's asset inventory."
type System @key(fields: "id") {
  id: ID!
  name: String!
  owner: Organization!
  "ThreatFed indicators the agency's SOC tracks for this system; null where the caller may not read one."
  indicators: [Indicator]!
  incidents: [Incident]!
  advisories: [Advisory]!
}

type Organization @key(fields: "code") {
  code: String!
  systems: [System!]!
}

type Indicator @key(fields: "id", resolvable: false) {
  id: ID!
}

type Incident @key(fields: "id", resolvable: false) {
  id: ID!
}

type Advisory @key(fields: "id", resolvable: false) {
  id: ID!
}

type Query {
  systems: [System!]!
}
`;

export interface InventorySystem {
  id: string;
  name: string;
  owner: string;
  indicators: string[];
  incidents: string[];
  advisories: string[];
}

export interface Inventory {
  url: string;
  systems: InventorySystem[];
  /** The Authorization header of every request it served, in order. */
  authorizations: string[];
  stop(): Promise<void>;
}

/** Starts the inventory on a free port; like ThreatFed it refuses callers without a bearer token. */
export async function startInventory(systems: InventorySystem[] = []): Promise<Inventory> {
  const authorizations: string[] = [];
  const refs = (typename: string, ids: string[]) => ids.map((id) => ({ __typename: typename, id }));
  const schema = buildSubgraphSchema({
    typeDefs: parse(INVENTORY_SDL),
    resolvers: {
      Query: { systems: () => inventory.systems },
      System: {
        owner: (s: InventorySystem) => ({ code: s.owner }),
        indicators: (s: InventorySystem) => refs('Indicator', s.indicators),
        incidents: (s: InventorySystem) => refs('Incident', s.incidents),
        advisories: (s: InventorySystem) => refs('Advisory', s.advisories),
      },
      Organization: {
        __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
        systems: (org: { code: string }) => inventory.systems.filter((s) => s.owner === org.code),
      },
    } as never,
  });
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const authorization = req.headers.authorization ?? '';
      authorizations.push(authorization);
      if (!authorization.startsWith('Bearer ')) throw new GraphQLError('a bearer token is required', { extensions: { code: 'UNAUTHENTICATED' } });
      return {};
    },
  });
  const inventory: Inventory = { url, systems, authorizations, stop: () => server.stop() };
  return inventory;
}
