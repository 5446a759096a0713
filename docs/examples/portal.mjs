// A minimal agency portal: subscribes to warnings and never loses one.
// It remembers the cursor of the last warning it handled and, whenever the
// connection ends for a reason worth retrying, subscribes again with
// `after: <that cursor>`: the server replays what was missed, then goes live.
//
//   node docs/examples/portal.mjs http://127.0.0.1:4000/graphql ./my-org.jwk MYORG
//
// Needs `graphql-ws`, `ws` and `jose` (all dependencies of ThreatFed).
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { importJWK, SignJWT } from 'jose';
import WebSocket from 'ws';

const [url = 'http://127.0.0.1:4000/graphql', keyFile, org] = process.argv.slice(2);
const privateJwk = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
const cursorFile = process.env.CURSOR_FILE ?? `./${org}.cursor`;

/** A fresh 15-minute token, signed with the organisation's own key. */
async function token() {
  const key = await importJWK(privateJwk, privateJwk.alg);
  return new SignJWT({ roles: ['VIEWER'] })
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid })
    .setIssuer(org).setSubject('portal').setAudience('threatfed')
    .setIssuedAt().setExpirationTime('15m').setJti(randomUUID())
    .sign(key);
}

// Close codes (see docs/subscriptions.md): reconnect and resume on all but a protocol error
// (4429: the organisation has all its connections open; the back-off below spaces the retries).
const RESUME = new Set([1000, 1001, 1006, 1011, 1012, 1013, 4008, 4403, 4429]);

let after = fs.existsSync(cursorFile) ? fs.readFileSync(cursorFile, 'utf8').trim() : null;

function handle(event) {
  const w = event.warning;
  console.log(`${w.createdAt} ${w.severity.padEnd(8)} ${w.kind.padEnd(24)} ${w.title}`);
  after = event.cursor;
  fs.writeFileSync(cursorFile, after); // persist, so a portal restart resumes too
}

async function run() {
  for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
    const authorization = `Bearer ${await token()}`; // 4403 after expiry: a new token on each attempt
    const code = await new Promise((resolve) => {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization },
        retryAttempts: 0, // we resume ourselves, with the cursor
        lazy: false,
        onNonLazyError: () => undefined,
        on: {
          connected: () => (delay = 500),
          closed: (e) => resolve(e?.code ?? 1006),
        },
      });
      client.subscribe(
        {
          query: `subscription($after: String) {
            warnings(after: $after, filter: { minSeverity: MEDIUM }) {
              cursor warning { kind severity title subjectType subjectId createdAt }
            }
          }`,
          variables: { after },
        },
        { next: (r) => r.data && handle(r.data.warnings), error: () => client.dispose(), complete: () => client.dispose() },
      );
    });
    if (!RESUME.has(code)) throw new Error(`closed with ${code}: not retrying`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

run().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
