import './node-env';
import 'reflect-metadata';
import fs from 'node:fs';
import { mintToken } from './auth/keys';
import { describeError } from './cli/describe-error';
import { demoKeyPath, readPrivateKey } from './cli/keyfile';
import { seedDemo } from './cli/seed';
import { Role } from './common/enums';
import { logger } from './common/logger';
import { ConfigError, loadConfig, type Config } from './config';
import { installCursorKey } from './api/cursor-key';
import { openDatabase, type Database } from './api/database';
import { startServer } from './api/server';
import { createServices } from './api/services';

/** Kept here so that a failed start can still stop the embedded database it started. */
let database: Database | undefined;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
  logger.setLevel(config.logLevel);
  installCursorKey(config);
  database = await openDatabase(config);
  const services = createServices(database.db, config);

  if (!config.databaseUrl && (await services.organizations.isEmpty())) {
    logger.info('empty embedded database: seeding the demo organisations');
    await seedDemo(services, config.dataDir, config.tokenAudience);
  }

  const server = await startServer(config, services);
  logger.info('ThreatFed listening', { url: server.url, metrics: server.metricsUrl ?? 'off' });
  await printWelcome(config, server.url);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    try {
      await server.close();
      await database?.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Where the console is and how to sign in to it; a ready-to-paste call with a fresh analyst token, when the demo coordinator's key is at hand. */
async function printWelcome(config: Config, url: string): Promise<void> {
  const keyFile = demoKeyPath(config.dataDir, 'VNCERT');
  const consoleUrl = url.replace(/\/graphql$/, '/');
  const lines = [`\nThreatFed is running at ${url}\n`, `Web console: ${consoleUrl}`];
  if (fs.existsSync(keyFile)) {
    lines.push(
      `  sign in as the demo analyst: pick the key file ${keyFile}`,
      `  (organisation VNCERT, role ANALYST; the key stays in the browser, which signs 10-minute tokens itself)\n`,
    );
    const token = await mintToken(readPrivateKey(keyFile), { org: 'VNCERT', sub: 'demo-analyst', roles: [Role.ANALYST], audience: config.tokenAudience, ttl: 900 });
    const query = JSON.stringify({ query: '{ me { subject roles organization { code } } indicators(first: 5) { totalCount edges { node { observable { type value } severity tlp author { code } } } } }' });
    lines.push(
      'Try it (the token is a VNCERT analyst\'s, valid for 15 minutes):\n',
      `curl -s ${url} -H 'content-type: application/json' \\`,
      `  -H 'authorization: Bearer ${token}' \\`,
      `  -d '${query}'\n`,
      `Mint another: npm run -s cli -- token mint --org VNCERT --key ${keyFile} --sub you --roles ANALYST\n`,
    );
  } else {
    lines.push('  sign in with your organisation\'s private JWK file (or paste a token)\n');
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(async (err: unknown) => {
  logger.error('failed to start', { error: describeError(err), stack: err instanceof Error ? err.stack : undefined });
  // Stop the embedded PostgreSQL we started before exiting; bounded, so that a stuck close cannot turn a failure into a hang.
  const closing = database?.close().catch((e: unknown) => logger.warn('could not close the database', { error: describeError(e) }));
  await Promise.race([closing, new Promise((r) => setTimeout(r, 10_000).unref())]);
  process.exit(1);
});
