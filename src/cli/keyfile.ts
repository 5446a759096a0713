import fs from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';

/** Writes a private JWK readable by its owner only (0600). */
export function writePrivateKey(file: string, jwk: JWK): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(jwk, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export function readPrivateKey(file: string): JWK {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read key file ${file}`);
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(raw) as JWK;
  } catch {
    throw new Error(`${file} is not JSON (expected a private JWK)`);
  }
  if (!jwk.d) throw new Error(`${file} holds no private key (no "d" member)`);
  if (!jwk.kid || !jwk.alg) throw new Error(`${file} must carry "kid" and "alg"`);
  return jwk;
}

export function demoKeyPath(dataDir: string, code: string): string {
  return path.join(dataDir, 'demo-keys', `${code}.jwk`);
}
