// Signs short-lived ES256 tokens in the browser. The private key is imported as a non-extractable CryptoKey and
// lives in this module's memory only: never in storage, a URL or a log.

export interface Session {
  org: string;
  sub: string;
  roles: string[];
  audience: string;
  /** A fresh bearer token (re-signed when the current one is close to expiry). */
  token(): Promise<string>;
}

const TTL_S = 10 * 60; // under the 15-minute ceiling the issue sets
const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const enc = (value: unknown): string => b64url(new TextEncoder().encode(JSON.stringify(value)));

/** Reads a private JWK (text of the .jwk file) and checks it is one this console can sign with. */
export function parsePrivateJwk(text: string): JsonWebKey & { kid: string } {
  let jwk: JsonWebKey & { kid?: string };
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error('not a JSON file');
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error('an EC P-256 private JWK (with "d") is needed');
  if (typeof jwk.kid !== 'string' || !jwk.kid) throw new Error('the JWK has no "kid"');
  return jwk as JsonWebKey & { kid: string };
}

/** A session whose tokens are signed locally with `jwk`. */
export async function keySession(jwk: JsonWebKey & { kid: string }, org: string, sub: string, roles: string[], audience: string): Promise<Session> {
  const { kty, crv, x, y, d } = jwk;
  const key = await crypto.subtle.importKey('jwk', { kty, crv, x, y, d }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const kid = jwk.kid;
  let current: { token: string; exp: number } | undefined;
  const sign = async (): Promise<string> => {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + TTL_S;
    const head = enc({ alg: 'ES256', kid, typ: 'JWT' });
    const body = enc({ iss: org, sub, aud: audience, iat, exp, jti: crypto.randomUUID(), roles });
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(`${head}.${body}`));
    current = { token: `${head}.${body}.${b64url(new Uint8Array(sig))}`, exp };
    return current.token;
  };
  return {
    org,
    sub,
    roles,
    audience,
    token: async () => (current && current.exp - Date.now() / 1000 > 60 ? current.token : sign()),
  };
}

/** A session around a pasted token: nothing to re-sign, it simply expires. */
export function tokenSession(token: string): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  let claims: { iss?: string; sub?: string; roles?: string[]; aud?: string | string[] };
  try {
    claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new Error('not a JWT');
  }
  const t = token.trim();
  return { org: claims.iss ?? '?', sub: claims.sub ?? '?', roles: claims.roles ?? [], audience: String(claims.aud ?? ''), token: async () => t };
}
