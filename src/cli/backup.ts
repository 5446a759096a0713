import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { embeddedBinDir } from '../db/embedded';

export interface PgTool {
  bin: string;
  major: number;
  version: string;
}

/**
 * Where pg_dump and pg_restore may be: PG_BIN alone when it is set; else the
 * embedded package (it ships none today, but may), PATH, and the usual
 * per-version directories of Debian/Ubuntu, RHEL and Homebrew.
 */
function candidateDirs(): string[] {
  if (process.env.PG_BIN) return [process.env.PG_BIN];
  const dirs: string[] = [];
  try {
    dirs.push(embeddedBinDir());
  } catch {
    /* no binary package for this platform */
  }
  dirs.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  for (const [root, pattern] of [
    ['/usr/lib/postgresql', /^\d+$/],
    ['/usr', /^pgsql-\d+$/],
    ['/opt/homebrew/opt', /^postgresql@\d+$/],
    ['/usr/local/opt', /^postgresql@\d+$/],
  ] as const) {
    try {
      for (const d of fs.readdirSync(root)) if (pattern.test(d)) dirs.push(path.join(root, d, 'bin'));
    } catch {
      /* not on this system */
    }
  }
  return [...new Set(dirs)];
}

async function run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Every working copy of `name` found, newest first. */
export async function findPgTools(name: 'pg_dump' | 'pg_restore'): Promise<PgTool[]> {
  const found: PgTool[] = [];
  const seen = new Set<string>();
  for (const dir of candidateDirs()) {
    const bin = path.join(dir, name);
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      // /bin and /usr/bin are often one directory, and Debian's /usr/bin/pg_dump is a wrapper: list each program once.
      const real = fs.realpathSync(bin);
      if (seen.has(real)) continue;
      seen.add(real);
      const { out } = await run(bin, ['--version']);
      const m = /\(PostgreSQL\)\s+((\d+)[.\w]*)/.exec(out);
      if (m) found.push({ bin, major: Number(m[2]), version: m[1] });
    } catch {
      /* absent or broken */
    }
  }
  return found.sort((a, b) => b.major - a.major);
}

/** pg_dump refuses a server newer than itself; say which tools were found and how to get the right one. */
async function pgToolFor(name: 'pg_dump' | 'pg_restore', serverMajor: number): Promise<PgTool> {
  const tools = await findPgTools(name);
  const best = tools[0];
  if (best && best.major >= serverMajor) return best;
  const seen = tools.length ? `found only ${tools.map((t) => `${t.bin} (${t.version})`).join(', ')}` : 'found none';
  throw new Error(
    `${name} from PostgreSQL ${serverMajor} or later is needed for this PostgreSQL ${serverMajor} server; ${seen}` +
      `${process.env.PG_BIN ? ` in PG_BIN=${process.env.PG_BIN}` : ''}. The embedded package ships no ${name}: install the PostgreSQL ${serverMajor} ` +
      `client tools (e.g. the postgresql-client-${serverMajor} package) and put them on PATH or point PG_BIN at their bin directory`,
  );
}

/** The password travels in the environment, not on a command line that `ps` shows. */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv; shown: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const shown = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }, shown };
}

async function serverMajor(db: DataSource): Promise<number> {
  const [{ server_version_num }] = (await db.query('SHOW server_version_num')) as { server_version_num: string }[];
  return Math.floor(Number(server_version_num) / 10000);
}

/** A custom-format (pg_dump -Fc) archive of the whole database at `url`. */
export async function backupDatabase(db: DataSource, url: string, out: string): Promise<string> {
  const tool = await pgToolFor('pg_dump', await serverMajor(db));
  const { dbname, env, shown } = connection(url);
  const res = await run(tool.bin, ['--format=custom', `--file=${out}`, `--dbname=${dbname}`], env);
  if (res.code !== 0) {
    fs.rmSync(out, { force: true });
    throw new Error(`${tool.bin} failed (exit ${res.code}): ${res.err.trim()}`);
  }
  return `backup of ${shown} written to ${out} (${fs.statSync(out).size} bytes, custom format, pg_dump ${tool.version})`;
}

/**
 * Restores a custom-format archive into the empty database at `url`, in one
 * transaction: a failed restore leaves the database as empty as it was.
 */
export async function restoreDatabase(db: DataSource, url: string, file: string): Promise<string> {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist`);
  const { dbname, env, shown } = connection(url);
  const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)) as { n: number }[];
  if (n > 0) {
    throw new Error(`${shown} already has ${n} tables; restore into a fresh DATA_DIR or a new, empty database (CREATE DATABASE), never over live data`);
  }
  const tool = (await findPgTools('pg_restore'))[0];
  if (!tool) throw new Error('no pg_restore found on PATH or in the usual PostgreSQL directories; install the PostgreSQL client tools or set PG_BIN');
  // --no-owner/--no-acl: the target's role need not be the one that owned the objects when they were dumped.
  const res = await run(tool.bin, ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`, file], env);
  if (res.code !== 0) throw new Error(`${tool.bin} (${tool.version}) failed (exit ${res.code}): ${res.err.trim()}`);
  return `restored ${file} into ${shown} (pg_restore ${tool.version})`;
}
