import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { badInput } from './errors';

/**
 * Sealed cursors: AES-256-GCM over a small JSON payload, with the list's name
 * as associated data. A cursor reveals nothing (not even the row's sequence
 * number, whose gaps would count rows written by others), cannot be forged,
 * and a cursor of one list does not open in another.
 *
 * Sealing is deterministic (the nonce is an HMAC of the list and payload, a
 * synthetic IV): the same position always gives the same cursor, so a live
 * event and the log query agree, and a nonce repeats only with its plaintext.
 *
 * The key is per deployment: every instance must use the same one so that a
 * client can resume on any of them (CURSOR_KEY, or DATA_DIR/cursor.key; see
 * src/api/cursor-key.ts). Until one is installed, a random key per process is
 * used, which is right for a single process and wrong for a fleet.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const CURSOR_KEY_BYTES = 32;

let key: Buffer;
let nonceKey: Buffer;
setCursorKey(randomBytes(CURSOR_KEY_BYTES));

/** Installs the deployment's cursor key (32 bytes). */
export function setCursorKey(k: Buffer): void {
  if (k.length !== CURSOR_KEY_BYTES) throw new Error(`a cursor key has ${CURSOR_KEY_BYTES} bytes (got ${k.length})`);
  key = Buffer.from(k);
  // A separate key for nonces, so that the encryption key is never used for anything else.
  nonceKey = createHmac('sha256', key).update('threatfed cursor nonce').digest();
}

/** Seals `payload` for the list `scope`. */
export function sealCursor(scope: string, payload: Record<string, unknown>): string {
  const plain = JSON.stringify(payload);
  const aad = Buffer.from(`${VERSION}:${scope}`);
  const iv = createHmac('sha256', nonceKey).update(aad).update('\u0000').update(plain).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a cursor sealed for `scope`; anything else — forged, altered, another list's, another key's — is BAD_USER_INPUT naming `field`. */
export function openCursor(scope: string, token: string, field = 'after'): Record<string, unknown> {
  const refused = () => badInput(field, 'is not a cursor this API returned for this list');
  if (typeof token !== 'string' || token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) throw refused();
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 1 + IV_BYTES + TAG_BYTES + 2 || raw[0] !== VERSION) throw refused();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(`${VERSION}:${scope}`));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    const payload = JSON.parse(plain.toString('utf8')) as unknown;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw refused();
    return payload as Record<string, unknown>;
  } catch {
    throw refused();
  }
}

/** A keyset position (a row's `seq`) in the list `scope`. */
export function encodeCursor(scope: string, seq: string | number | bigint): string {
  return sealCursor(scope, { s: String(seq) });
}

/** The position `after` stands for in `scope`, or undefined when absent. */
export function decodeCursor(scope: string, after: string | null | undefined, field = 'after'): string | undefined {
  if (after === undefined || after === null) return undefined;
  const { s } = openCursor(scope, after, field);
  if (typeof s !== 'string' || !/^\d{1,19}$/.test(s)) throw badInput(field, 'is not a cursor this API returned for this list');
  return s;
}
