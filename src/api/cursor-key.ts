import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CURSOR_KEY_BYTES, setCursorKey } from '../common/cursor';
import type { Config } from '../config';

/**
 * Installs the deployment's cursor key: CURSOR_KEY when set (required when
 * instances do not share a DATA_DIR), else DATA_DIR/cursor.key, created
 * (mode 0600) on first start so that cursors survive restarts.
 */
export function installCursorKey(config: Pick<Config, 'cursorKey' | 'dataDir'>): 'environment' | 'file' {
  if (config.cursorKey) {
    setCursorKey(config.cursorKey);
    return 'environment';
  }
  const file = path.join(config.dataDir, 'cursor.key');
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(CURSOR_KEY_BYTES).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const hex = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} is not a cursor key (64 hex digits); remove it to have a new one made`);
  setCursorKey(Buffer.from(hex, 'hex'));
  return 'file';
}
