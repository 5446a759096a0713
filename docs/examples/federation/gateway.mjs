// A gateway in front of ThreatFed and an agency's own GraphQL services, composed
// into one supergraph: Hive Gateway (MIT) with Apollo's composition.
//
//   THREATFED_TOKEN=<a bearer token> node docs/examples/federation/gateway.mjs \
//     threatfed=http://127.0.0.1:4000/graphql inventory=http://127.0.0.1:4002/graphql
//
// Each NAME=URL is a Federation 2 subgraph. The token is used once, at start, to
// read each subgraph's SDL with `_service { sdl }` (ThreatFed answers it only to a
// valid token, of any role). After that the gateway holds no credentials of its
// own: it forwards each caller's Authorization header to every subgraph, so that
// ThreatFed applies that caller's sharing rules to everything it returns.
// PORT (default 4001) and HOST (default 127.0.0.1) say where it listens.
//
// Needs @apollo/composition, @graphql-hive/gateway-runtime and
// @graphql-mesh/transport-http (all devDependencies of ThreatFed).
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { composeServices } from '@apollo/composition';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { parse } from 'graphql';

/** A subgraph's SDL, as it describes itself to gateways. */
export async function fetchSdl(url, token) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(`${url}: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data._service.sdl;
}

/** The supergraph of `subgraphs` ({ name, url, sdl }), or an error listing every composition problem. */
export function composeSupergraph(subgraphs) {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors?.length) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

/** The gateway: plans each operation over the subgraphs and forwards the caller's Authorization to each of them. */
export function createGateway(supergraphSdl, opts = {}) {
  return createGatewayRuntime({
    supergraph: supergraphSdl,
    transports: { http: httpTransport },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    },
    // No anonymous schema browsing: ThreatFed keeps introspection off too.
    disableIntrospection: {},
    graphiql: false,
    landingPage: false,
    logging: opts.logging ?? 'warn',
  });
}

async function main() {
  const token = process.env.THREATFED_TOKEN;
  const subgraphs = process.argv.slice(2).map((arg) => {
    const [name, url] = arg.split(/=(.*)/);
    if (!name || !url) throw new Error(`expected NAME=URL, got "${arg}"`);
    return { name, url };
  });
  if (!token || !subgraphs.length) {
    console.error('usage: THREATFED_TOKEN=<token> node gateway.mjs NAME=URL [NAME=URL ...]');
    process.exit(2);
  }
  for (const s of subgraphs) s.sdl = await fetchSdl(s.url, token);
  const gateway = createGateway(composeSupergraph(subgraphs));
  const server = http.createServer(gateway);
  const port = Number(process.env.PORT ?? 4001);
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen(port, host, () => console.log(`gateway listening on http://${host}:${server.address().port}/graphql`));
  const stop = () => server.close(() => gateway.dispose().then(() => process.exit(0)));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
