import path from 'node:path';
import { SEVERITY_ORDER, Severity } from './common/enums';

import type { LogLevel } from './common/logger';
export type { LogLevel };

export interface Config {
  /** Unset means: start an embedded PostgreSQL under DATA_DIR. */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  dataDir: string;
  tokenAudience: string;
  /** Maximum accepted `exp - iat`, in seconds. */
  tokenMaxLifetime: number;
  logLevel: LogLevel;
  nodeEnv: string;
  isDev: boolean;
  /** Indicators at or above this severity raise an INDICATOR_HIGH_SEVERITY warning. */
  warningMinSeverity: Severity;
  /** The key that seals cursors (CURSOR_KEY); unset: DATA_DIR/cursor.key, created on first start. */
  cursorKey: Buffer | undefined;
  /** Port of the Prometheus /metrics listener; null: no listener. */
  metricsPort: number | null;
  metricsHost: string;
  /** Audit events older than this many seconds are pruned; null keeps them for ever. */
  auditRetentionS: number | null;
}

export class ConfigError extends Error {}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** Parses `90`, `90s`, `15m`, `1h`, `400d` into seconds. */
export function parseDuration(raw: string): number | undefined {
  const m = DURATION.exec(raw.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_S[m[2] ?? 's'];
}

/** `off` (or an empty value) turns a feature off. */
const isOff = (v: string | undefined) => v !== undefined && ['off', 'false', 'none', 'no'].includes(v.trim().toLowerCase());

/** Reads the environment once; every bad value is reported together, each with its rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const host = env.HOST?.trim() || '127.0.0.1';

  let port = 4000;
  if (env.PORT !== undefined && env.PORT !== '') {
    port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push(`PORT must be an integer between 0 and 65535 (got "${env.PORT}")`);
    }
  }

  const dataDir = path.resolve(env.DATA_DIR?.trim() || '.data');

  const tokenAudience = env.TOKEN_AUDIENCE?.trim() || 'threatfed';

  let tokenMaxLifetime = 3600;
  if (env.TOKEN_MAX_LIFETIME) {
    const secs = parseDuration(env.TOKEN_MAX_LIFETIME);
    if (secs === undefined || secs < 60 || secs > 86400) {
      problems.push(`TOKEN_MAX_LIFETIME must be a duration between 60s and 24h such as 900, 15m or 1h (got "${env.TOKEN_MAX_LIFETIME}")`);
    } else tokenMaxLifetime = secs;
  }

  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!levels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(', ')} (got "${env.LOG_LEVEL}")`);

  const nodeEnv = env.NODE_ENV?.trim() || 'production';
  if (!['production', 'development', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be production, development or test (got "${env.NODE_ENV}")`);
  }

  const warningMinSeverity = (env.WARNING_MIN_SEVERITY?.trim().toUpperCase() || Severity.HIGH) as Severity;
  if (!SEVERITY_ORDER.includes(warningMinSeverity)) {
    problems.push(`WARNING_MIN_SEVERITY must be one of ${SEVERITY_ORDER.join(', ')} (got "${env.WARNING_MIN_SEVERITY}")`);
  }

  let cursorKey: Buffer | undefined;
  const rawKey = env.CURSOR_KEY?.trim();
  if (rawKey) {
    cursorKey = /^[0-9a-fA-F]{64}$/.test(rawKey) ? Buffer.from(rawKey, 'hex') : Buffer.from(rawKey, 'base64');
    if (cursorKey.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(rawKey) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(rawKey))) {
      problems.push('CURSOR_KEY must be 32 random bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)');
      cursorKey = undefined;
    }
  }

  let metricsPort: number | null = 9464;
  if (isOff(env.METRICS_PORT)) metricsPort = null;
  else if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== '') {
    metricsPort = Number(env.METRICS_PORT);
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
      problems.push(`METRICS_PORT must be an integer between 0 and 65535, or off (got "${env.METRICS_PORT}")`);
    }
  }
  const metricsHost = env.METRICS_HOST?.trim() || '127.0.0.1';

  let auditRetentionS: number | null = 400 * 86400;
  if (isOff(env.AUDIT_RETENTION)) auditRetentionS = null;
  else if (env.AUDIT_RETENTION) {
    const secs = parseDuration(env.AUDIT_RETENTION);
    if (secs === undefined || secs < 86400) problems.push(`AUDIT_RETENTION must be a duration of at least 1d such as 400d, or off (got "${env.AUDIT_RETENTION}")`);
    else auditRetentionS = secs;
  }

  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return {
    databaseUrl,
    host,
    port,
    dataDir,
    tokenAudience,
    tokenMaxLifetime,
    logLevel,
    nodeEnv,
    isDev: nodeEnv === 'development',
    warningMinSeverity,
    cursorKey,
    metricsPort,
    metricsHost,
    auditRetentionS,
  };
}
