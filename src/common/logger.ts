import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Paths pino blanks out wherever they appear in a log call's fields (one
 * level of nesting is enough: callers pass flat objects or one nested
 * object). Bearer tokens, connection parameters and key material never
 * reach a log line, even when a caller passes them by mistake.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'connectionParams',
  'jwk',
  'privateJwk',
  'privateKey',
  'headers.authorization',
  'headers.cookie',
  '*.authorization',
  '*.token',
  '*.connectionParams',
  '*.jwk',
  '*.privateJwk',
  '*.privateKey',
  '*.d',
  '*.headers.authorization',
];

/**
 * A pino logger with the shape every ThreatFed line has: `time` (ISO),
 * `level` (its name), `msg`, then the fields. Written synchronously to
 * `destination` (stderr by default), so nothing is lost at process.exit and
 * stdout stays free for what a CLI prints.
 */
export function createPino(level: LogLevel, destination: DestinationStream = pino.destination({ dest: 2, sync: true })): PinoLogger {
  return pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    },
    destination,
  );
}

/**
 * The logger callers use: `logger.info(msg, fields)`. A thin wrapper so that
 * call sites read as before and the level can be changed at start-up; the
 * lines themselves come from pino.
 */
export class Logger {
  constructor(private pino: PinoLogger) {}

  setLevel(level: LogLevel): void {
    this.pino.level = level;
  }

  get level(): LogLevel {
    return this.pino.level as LogLevel;
  }

  /** Whether a line at `level` would be written (skip building costly fields otherwise). */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return this.pino.isLevelEnabled(level);
  }

  /** A logger that adds `bindings` to every line (a connection id, say). */
  child(bindings: Record<string, unknown>): Logger {
    return new Logger(this.pino.child(bindings));
  }

  debug(msg: string, f?: Record<string, unknown>) { this.pino.debug(f ?? {}, msg); }
  info(msg: string, f?: Record<string, unknown>) { this.pino.info(f ?? {}, msg); }
  warn(msg: string, f?: Record<string, unknown>) { this.pino.warn(f ?? {}, msg); }
  error(msg: string, f?: Record<string, unknown>) { this.pino.error(f ?? {}, msg); }
}

const initial = (process.env.LOG_LEVEL?.trim().toLowerCase() as LogLevel) || 'info';
export const logger = new Logger(createPino(['debug', 'info', 'warn', 'error', 'silent'].includes(initial) ? initial : 'info'));
