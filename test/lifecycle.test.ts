import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../src/auth/keys';
import { describeError } from '../src/cli/describe-error';
import { demoKeyPath, readPrivateKey } from '../src/cli/keyfile';
import { Role } from '../src/common/enums';
import { embeddedOwner, embeddedUrl } from '../src/db/embedded';
import { isAlive, postgresProcessesOf, postmasterPid, serverUrl, spawnDist, waitFor, type Spawned } from './support/embedded-server';

/**
 * The process life cycle of `npm start` on its embedded PostgreSQL: kill -9,
 * orphaned postmasters, the CLI beside a running server, start failures.
 * One data directory for the whole file (initdb is the slow part); the tests
 * run in order and each leaves it with no server running, or says so.
 */
let dataDir: string;
let pgDir: string;
let server: Spawned | undefined;
let url: string;
const children: Spawned[] = [];

function start(env: Record<string, string> = {}): Spawned {
  const s = spawnDist('main', dataDir, [], env);
  children.push(s);
  return s;
}

/** Starts the server with `setting` naming a port that another program holds, and waits (15 s at most) for it to exit. */
async function startWithPortTaken(setting: 'PORT' | 'METRICS_PORT'): Promise<{ s: Spawned; port: number; code: number | null | 'hung'; ms: number }> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  try {
    const s = start({ [setting]: String(port) });
    const startedAt = Date.now();
    const code = await Promise.race([s.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    return { s, port, code, ms: Date.now() - startedAt };
  } finally {
    blocker.close();
  }
}

async function sql<T>(query: string): Promise<T[]> {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8'));
  const client = new Client({ connectionString: embeddedUrl(port) });
  await client.connect();
  try {
    return (await client.query(query)).rows as T[];
  } finally {
    await client.end();
  }
}

async function healthz(graphqlUrl: string): Promise<number> {
  return (await fetch(graphqlUrl.replace(/\/graphql$/, '/healthz'))).status;
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatfed-life-'));
  pgDir = path.join(dataDir, 'pg');
});

afterAll(async () => {
  for (const s of children) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  const owner = embeddedOwner(pgDir);
  if (owner?.watchdogPid && isAlive(owner.watchdogPid)) process.kill(owner.watchdogPid, 'SIGKILL');
  for (const pid of postgresProcessesOf(pgDir)) process.kill(pid, 'SIGINT');
  await waitFor(() => postgresProcessesOf(pgDir).length === 0, 10_000);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on the embedded database', () => {
  it('after kill -9 of the server, its PostgreSQL stops within seconds, and the next start serves the same data', async () => {
    server = start();
    url = await serverUrl(server, 60_000);
    const token = await mintToken(readPrivateKey(demoKeyPath(dataDir, 'BKAV')), { org: 'BKAV', sub: 'life', roles: [Role.CONTRIBUTOR], audience: 'threatfed', ttl: 300 });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { submitIndicators(input: [{ type: DOMAIN, value: "kill9.life.example", tlp: GREEN, severity: LOW }]) { created } }' }),
    });
    expect(((await res.json()) as { data: { submitIndicators: { created: number } } }).data.submitIndicators.created).toBe(1);

    const pm = postmasterPid(pgDir)!;
    expect(isAlive(pm)).toBe(true);
    server.child.kill('SIGKILL');
    await server.exited;
    const killedAt = Date.now();
    expect(await waitFor(() => !isAlive(pm), 5_000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(postgresProcessesOf(pgDir)).toEqual([]);

    server = start();
    url = await serverUrl(server);
    expect(await healthz(url)).toBe(200);
    expect(await sql(`SELECT value FROM observables WHERE value = 'kill9.life.example'`)).toHaveLength(1);
  }, 90_000);

  it('the CLI uses the running server\'s database and leaves it running; a second server on the same DATA_DIR is refused', async () => {
    const pm = postmasterPid(pgDir)!;
    const migrate = spawnDist('cli', dataDir, ['migrate']);
    expect(await migrate.exited).toBe(0);
    expect(migrate.out()).toBe('migrations are up to date\n');
    expect(migrate.err()).toContain(`using the embedded PostgreSQL that process ${server!.child.pid} runs`);

    const init = spawnDist('cli', dataDir, ['init', '--coordinator', 'OTHER', '--key-out', path.join(dataDir, 'other.jwk')]);
    expect(await init.exited).toBe(2);
    expect(init.err()).toMatch(/already has organisations/);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.err()).toContain(`already run by process ${server!.child.pid}`);

    expect(postmasterPid(pgDir)).toBe(pm);
    expect(await healthz(url)).toBe(200);
  }, 60_000);

  it('runs its database with fsync on, while the test harness\' throwaway cluster may run without', async () => {
    expect(await sql<{ fsync: string }>('SHOW fsync')).toEqual([{ fsync: 'on' }]);
    if (!process.env.DATABASE_URL) {
      const harness = new Client({ connectionString: inject('adminUrl') });
      await harness.connect();
      expect((await harness.query('SHOW fsync')).rows).toEqual([{ fsync: 'off' }]);
      await harness.end();
    }
  });

  it('stops a postmaster orphaned together with its watchdog (kill -9 of both) before starting its own', async () => {
    const owner = embeddedOwner(pgDir)!;
    expect(owner.ownerPid).toBe(server!.child.pid);
    process.kill(owner.watchdogPid!, 'SIGKILL');
    server!.child.kill('SIGKILL');
    await server!.exited;
    // Nothing is left to stop it: this is the state the old code left after every kill -9.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(isAlive(owner.postmasterPid)).toBe(true);

    server = start();
    url = await serverUrl(server);
    expect(server.err()).toContain('stopping the embedded PostgreSQL left running by a process that was killed');
    expect(isAlive(owner.postmasterPid)).toBe(false);
    expect(postgresProcessesOf(pgDir)).toEqual([postmasterPid(pgDir)]);
    expect(await healthz(url)).toBe(200);
    expect(await sql(`SELECT value FROM observables WHERE value = 'kill9.life.example'`)).toHaveLength(1);

  }, 60_000);
});

describe('a start that fails', () => {
  beforeAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
    expect(postgresProcessesOf(pgDir)).toEqual([]);
  });

  it('exits non-zero when the HTTP port is taken, names the port, and stops its database', async () => {
    const { s, port, code, ms } = await startWithPortTaken('PORT');
    expect(code).not.toBe('hung');
    expect(code).not.toBe(0);
    expect(ms).toBeLessThan(15_000);
    expect(s.err()).toContain(`port ${port} is already in use (EADDRINUSE); stop the program using it or set PORT to a free port`);
    expect(s.err()).not.toMatch(/"error":"undefined"/);
    expect(postgresProcessesOf(pgDir)).toEqual([]);
  }, 30_000);

  it('names METRICS_PORT, not PORT, when the metrics port is the one taken', async () => {
    const { s, port, code } = await startWithPortTaken('METRICS_PORT');
    expect(code).not.toBe('hung');
    expect(code).not.toBe(0);
    expect(s.err()).toContain(`cannot listen on 127.0.0.1:${port}: port ${port} is already in use (EADDRINUSE)`);
    expect(s.err()).toContain('set METRICS_PORT to a free port (or to off)');
    expect(s.err()).not.toContain('set PORT');
    expect(postgresProcessesOf(pgDir)).toEqual([]);
  }, 30_000);

  it('says why the embedded PostgreSQL did not start (its port taken) instead of "undefined"', async () => {
    const pgPort = Number(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8'));
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(pgPort, '127.0.0.1', resolve));
    try {
      const s = start();
      expect(await s.exited).toBe(1);
      const failure = s.err().split('\n').find((l) => l.includes('failed to start'))!;
      const { error } = JSON.parse(failure) as { error: string };
      expect(error).toContain(`port ${pgPort} on 127.0.0.1 is taken by another program`);
      expect(error).toMatch(/could not bind IPv4 address "127\.0\.0\.1": Address already in use/);
      expect(error).toContain(path.join(dataDir, 'pg-port'));
      expect(postgresProcessesOf(pgDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('the CLI, with no server running, starts the database for itself and stops it again', async () => {
    const migrate = spawnDist('cli', dataDir, ['migrate']);
    expect(await migrate.exited).toBe(0);
    expect(migrate.out()).toBe('migrations are up to date\n');
    expect(migrate.err()).not.toContain('using the embedded PostgreSQL that process');
    expect(postgresProcessesOf(pgDir)).toEqual([]);
  }, 30_000);
});

describe('describeError', () => {
  it('names the cause of values that are not Errors', () => {
    expect(describeError(undefined)).toBe('a step failed without saying why (it rejected with undefined)');
    expect(describeError('disk full')).toBe('disk full');
    expect(describeError({ message: 'from an object' })).toBe('from an object');
    expect(describeError({ code: 42 })).toBe('a step failed with a non-error value: { code: 42 }');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(describeError(new AggregateError([refused, refused]))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(describeError(Object.assign(new Error('listen failed'), { code: 'EACCES' }))).toBe('listen failed (EACCES)');
  });
});

describe('exit codes', () => {
  it('loading the embedded PostgreSQL package leaves a failing exit code alone (its exit hook used to turn it into 0)', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `process.exitCode = 3; require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'src', 'db', 'embedded.js'))}).loadEmbeddedPostgres().then(() => undefined);`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
  });
});
