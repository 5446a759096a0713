export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** JSON lines on stderr, so stdout stays free for what a CLI prints. */
export class Logger {
  constructor(private level: LogLevel = 'info') {}
  setLevel(level: LogLevel) {
    this.level = level;
  }
  private write(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) {
    if (RANK[level] < RANK[this.level]) return;
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
  }
  debug(msg: string, f?: Record<string, unknown>) { this.write('debug', msg, f); }
  info(msg: string, f?: Record<string, unknown>) { this.write('info', msg, f); }
  warn(msg: string, f?: Record<string, unknown>) { this.write('warn', msg, f); }
  error(msg: string, f?: Record<string, unknown>) { this.write('error', msg, f); }
}

export const logger = new Logger((process.env.LOG_LEVEL as LogLevel) || 'info');
