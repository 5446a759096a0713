// Machine instructions per look-up, counted by callgrind: a measure that does not move with the machine's load.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_KEEP_DB=1 BENCH_IPS=100000 BENCH_OTHERS=30000 npm run bench:scale
//   node test/bench/lookup-instructions.mjs postgres://postgres@127.0.0.1:5432/<kept database> [root of a built checkout] [warm-up] [measured]
//
// The compiled server (<root>/dist/src/main.js) runs under `valgrind --tool=callgrind --instr-atstart=no` on a
// database that bench:scale left behind; bench:scale's look-up (observable with stats and five indicators) is sent
// at 8 connections, `warm-up` times (default 1,500) before counting starts and `measured` times (default 1,000)
// while it runs. The figure covers every thread of the server in user space (JIT code, garbage collection, the
// optimising compiler), not the kernel. Two runs of one build differ by up to 4 % (the JIT's timing): compare two
// builds in pairs, e.g. a worktree of the previous commit against this one. `callgrind_annotate <file>` shows where
// the instructions went. It registers a signing key for VNPT in that database: never point it at a real one.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';

const [dbUrl, rootArg, warmArg, countArg] = process.argv.slice(2);
if (!dbUrl) throw new Error('usage: node test/bench/lookup-instructions.mjs <database url> [checkout root] [warm-up] [measured]');
const root = path.resolve(rootArg ?? '.');
const warm = Number(warmArg ?? 1500);
const count = Number(countArg ?? 1000);
const require = createRequire(path.join(root, 'package.json'));
const { generateSigningKey, mintToken } = require(path.join(root, 'dist/src/auth/keys.js'));
const LOOKUP = `query L($v: String!) { observable(type: IPV4, value: $v) { id type value
  stats { indicatorCount firstSeen lastSeen maxConfidence maxSeverity sightingCount }
  indicators(first: 5) { edges { node { id tlp confidence severity author { code } } } } } }`;
const AUDIENCE = 'threatfed-bench';
// valgrind names its control files after HOST, which the server reads too: callgrind_control must see the same.
const HOST = '127.0.0.1';

const db = new pg.Client({ connectionString: dbUrl });
await db.connect();
const vnpt = (await db.query(`SELECT id FROM organizations WHERE code = 'VNPT'`)).rows[0]?.id;
if (!vnpt) throw new Error('no organisation VNPT: give a database that bench:scale kept (BENCH_KEEP_DB=1)');
const { privateJwk, publicJwk } = await generateSigningKey('VNPT');
await db.query(`INSERT INTO signing_keys (organization_id, kid, alg, jwk) VALUES ($1, $2, $3, $4)`, [vnpt, publicJwk.kid, publicJwk.alg, publicJwk]);
const token = await mintToken(privateJwk, { org: 'VNPT', sub: 'vnpt-feed', roles: ['CONTRIBUTOR'], audience: AUDIENCE, ttl: 3600 });
// bench:scale's hot addresses: those with five indicators.
const hot = (
  await db.query(`SELECT o.value FROM observables o JOIN indicators i ON i.observable_id = o.id WHERE o.type = 'IPV4' GROUP BY o.value HAVING count(*) >= 5 LIMIT 200`)
).rows.map((r) => r.value);
await db.end();
if (!hot.length) throw new Error('no observable with five indicators: was bench:scale run to its look-ups?');

const out = `/tmp/lookup-instructions.${process.pid}.callgrind`;
const env = { ...process.env, DATABASE_URL: dbUrl, PORT: '0', HOST, LOG_LEVEL: 'error', NODE_ENV: 'production', METRICS_PORT: 'off', TOKEN_AUDIENCE: AUDIENCE, TOKEN_MAX_LIFETIME: '1h' };
const server = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, process.execPath, path.join(root, 'dist/src/main.js')], {
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
function lookup(value) {
  const body = JSON.stringify({ query: LOOKUP, variables: { v: value } });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (res.statusCode !== 200 || !answer.data?.observable) reject(new Error(JSON.stringify(answer)));
        else resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function load(n) {
  let sent = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, c) => {
      for (let i = c; sent < n; i++) {
        sent++;
        await lookup(hot[i % hot.length]);
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
console.log(`${root}: ${Math.round(Number(total.replace(/,/g, '')) / count).toLocaleString('en')} instructions per look-up (${count} after ${warm}); ${out}`);
