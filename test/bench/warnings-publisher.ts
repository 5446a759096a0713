/**
 * The publisher of `npm run bench:warnings` (test/bench/warnings.bench.ts), run
 * as a worker thread so that its schedule keeps time even when the thread that
 * holds thousands of subscribers is saturated. Like the floor server it is
 * transpiled to CommonJS by the benchmark and loaded from its temp dir.
 *
 * It sends `count` publishes at `rate` per second on a fixed schedule, without
 * waiting for earlier ones to return, alternately to the two instances
 * (ThreatFed: `submitIndicators` with one new GREEN HIGH indicator, which raises
 * one INDICATOR_HIGH_SEVERITY warning) or to both at once (the floor has no
 * broker). With `probe`, it also asks each server for a path that does no work
 * (a 404) every 100 ms, one request at a time per server: how long that takes
 * shows how busy the server's event loop is. When done it posts one message
 * with every record, on the wall clock (Date.now() resolution refined with
 * performance.now()).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface PublisherJob {
  system: 'threatfed' | 'floor';
  urls: string[];
  token: string;
  count: number;
  rate: number;
  tag: string;
  probe: boolean;
}

export interface PublishRecord {
  n: number;
  subjectId?: string;
  sentAt: number;
  returnedAt: number;
  error?: string;
}

export interface PublisherResult {
  records: PublishRecord[];
  /** How late the latest send left after its scheduled time, ms. */
  sendLagMax: number;
  /** Round trips of the 404 probe, ms. */
  probe: number[];
}

const SUBMIT = `mutation Submit($input: [IndicatorInput!]!) {
  submitIndicators(input: $input) { created rejected results { indicator { id } error { code message } } }
}`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

let wallOffset = 0;
{
  const start = Date.now();
  let d = start;
  while (d === start) d = Date.now();
  wallOffset = d - performance.now();
}
const wallNow = () => wallOffset + performance.now();

/** A new connection per request: no race with a server closing an idle keep-alive socket. */
const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });

function request(url: string, method: 'GET' | 'POST', body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: body === undefined ? headers : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error('timed out after 120 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function publishThreatfed(job: PublisherJob, n: number): Promise<PublishRecord> {
  const value = `w${job.tag}-${n}-${randomBytes(4).toString('hex')}.bench-warnings.example`;
  const body = JSON.stringify({ query: SUBMIT, variables: { input: [{ type: 'DOMAIN', value, tlp: 'GREEN', severity: 'HIGH', threatTypes: ['C2'] }] } });
  const sentAt = wallNow();
  const r = await request(job.urls[n % job.urls.length], 'POST', body, { authorization: `Bearer ${job.token}` });
  const returnedAt = wallNow();
  const res = JSON.parse(r.text) as { data?: { submitIndicators: { created: number; results: { indicator: { id: string } | null }[] } } };
  const subjectId = res.data?.submitIndicators.results[0]?.indicator?.id;
  if (r.status !== 200 || res.data?.submitIndicators.created !== 1 || !subjectId) {
    return { n, sentAt, returnedAt, error: `status ${r.status}: ${r.text.slice(0, 300)}` };
  }
  return { n, subjectId, sentAt, returnedAt };
}

async function publishFloor(job: PublisherJob, n: number): Promise<PublishRecord> {
  const subjectId = randomUUID();
  const body = JSON.stringify({ subjectId, title: `HIGH DOMAIN indicator: w${job.tag}-${n}.bench-warnings.example` });
  const sentAt = wallNow();
  const rs = await Promise.all(job.urls.map((u) => request(u.replace(/\/graphql$/, '/publish'), 'POST', body)));
  const returnedAt = wallNow();
  const bad = rs.find((r) => r.status !== 200);
  return bad ? { n, sentAt, returnedAt, error: `status ${bad.status}: ${bad.text.slice(0, 300)}` } : { n, subjectId, sentAt, returnedAt };
}

async function run(job: PublisherJob): Promise<PublisherResult> {
  const probe: number[] = [];
  let probing = job.probe;
  const probes = job.probe
    ? job.urls.map(async (u) => {
        const url = u.replace(/\/graphql$/, '/__bench_probe');
        while (probing) {
          const t0 = performance.now();
          await request(url, 'GET').catch(() => undefined);
          probe.push(performance.now() - t0);
          await sleep(100);
        }
      })
    : [];
  const publish = job.system === 'floor' ? publishFloor : publishThreatfed;
  const pending: Promise<PublishRecord>[] = [];
  let sendLagMax = 0;
  const t0 = performance.now() + 20;
  for (let n = 0; n < job.count; n++) {
    const due = t0 + (n * 1000) / job.rate;
    await sleep(due - performance.now());
    sendLagMax = Math.max(sendLagMax, performance.now() - due);
    const sentAt = wallNow();
    pending.push(publish(job, n).catch((err: unknown) => ({ n, sentAt, returnedAt: wallNow(), error: (err as Error).message })));
  }
  const records = await Promise.all(pending);
  probing = false;
  await Promise.all(probes);
  return { records, sendLagMax, probe };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as PublisherJob).then(
    (result) => port.postMessage(result),
    (err: unknown) => port.postMessage({ fatal: (err as Error).stack ?? String(err) }),
  );
}
