import '../node-env';
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditEventEntity } from '../audit/audit-event.entity';
import { generateSigningKey, mintToken } from '../auth/keys';
import { OrgKind, Role } from '../common/enums';
import { logger } from '../common/logger';
import { ConfigError, loadConfig, parseDuration } from '../config';
import { openDatabase, type Database } from '../api/database';
import { buildSchemas, printSdl } from '../api/schema';
import { createServices } from '../api/services';
import { backupDatabase, restoreDatabase } from './backup';
import { describeError } from './describe-error';
import { readPrivateKey, writePrivateKey } from './keyfile';
import { importRangesFile } from './ranges';
import { seedDemo } from './seed';
import { pullCollection } from '../interop/taxii/pull';

class UsageError extends Error {}

interface Command {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(values: Record<string, string | boolean | undefined>): Promise<void>;
}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`--${name} is required`);
  return v.trim();
}

const COMMANDS: Record<string, Command> = {
  'keys generate': {
    usage: `keys generate --org CODE --out FILE
  Generates an ES256 key pair for organisation CODE. The private JWK is written
  to FILE (mode 0600); the public JWK is printed, ready for registerSigningKey.`,
    options: { org: { type: 'string' }, out: { type: 'string' } },
    async run(v) {
      const org = need(v, 'org').toUpperCase();
      const out = need(v, 'out');
      if (fs.existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite a key`);
      const { privateJwk, publicJwk } = await generateSigningKey(org);
      writePrivateKey(out, privateJwk);
      process.stdout.write(JSON.stringify(publicJwk, null, 2) + '\n');
      process.stderr.write(`private key written to ${out} (mode 0600); register the public key above for ${org}\n`);
    },
  },
  'token mint': {
    usage: `token mint --org CODE --key FILE --sub NAME --roles A,B [--ttl 15m] [--aud AUD]
  Signs a token with the private JWK in FILE, as organisation CODE's own systems would.
  --ttl defaults to 15m (the server accepts at most TOKEN_MAX_LIFETIME, 1h by default);
  --aud defaults to TOKEN_AUDIENCE or "threatfed". Roles: ${Object.values(Role).join(', ')}.`,
    options: { org: { type: 'string' }, key: { type: 'string' }, sub: { type: 'string' }, roles: { type: 'string' }, ttl: { type: 'string' }, aud: { type: 'string' } },
    async run(v) {
      const roles = need(v, 'roles').split(',').map((r) => r.trim().toUpperCase());
      const bad = roles.filter((r) => !(Object.values(Role) as string[]).includes(r));
      if (bad.length) throw new UsageError(`--roles: unknown role(s) ${bad.join(', ')}; use ${Object.values(Role).join(', ')}`);
      const ttl = parseDuration(typeof v.ttl === 'string' ? v.ttl : '15m');
      if (!ttl) throw new UsageError('--ttl must be a duration such as 900, 15m or 1h');
      const token = await mintToken(readPrivateKey(need(v, 'key')), {
        org: need(v, 'org').toUpperCase(),
        sub: need(v, 'sub'),
        roles: roles as Role[],
        ttl,
        audience: typeof v.aud === 'string' ? v.aud : process.env.TOKEN_AUDIENCE || 'threatfed',
      });
      process.stdout.write(token + '\n');
    },
  },
  init: {
    usage: `init --coordinator CODE --key-out FILE [--name NAME]
  On an empty database (DATABASE_URL, or the embedded one under DATA_DIR): applies
  migrations, registers coordinator organisation CODE with a new key, and writes
  its private JWK to FILE (mode 0600).`,
    options: { coordinator: { type: 'string' }, 'key-out': { type: 'string' }, name: { type: 'string' } },
    async run(v) {
      const code = need(v, 'coordinator').toUpperCase();
      const out = need(v, 'key-out');
      if (fs.existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite a key`);
      await withServices(async (services) => {
        if (!(await services.organizations.isEmpty())) throw new UsageError('the database already has organisations; init only runs on an empty one');
        const { privateJwk, publicJwk } = await generateSigningKey(code);
        await services.organizations.bootstrap({ code, name: typeof v.name === 'string' ? v.name : code, kind: OrgKind.COORDINATOR }, publicJwk);
        writePrivateKey(out, privateJwk);
        process.stdout.write(`coordinator ${code} registered with key ${privateJwk.kid}; private key in ${out}\n`);
      });
    },
  },
  'seed --demo': {
    usage: `seed --demo
  On an empty database: the demo organisations, their keys (written to
  DATA_DIR/demo-keys/<CODE>.jwk) and a few shared indicators.`,
    options: { demo: { type: 'boolean' } },
    async run() {
      const config = loadConfig();
      await withServices(async (services) => {
        await seedDemo(services, config.dataDir, config.tokenAudience);
        process.stdout.write(`demo data seeded; keys in ${config.dataDir}/demo-keys\n`);
      });
    },
  },
  'ranges import': {
    usage: `ranges import --file FILE [--reason TEXT]
  Loads approved asset ranges (e.g. a registry export): one "ORG_CODE CIDR" per
  line, blank lines and # comments ignored. Every line is checked like an
  approval (known organisation, a block no wider than /8 or /32, no overlap with
  another organisation's approved range outside a delegation); if any line is
  refused, each is reported and nothing is imported. Recorded as cli/<user>.`,
    options: { file: { type: 'string' }, reason: { type: 'string' } },
    async run(v) {
      const file = need(v, 'file');
      await withServices(async (services) => {
        const n = await importRangesFile(services, file, typeof v.reason === 'string' ? v.reason : null);
        process.stdout.write(`${n} asset range(s) approved from ${file}\n`);
      });
    },
  },
  migrate: {
    usage: `migrate
  Applies pending migrations to DATABASE_URL (or the embedded database).`,
    options: {},
    async run() {
      await withServices(async (_services, applied) => {
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'migrations are up to date\n');
      });
    },
  },
  backup: {
    usage: `backup --out FILE
  Writes a pg_dump custom-format archive of DATABASE_URL (or of the embedded
  database under DATA_DIR, running or not) to FILE. Needs pg_dump of the
  server's major version or newer, on PATH or in PG_BIN.`,
    options: { out: { type: 'string' } },
    async run(v) {
      const out = need(v, 'out');
      if (fs.existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite a backup`);
      await withDatabase({ migrate: false }, async (database, url) => {
        process.stdout.write((await backupDatabase(database.db, url, out)) + '\n');
      });
    },
  },
  'audit export': {
    usage: `audit export --since WHEN --out FILE [--until WHEN] [--org CODE]
  Writes the audit events from WHEN on (an ISO date-time such as 2026-01-01T00:00:00Z,
  or a duration back from now such as 30d or 12h) to FILE as JSON lines, oldest first.
  --until ends the range (exclusive); --org keeps one acting organisation's events.
  Reads the database directly (DATABASE_URL), so every organisation's events.`,
    options: { since: { type: 'string' }, until: { type: 'string' }, org: { type: 'string' }, out: { type: 'string' } },
    async run(v) {
      const since = when('since', need(v, 'since'));
      const until = typeof v.until === 'string' ? when('until', v.until) : undefined;
      const out = need(v, 'out');
      if (fs.existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite it`);
      await withServices(async (services) => {
        const fd = fs.openSync(out, 'wx', 0o600);
        try {
          const n = await services.auditLog.exportAll({ since, until, organization: typeof v.org === 'string' ? v.org : undefined }, (rows) => {
            fs.writeSync(fd, rows.map((r) => JSON.stringify(auditLine(r)) + '\n').join(''));
          });
          process.stdout.write(`${n} audit events written to ${out}\n`);
        } finally {
          fs.closeSync(fd);
        }
      });
    },
  },
  'taxii pull': {
    usage: `taxii pull --url API_ROOT --collection ID --token-file FILE --org CODE --key FILE [--since WHEN] [--state FILE]
  Imports a TAXII 2.1 collection (any server) through the STIX import path as local
  organisation CODE (a CONTRIBUTOR token is signed with its private JWK in --key).
  --token-file holds the remote server's bearer token. The last date_added imported is
  kept in --state (default DATA_DIR/taxii-pull.json); the next run resumes after it.
  --since (ISO date-time) is where a first run starts.`,
    options: {
      url: { type: 'string' }, collection: { type: 'string' }, 'token-file': { type: 'string' }, org: { type: 'string' },
      key: { type: 'string' }, since: { type: 'string' }, state: { type: 'string' },
    },
    async run(v) {
      const url = need(v, 'url');
      if (!/^https?:\/\//.test(url)) throw new UsageError('--url must be an http(s) URL of a TAXII API root');
      const token = fs.readFileSync(need(v, 'token-file'), 'utf8').trim();
      const since = typeof v.since === 'string' ? when('since', v.since).toISOString() : undefined;
      const org = need(v, 'org').toUpperCase();
      const key = readPrivateKey(need(v, 'key'));
      const statePath = typeof v.state === 'string' ? v.state : path.join(loadConfig().dataDir, 'taxii-pull.json');
      await withServices(async (services) => {
        const audience = process.env.TOKEN_AUDIENCE || 'threatfed';
        const p = await services.tokens.verify(await mintToken(key, { org, sub: 'taxii-pull', roles: [Role.CONTRIBUTOR], audience, ttl: 300 }));
        const r = await pullCollection(services, p, { url, collection: need(v, 'collection'), token, statePath, since });
        process.stdout.write(`${r.objects} objects in ${r.pages} pages: ${r.imported} imported, ${r.updated} updated, ${r.rejected} rejected; next run resumes after ${r.addedAfter ?? 'the start'}\n`);
      });
    },
  },
  'audit prune': {
    usage: `audit prune [--older-than DURATION]
  Deletes audit events older than DURATION (default AUDIT_RETENTION, 400d), as the
  server does at start-up and every hour.`,
    options: { 'older-than': { type: 'string' } },
    async run(v) {
      const raw = typeof v['older-than'] === 'string' ? v['older-than'] : undefined;
      const retention = raw === undefined ? loadConfig().auditRetentionS : parseDuration(raw);
      if (raw !== undefined && !retention) throw new UsageError('--older-than must be a duration such as 400d');
      if (!retention) throw new UsageError('AUDIT_RETENTION is off; give --older-than');
      await withServices(async (services) => {
        const n = await services.auditLog.prune(retention);
        process.stdout.write(`${n} audit events older than ${Math.round(retention / 86400)} days deleted\n`);
      });
    },
  },
  restore: {
    usage: `restore --file FILE
  Restores an archive written by backup (or pg_dump -Fc) into an empty
  database: a fresh DATA_DIR, or a new database named by DATABASE_URL. Then
  applies the migrations the archive predates.`,
    options: { file: { type: 'string' } },
    async run(v) {
      const file = need(v, 'file');
      await withDatabase({ migrate: false }, async (database, url) => {
        process.stdout.write((await restoreDatabase(database.db, url, file)) + '\n');
        const applied = (await database.db.runMigrations({ transaction: 'each' })).map((m) => m.name);
        process.stdout.write(applied.length ? `migrations applied after the restore: ${applied.join(', ')}\n` : 'migrations are up to date\n');
      });
    },
  },
  schema: {
    usage: `schema [--subgraph] [--out FILE]
  Prints the API schema's GraphQL SDL (or writes it to FILE). With --subgraph:
  the Federation 2 subgraph SDL instead (@link, @key), as _service { sdl }
  answers it, for composing a supergraph.`,
    options: { out: { type: 'string' }, subgraph: { type: 'boolean' } },
    async run(v) {
      const { api, subgraph } = await buildSchemas();
      const sdl = v.subgraph ? subgraph.sdl : printSdl(api);
      if (typeof v.out === 'string') fs.writeFileSync(v.out, sdl);
      else process.stdout.write(sdl);
    },
  },
};

/** An ISO date-time, or a duration back from now (30d, 12h). */
function when(name: string, raw: string): Date {
  const secs = parseDuration(raw);
  const d = secs !== undefined ? new Date(Date.now() - secs * 1000) : new Date(raw);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO date-time such as 2026-01-01T00:00:00Z or a duration such as 30d`);
  return d;
}

/** One exported audit event, with the API's field names. */
function auditLine(r: AuditEventEntity) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    organization: r.organizationCode,
    subject: r.subject,
    tokenId: r.jti,
    keyId: r.kid,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome,
    detail: r.detail,
  };
}

async function withServices(fn: (services: ReturnType<typeof createServices>, applied: string[]) => Promise<void>): Promise<void> {
  const config = loadConfig();
  await withDatabase({}, (database) => fn(createServices(database.db, config), database.applied));
}

async function withDatabase(opts: { migrate?: boolean }, fn: (database: Database, url: string) => Promise<void>): Promise<void> {
  const config = loadConfig();
  logger.setLevel(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // A running server's embedded cluster is used as it is (and left running): starting a second postmaster on its directory cannot work.
  const database = await openDatabase(config, { ...opts, attach: true });
  const attached = database.embedded?.attachedTo;
  if (attached) {
    process.stderr.write(`using the embedded PostgreSQL that process ${attached.ownerPid} runs for ${config.dataDir} (port ${database.embedded!.port})\n`);
  }
  try {
    await fn(database, database.embedded?.url ?? config.databaseUrl!);
  } finally {
    await database.close();
  }
}

function help(): string {
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${Object.values(COMMANDS)
    .map((c) => '  ' + c.usage.split('\n')[0])
    .join('\n')}\n\nRun a command with --help for details.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name =
    [`${words[0]} ${words[1]}`, words[0]].find((n) => n in COMMANDS) ?? (words[0] === 'seed' && argv.includes('--demo') ? 'seed --demo' : undefined);
  if (!name) {
    if (argv.length && !argv.includes('--help') && !argv.includes('-h')) {
      process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${help()}`);
      return 2;
    }
    process.stdout.write(help());
    return argv.length ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage: npm run cli -- ${cmd.usage}\n`);
    return 0;
  }
  const rest = argv.slice(name.startsWith('seed') ? 1 : name.split(' ').length);
  try {
    const { values } = parseArgs({ args: rest, options: cmd.options, strict: true, allowPositionals: false });
    await cmd.run(values);
    return 0;
  } catch (err) {
    const msg = describeError(err);
    const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
    const usage = err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    process.stderr.write(`error: ${msg}\n${usage ? `\nUsage: npm run cli -- ${cmd.usage}\n` : ''}`);
    return err instanceof ConfigError || usage ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
