import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from '../common/enums';

/** A new ES256 key pair as JWKs; the private one never reaches the server. */
export async function generateSigningKey(orgCode: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${orgCode.toLowerCase()}-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { privateJwk, publicJwk };
}

export interface MintOptions {
  org: string;
  sub: string;
  roles: Role[];
  audience: string;
  /** Seconds. */
  ttl: number;
}

/** Signs a token the way a member organisation's own systems would. */
export async function mintToken(privateJwk: JWK, opts: MintOptions): Promise<string> {
  if (!privateJwk.kid || !privateJwk.alg) throw new Error('the private JWK must carry kid and alg');
  const key = await importJWK(privateJwk, privateJwk.alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: opts.roles })
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: 'JWT' })
    .setIssuer(opts.org)
    .setSubject(opts.sub)
    .setAudience(opts.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + opts.ttl)
    .setJti(randomUUID())
    .sign(key);
}
