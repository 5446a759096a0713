import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

/** The node flags `npm start` gives the server (package.json's start script): tests and benchmarks run it the same way. */
export const SERVER_NODE_FLAGS: string[] = (() => {
  const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /^node((?: --\S+)*) dist\/src\/main\.js$/.exec(start);
  if (!m) throw new Error(`package.json's start script is not "node [flags] dist/src/main.js": ${start}`);
  return m[1].split(' ').filter(Boolean);
})();

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr (its log lines) so far. */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The compiled server (`npm start`'s entry point, with its flags) as a separate OS process on
 * `databaseUrl`. `npm test` builds dist/ first; run `npm run build` before
 * running such a test file alone.
 */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it first)`);
  return startProcess([...SERVER_NODE_FLAGS, ...nodeArgs, MAIN], { DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', METRICS_PORT: 'off', ...env }, /running at (http:\/\/\S+\/graphql)/);
}

/** `node <args>` as a separate OS process, ready once its standard output matches `ready` (whose first group is its URL). */
export async function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${path.basename(args[0])} did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(args[0])} exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
