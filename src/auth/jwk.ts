import { importJWK, type JWK } from 'jose';
import { InputProblem } from '../common/errors';
import { ALLOWED_ALGS } from './token-verifier';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PUBLIC_MEMBERS: Record<string, string[]> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};

/**
 * Checks a JWK offered for registration and returns its public part, its kid
 * and the one algorithm tokens signed with it must use. Refuses private and
 * symmetric keys, RSA under 2048 bits, curves we do not accept, missing kid.
 */
export async function checkPublicJwk(raw: unknown, field = 'jwk'): Promise<{ jwk: JWK; kid: string; alg: string }> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputProblem(field, 'must be a JSON object (a public JWK)');
  const jwk = raw as Record<string, unknown>;
  const priv = PRIVATE_MEMBERS.filter((m) => m in jwk);
  if (jwk.kty === 'oct') throw new InputProblem(`${field}.kty`, 'symmetric keys are not accepted; register an asymmetric public key');
  if (priv.length) throw new InputProblem(field, `contains private key material (${priv.join(', ')}); register the public key only`);
  if (typeof jwk.kid !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(jwk.kid)) {
    throw new InputProblem(`${field}.kid`, 'is required: 1 to 128 characters of letters, digits, . _ : -');
  }
  let alg: string;
  switch (jwk.kty) {
    case 'EC':
      if (jwk.crv !== 'P-256') throw new InputProblem(`${field}.crv`, 'EC keys must use P-256 (ES256)');
      alg = 'ES256';
      break;
    case 'OKP':
      if (jwk.crv !== 'Ed25519') throw new InputProblem(`${field}.crv`, 'OKP keys must use Ed25519 (EdDSA)');
      alg = 'EdDSA';
      break;
    case 'RSA': {
      const bits = typeof jwk.n === 'string' ? Buffer.from(jwk.n, 'base64url').length * 8 : 0;
      if (bits < 2048) throw new InputProblem(`${field}.n`, `RSA keys must be at least 2048 bits (got ${bits})`);
      alg = jwk.alg === 'PS256' ? 'PS256' : 'RS256';
      break;
    }
    default:
      throw new InputProblem(`${field}.kty`, 'must be EC (P-256), OKP (Ed25519) or RSA');
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new InputProblem(`${field}.alg`, `must be ${alg} for this key type (allowed: ${ALLOWED_ALGS.join(', ')})`);
  }
  const pub: JWK = { kid: jwk.kid, alg };
  for (const m of PUBLIC_MEMBERS[jwk.kty as string]) (pub as Record<string, unknown>)[m] = jwk[m];
  try {
    await importJWK(pub, alg);
  } catch {
    throw new InputProblem(field, 'is not a valid public key');
  }
  return { jwk: pub, kid: jwk.kid, alg };
}
