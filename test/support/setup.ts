import 'reflect-metadata';
import { setCursorKey } from '../../src/common/cursor';
import { logger } from '../../src/common/logger';

// Tests assert on responses; keep the server's own logs out of the way unless asked for.
logger.setLevel((process.env.TEST_LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | 'silent') ?? 'silent');

if (process.env.CURSOR_KEY) setCursorKey(Buffer.from(process.env.CURSOR_KEY, 'hex'));
