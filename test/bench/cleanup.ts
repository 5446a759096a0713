import fs from 'node:fs';

/** Runs cleanup steps in order; a failing step is reported and the rest still run. */
export async function cleanUp(steps: [string, () => Promise<unknown> | unknown][]): Promise<void> {
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      console.error(`bench cleanup: ${name} failed: ${(err as Error).message}`);
    }
  }
}

/** What a single-process benchmark opened: a server over a scratch database, a raw client, perhaps its own PostgreSQL. */
export interface BenchResources {
  server?: { close(): Promise<void> };
  raw?: { end(): Promise<void> };
  db?: { isInitialized: boolean; destroy(): Promise<void> };
  admin?: { query(sql: string): Promise<unknown>; end(): Promise<void> };
  dbName: string;
  embedded?: { stop(): Promise<void> };
  tmp?: string;
}

/** Closes what `env` opened, in order: the HTTP agent, server, clients, the scratch database, PostgreSQL, the temp dir. */
export function closeBench(env: BenchResources, agent: { destroy(): void }): Promise<void> {
  return cleanUp([
    ['agent', () => agent.destroy()],
    ['server', () => env.server?.close()],
    ['raw client', () => env.raw?.end()],
    ['data source', () => env.db?.isInitialized && env.db.destroy()],
    ['drop database', () => env.admin?.query(`DROP DATABASE IF EXISTS "${env.dbName}" WITH (FORCE)`)],
    ['admin client', () => env.admin?.end()],
    ['embedded postgres', () => env.embedded?.stop()],
    ['temp dir', () => env.tmp && fs.rmSync(env.tmp, { recursive: true, force: true })],
  ]);
}
