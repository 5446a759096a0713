// Machine instructions per operation, counted by callgrind: a measure that does not move with the machine's load.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_KEEP_DB=1 BENCH_IPS=100000 BENCH_OTHERS=30000 npm run bench:scale
//   npm run bench:instructions -- lookup|ingest postgres://postgres@127.0.0.1:5432/<kept database> [root of a built checkout] [warm-up] [measured]
//
// The compiled server (<root>/dist/src/main.js) runs under `valgrind --tool=callgrind --instr-atstart=no` on a
// database that bench:scale left behind. `lookup`: bench:scale's look-up (observable with stats and five indicators)
// at 8 connections, `warm-up` times (default 6,000: V8 is still optimising for the first ~5,000) before counting
// starts and `measured` times (default 1,000) while it runs. `ingest`: 5,000-item submitIndicators calls of new IPv4
// addresses as BKAV, two at a time, `warm-up` calls (default 6) and then `measured` (default 4). The figure covers
// every thread of the server in user space (JIT code, garbage collection, the optimising compiler), not the kernel
// and not PostgreSQL. Two runs of one build differ by up to 4 % (the JIT's timing): compare two builds in pairs, e.g.
// a worktree of the previous commit against this one. `callgrind_annotate <file>` shows where the instructions
// went. It registers a signing key in that database and (ingest) adds indicators: never point it at a real one.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';

const [mode, dbUrl, rootArg, warmArg, countArg] = process.argv.slice(2);
if ((mode !== 'lookup' && mode !== 'ingest') || !dbUrl) {
  throw new Error('usage: node test/bench/instructions.mjs lookup|ingest <database url> [checkout root] [warm-up] [measured]');
}
const ingest = mode === 'ingest';
const root = path.resolve(rootArg ?? '.');
const warm = Number(warmArg ?? (ingest ? 6 : 6000));
const count = Number(countArg ?? (ingest ? 4 : 1000));
const require = createRequire(path.join(root, 'package.json'));
const { generateSigningKey, mintToken } = require(path.join(root, 'dist/src/auth/keys.js'));
const LOOKUP = `query L($v: String!) { observable(type: IPV4, value: $v) { id type value
  stats { indicatorCount firstSeen lastSeen maxConfidence maxSeverity sightingCount }
  indicators(first: 5) { edges { node { id tlp confidence severity author { code } } } } } }`;
const SUBMIT = `mutation S($input: [IndicatorInput!]!) { submitIndicators(input: $input) {
  created updated rejected results { index created indicator { id } error { code field message } } } }`;
const AUDIENCE = 'threatfed-bench';
// valgrind names its control files after HOST, which the server reads too: callgrind_control must see the same.
const HOST = '127.0.0.1';

// The look-up asks as VNPT, as bench:scale does; the ingest posts as BKAV, its feed.
const org = ingest ? 'BKAV' : 'VNPT';
const db = new pg.Client({ connectionString: dbUrl });
await db.connect();
const orgId = (await db.query(`SELECT id FROM organizations WHERE code = $1`, [org])).rows[0]?.id;
if (!orgId) throw new Error(`no organisation ${org}: give a database that bench:scale kept (BENCH_KEEP_DB=1)`);
const { privateJwk, publicJwk } = await generateSigningKey(org);
await db.query(`INSERT INTO signing_keys (organization_id, kid, alg, jwk) VALUES ($1, $2, $3, $4)`, [orgId, publicJwk.kid, publicJwk.alg, publicJwk]);
const token = await mintToken(privateJwk, { org, sub: `${org.toLowerCase()}-feed`, roles: ['CONTRIBUTOR'], audience: AUDIENCE, ttl: 3600 });
// bench:scale's hot addresses: those with five indicators.
const hot = (
  await db.query(`SELECT o.value FROM observables o JOIN indicators i ON i.observable_id = o.id WHERE o.type = 'IPV4' GROUP BY o.value HAVING count(*) >= 5 LIMIT 200`)
).rows.map((r) => r.value);
// Addresses for the ingest in 30.0.0.0/8, which bench:scale does not use, from where the last run stopped.
let nextAddress = Number((await db.query(`SELECT count(*) AS n FROM observables WHERE type = 'IPV4' AND value LIKE '30.%'`)).rows[0].n);
await db.end();
if (!ingest && !hot.length) throw new Error('no observable with five indicators: was bench:scale run to its look-ups?');

const out = `/tmp/instructions-${mode}.${process.pid}.callgrind`;
const env = { ...process.env, DATABASE_URL: dbUrl, PORT: '0', HOST, LOG_LEVEL: 'error', NODE_ENV: 'production', METRICS_PORT: 'off', TOKEN_AUDIENCE: AUDIENCE, TOKEN_MAX_LIFETIME: '1h' };
// With npm start's node flags (package.json's start script), as production runs it.
const flags = /^node((?: --\S+)*) dist\/src\/main\.js$/.exec(require(path.join(root, 'package.json')).scripts.start)?.[1].split(' ').filter(Boolean) ?? [];
const server = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, process.execPath, ...flags, path.join(root, 'dist/src/main.js')], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stderr = '';
server.stderr.on('data', (d) => (stderr += d));
const url = await new Promise((resolve, reject) => {
  let stdout = '';
  server.stdout.on('data', (d) => {
    stdout += d;
    const m = /running at (http:\/\/\S+\/graphql)/.exec(stdout);
    if (m) resolve(m[1]);
  });
  server.once('exit', () => reject(new Error(`the server exited: ${stderr}`)));
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (res.statusCode !== 200 || answer.errors || !(answer.data?.observable ?? answer.data?.submitIndicators)) reject(new Error(JSON.stringify(answer).slice(0, 500)));
        else resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
const address = (n) => `30.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const batch = () =>
  JSON.stringify({
    query: SUBMIT,
    variables: {
      input: Array.from({ length: 5000 }, (_, i) => ({
        type: 'IPV4', value: address(nextAddress++), tlp: 'GREEN', confidence: 50 + (i % 50), severity: ['LOW', 'MEDIUM', 'HIGH'][i % 3], threatTypes: ['BOTNET'], tags: ['bench'],
      })),
    },
  });
async function load(n) {
  if (ingest) {
    for (let k = 0; k < n; k += 2) await Promise.all([post(batch()), ...(k + 1 < n ? [post(batch())] : [])]);
    return;
  }
  let sent = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, c) => {
      for (let i = c; sent < n; i++) {
        sent++;
        await post(JSON.stringify({ query: LOOKUP, variables: { v: hot[i % hot.length] } }));
      }
    }),
  );
}
const callgrind = (on) => execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(server.pid)], { env: { ...process.env, HOST } });

await load(warm);
callgrind(true);
await load(count);
callgrind(false);
agent.destroy();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
const total = /([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/.exec(execFileSync('callgrind_annotate', [out]).toString())?.[1];
if (!total) throw new Error(`callgrind counted nothing (${out})`);
console.log(`${root}: ${Math.round(Number(total.replace(/,/g, '')) / count).toLocaleString('en')} instructions per ${ingest ? '5,000-item call' : 'look-up'} (${count} after ${warm}); ${out}`);
