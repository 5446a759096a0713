/**
 * The floor for `npm run bench:warnings` (test/bench/warnings.bench.ts): a bare
 * graphql-ws server over an in-memory pub/sub (warnings-floor-schema.ts). No
 * auth, no database, no limits, no per-organisation visibility; the same
 * subscription text and result shape as ThreatFed's `warnings`, on the same
 * `ws` server and graphql-ws version, with the same keep-alive.
 *
 * Not run by vitest: the benchmark transpiles this file and its schema to
 * CommonJS with the project's own TypeScript and starts it as a separate Node
 * process, so that its memory and CPU are its own. It prints one line,
 * `floor listening at http://127.0.0.1:PORT/graphql`, and stops on SIGTERM.
 *
 * Publishing: `POST /publish` with `{"subjectId": "...", "title": "..."}`
 * numbers the event (a local sequence, in arrival order, as ThreatFed's log
 * numbers its warnings), stamps `createdAt` (this process's clock, as
 * PostgreSQL's `now()` stamps a ThreatFed warning) and hands it to every local
 * subscriber.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { floorSchema, publishLocally, type FloorEvent } from './warnings-floor-schema';

let seq = 0;

const httpServer = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/publish') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { subjectId: string; title: string };
    const e: FloorEvent = {
      cursor: Buffer.from(`v1:${++seq}`).toString('base64url'),
      warning: { kind: 'INDICATOR_HIGH_SEVERITY', title: body.title, severity: 'HIGH', subjectId: body.subjectId, createdAt: new Date().toISOString() },
    };
    const delivered = publishLocally(e);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ delivered, createdAt: e.warning.createdAt }));
  });
});

const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 64 * 1024 });
const gql = useServer({ schema: floorSchema }, wss, 12_000);

httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  process.stdout.write(`floor listening at http://127.0.0.1:${port}/graphql\n`);
});

process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.close(1012, 'restarting');
  void Promise.resolve(gql.dispose()).finally(() => wss.close(() => httpServer.close(() => process.exit(0))));
  setTimeout(() => process.exit(0), 5000).unref();
});
