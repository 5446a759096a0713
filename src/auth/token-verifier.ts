import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type JWK } from 'jose';
import type { DataSource } from 'typeorm';
import { KeyStatus, OrgKind, OrgStatus, Role } from '../common/enums';
import { unauthenticated, type DomainError } from '../common/errors';
import { LiveCache } from '../common/live-cache';
import { textProblem } from '../common/validate';
import type { Principal } from './principal';

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

/** Asymmetric algorithms only: never `none`, never HS*. */
export const ALLOWED_ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
const CLOCK_TOLERANCE_S = 30;
/** Header members that would let a token bring its own key. */
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];

interface Tree {
  lineage: string[];
  descendants: string[];
  groups_self: string[];
  groups_lineage: string[];
}

interface KeyRow {
  org_id: string;
  org_code: string;
  org_kind: OrgKind;
  org_status: OrgStatus;
  allowed_roles: Role[];
  key_row_id: string | null;
  key_alg: string | null;
  key_status: KeyStatus | null;
  retired_until: Date | null;
  jwk: JWK | null;
}

/**
 * Whether a key with this status verifies tokens at `now`: an ACTIVE key
 * does; a RETIRED one until its `retiredUntil` (the overlap of a rotation);
 * a REVOKED one never.
 */
export function keyVerifies(status: KeyStatus | null, retiredUntil: Date | null, now: Date): boolean {
  if (status === KeyStatus.ACTIVE) return true;
  return status === KeyStatus.RETIRED && retiredUntil !== null && now < retiredUntil;
}

/** SQL twin of keyVerifies for a signing_keys alias. */
const KEY_VERIFIES_SQL = (k: string) => `(${k}.status = 'ACTIVE' OR (${k}.status = 'RETIRED' AND ${k}.retired_until > now()))`;

/**
 * Verifies bearer tokens against the key set of the organisation named by the
 * token's (unverified) `iss`, then resolves the principal. Organisation and key
 * status are read on every call, so a revocation takes effect at once.
 */
export class TokenVerifier {
  private readonly keyCache = new Map<string, ImportedKey>();
  // Key rows by (iss, kid) and organisation trees by id, served from memory only while the instance hears every
  // change (see cacheWhile); otherwise read per request (fail closed).
  private readonly keyRows = new LiveCache<KeyRow>();
  private readonly trees = new LiveCache<Tree>();
  // Tokens already verified, until they expire (or their retired key stops verifying): a client sends the same
  // token for minutes, and an ECDSA verification costs more than the rest of a small query.
  private readonly verified = new LiveCache<{ principal: Principal; untilMs: number }>();

  constructor(
    private readonly db: DataSource,
    readonly audience: string,
    private readonly maxLifetimeS: number,
  ) {}

  /**
   * Lets key rows and organisation trees be cached while `live()` is true; the caller must call
   * `invalidate` on every change to organisations, keys or groups and whenever `live()` turns false.
   */
  cacheWhile(live: () => boolean): void {
    this.keyRows.liveWhile(live);
    this.trees.liveWhile(live);
    this.verified.liveWhile(live);
  }

  /** Drops every cached key row and tree (a change was announced, or changes may have gone unheard). */
  invalidate(): void {
    this.keyRows.invalidate();
    this.trees.invalidate();
    this.verified.invalidate();
  }

  async verify(token: string): Promise<Principal> {
    const hit = await this.verified.get(token, () => this.verifyAnew(token), { usable: (v) => Date.now() < v.untilMs });
    // A copy: a socket's principal has its group memberships refreshed in place (recheck).
    return { ...hit!.principal };
  }

  /** The whole check: header, key row, signature, claims, roles, tree. */
  private async verifyAnew(token: string): Promise<{ principal: Principal; untilMs: number }> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw unauthenticated('malformed token', 'malformed');
    }
    if (!header.alg || !(ALLOWED_ALGS as readonly string[]).includes(header.alg)) {
      throw unauthenticated(`algorithm ${JSON.stringify(header.alg ?? null)} is not allowed (allowed: ${ALLOWED_ALGS.join(', ')})`, 'algorithm');
    }
    const embedded = FORBIDDEN_HEADERS.filter((h) => h in header);
    if (embedded.length) throw unauthenticated(`header ${embedded.join(', ')} is not accepted; keys are registered, never sent`, 'embedded_key');
    if (typeof header.kid !== 'string' || !header.kid) throw unauthenticated('header kid is required', 'missing_claim');
    if (typeof claims.iss !== 'string' || !claims.iss) throw unauthenticated('claim iss is required', 'missing_claim');
    // Before the key lookup: PostgreSQL refuses NUL in a query parameter, which would surface as an internal error.
    plainString('header kid', header.kid);
    plainString('claim iss', claims.iss);

    const iss = claims.iss;
    const kid = header.kid;
    const row = await this.keyRows.get(`${iss}\u0000${kid}`, async () => {
      const rows: KeyRow[] = await this.db.query(
        `SELECT o.id AS org_id, o.code AS org_code, o.kind AS org_kind, o.status AS org_status, o.allowed_roles,
                k.id AS key_row_id, k.alg AS key_alg, k.status AS key_status, k.retired_until, k.jwk
           FROM organizations o
           LEFT JOIN signing_keys k ON k.organization_id = o.id AND k.kid = $2
          WHERE o.code = $1`,
        [iss, kid],
      );
      return rows[0];
    }, { keep: (r) => r.key_row_id !== null }); // an unknown kid is not kept: callers choose kids freely
    if (!row) throw unauthenticated('unknown issuer', 'unknown_issuer');
    if (row.org_status !== OrgStatus.ACTIVE) throw unauthenticated('issuer organisation is suspended', 'organization_suspended');
    if (!row.key_row_id || !row.jwk || !row.key_alg) throw unauthenticated('unknown key for this issuer', 'unknown_key');
    if (row.key_status === KeyStatus.REVOKED) throw unauthenticated('key has been revoked', 'key_revoked');
    if (!keyVerifies(row.key_status, row.retired_until, new Date())) throw unauthenticated('key is retired', 'key_retired');
    if (header.alg !== row.key_alg) throw unauthenticated(`algorithm ${header.alg} does not match the registered key`, 'algorithm');

    const key = await this.importKey(row.key_row_id, row.jwk, row.key_alg);
    try {
      await jwtVerify(token, key, {
        algorithms: [row.key_alg],
        audience: this.audience,
        issuer: row.org_code,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'aud'],
      });
    } catch (err) {
      const [message, label] = describeJoseError(err);
      throw unauthenticated(message, label);
    }
    // Stored as the actor of every write (varchar 200 with the org code), so bounded here.
    if (typeof claims.sub !== 'string' || claims.sub.length > 128) throw unauthenticated('claim sub must be a string of at most 128 characters', 'bad_claim');
    if (typeof claims.jti !== 'string' || claims.jti.length > 128) throw unauthenticated('claim jti must be a string of at most 128 characters', 'bad_claim');
    // sub and jti end up in every row this principal writes and in the audit log: one that cannot be stored would fail each write.
    plainString('claim sub', claims.sub);
    plainString('claim jti', claims.jti);
    const exp = claims.exp as number;
    const iat = claims.iat as number;
    if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_S) throw unauthenticated('token issued in the future (iat)', 'bad_claim');
    if (exp - iat > this.maxLifetimeS) {
      throw unauthenticated(`token lifetime ${exp - iat}s exceeds the maximum of ${this.maxLifetimeS}s`, 'lifetime');
    }
    const roles = parseRoles(claims.roles);
    const notAllowed = roles.filter((r) => !row.allowed_roles.includes(r));
    if (notAllowed.length) throw unauthenticated(`role not allowed for ${row.org_code}: ${notAllowed.join(', ')}`, 'role_not_allowed');

    const tree = (await this.trees.get(row.org_id, () => this.readTree(row.org_id)))!;
    const principal: Principal = {
      orgId: row.org_id,
      orgCode: row.org_code,
      orgKind: row.org_kind,
      isCoordinator: row.org_kind === OrgKind.COORDINATOR,
      sub: String(claims.sub),
      roles,
      jti: String(claims.jti),
      kid: header.kid,
      expiresAt: new Date(exp * 1000),
      lineage: tree.lineage,
      descendants: tree.descendants,
      groupsSelf: tree.groups_self,
      groupsLineage: tree.groups_lineage,
    };
    // Accepted again from memory until it expires, or until its retired key stops verifying, whichever is first.
    const untilMs = Math.min(exp * 1000, row.key_status === KeyStatus.RETIRED && row.retired_until ? new Date(row.retired_until).getTime() : Infinity);
    return { principal, untilMs };
  }

  private async readTree(orgId: string): Promise<Tree> {
    const [tree] = await this.db.query(
      `WITH RECURSIVE up AS (
          SELECT id, parent_id FROM organizations WHERE id = $1
          UNION SELECT o.id, o.parent_id FROM organizations o JOIN up ON o.id = up.parent_id),
        down AS (
          SELECT id FROM organizations WHERE parent_id = $1
          UNION SELECT o.id FROM organizations o JOIN down ON o.parent_id = down.id)
       SELECT (SELECT array_agg(id) FROM up) AS lineage,
              (SELECT coalesce(array_agg(id), '{}') FROM down) AS descendants,
              (SELECT coalesce(array_agg(DISTINCT group_id), '{}') FROM sharing_group_members WHERE organization_id = $1) AS groups_self,
              (SELECT coalesce(array_agg(DISTINCT group_id), '{}') FROM sharing_group_members
                WHERE organization_id IN (SELECT id FROM up)) AS groups_lineage`,
      [orgId],
    );
    return tree;
  }

  /**
   * Of the (organisation, kid) pairs behind open connections, those whose
   * organisation and key are still active, with the roles the organisation
   * now allows: long-lived sockets are re-checked with this, so revocation
   * and narrowed roles reach them too.
   */
  async stillValid(pairs: { orgId: string; kid: string }[]): Promise<Map<string, Role[]>> {
    if (!pairs.length) return new Map();
    const rows: { org_id: string; kid: string; allowed_roles: Role[] }[] = await this.db.query(
      `SELECT o.id AS org_id, k.kid, o.allowed_roles
         FROM unnest($1::uuid[], $2::text[]) AS p(org_id, kid)
         JOIN organizations o ON o.id = p.org_id AND o.status = 'ACTIVE'
         JOIN signing_keys k ON k.organization_id = o.id AND k.kid = p.kid AND ${KEY_VERIFIES_SQL('k')}`,
      [pairs.map((x) => x.orgId), pairs.map((x) => x.kid)],
    );
    return new Map(rows.map((r) => [`${r.org_id}/${r.kid}`, r.allowed_roles]));
  }

  /**
   * For each principal behind an open connection, the reason its token no
   * longer holds (key revoked, or retired past its overlap, organisation
   * suspended, a role no longer allowed) as an UNAUTHENTICATED error, or
   * null while it holds. It also brings the sharing-group memberships of
   * every principal that still holds up to date, in place: a connection's
   * subscriptions read through the same principal object, so membership
   * changes reach them at this check, not only at the next token.
   */
  async recheck(principals: readonly Principal[]): Promise<(DomainError | null)[]> {
    const [valid, groups] = await Promise.all([
      this.stillValid(principals.map((p) => ({ orgId: p.orgId, kid: p.kid }))),
      this.memberships([...new Set(principals.map((p) => p.orgId))]),
    ]);
    return principals.map((p) => {
      const allowed = valid.get(`${p.orgId}/${p.kid}`);
      if (!allowed) return unauthenticated('token revoked', 'key_revoked');
      if (!p.roles.every((r) => allowed.includes(r))) return unauthenticated('role no longer allowed', 'role_not_allowed');
      const now = groups.get(p.orgId);
      if (now && (!sameSet(p.groupsSelf, now.groupsSelf) || !sameSet(p.groupsLineage, now.groupsLineage))) {
        // New arrays, never edits of the old ones: holders of a principal can tell a change by identity.
        p.groupsSelf = now.groupsSelf;
        p.groupsLineage = now.groupsLineage;
      }
      return null;
    });
  }

  /** The sharing groups each organisation, and each organisation or one of its ancestors, is a member of, as they are now. */
  async memberships(orgIds: string[]): Promise<Map<string, Pick<Principal, 'groupsSelf' | 'groupsLineage'>>> {
    if (!orgIds.length) return new Map();
    const rows: { org_id: string; groups_self: string[]; groups_lineage: string[] }[] = await this.db.query(
      `WITH RECURSIVE up AS (
          SELECT id AS org_id, id AS anc_id, parent_id FROM organizations WHERE id = ANY($1::uuid[])
          UNION SELECT up.org_id, o.id, o.parent_id FROM organizations o JOIN up ON o.id = up.parent_id)
       SELECT up.org_id,
              coalesce(array_agg(DISTINCT gm.group_id) FILTER (WHERE gm.organization_id = up.org_id), '{}') AS groups_self,
              coalesce(array_agg(DISTINCT gm.group_id) FILTER (WHERE gm.group_id IS NOT NULL), '{}') AS groups_lineage
         FROM up LEFT JOIN sharing_group_members gm ON gm.organization_id = up.anc_id
        GROUP BY up.org_id`,
      [orgIds],
    );
    return new Map(rows.map((r) => [r.org_id, { groupsSelf: r.groups_self, groupsLineage: r.groups_lineage }]));
  }

  private async importKey(rowId: string, jwk: JWK, alg: string): Promise<ImportedKey> {
    const cacheKey = `${rowId}:${createHash('sha256').update(JSON.stringify(jwk)).digest('hex')}`;
    let key = this.keyCache.get(cacheKey);
    if (!key) {
      key = await importJWK(jwk, alg);
      this.keyCache.set(cacheKey, key);
    }
    return key;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Identifiers in a token follow the rule for names and codes: one line, no control or bidirectional characters. */
function plainString(name: string, value: string): void {
  const problem = textProblem(value, 'line');
  if (problem) throw unauthenticated(`${name} ${problem}`, 'bad_claim');
}

function parseRoles(raw: unknown): Role[] {
  if (!Array.isArray(raw) || raw.length === 0) throw unauthenticated('claim roles must be a non-empty array', 'bad_claim');
  // Checked before the names are echoed in the message below.
  raw.forEach((r, i) => typeof r === 'string' && plainString(`claim roles[${i}]`, r));
  const valid = Object.values(Role) as string[];
  const unknown = raw.filter((r) => typeof r !== 'string' || !valid.includes(r));
  if (unknown.length) throw unauthenticated(`claim roles has unknown role(s): ${unknown.map(String).join(', ')}`, 'bad_claim');
  return [...new Set(raw as Role[])];
}

/** The client's message and the metrics label for a failure inside jose. */
function describeJoseError(err: unknown): [string, string] {
  if (err instanceof joseErrors.JWTExpired) return ['token expired', 'expired'];
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return ['bad signature', 'bad_signature'];
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return [`claim ${err.claim} is required`, 'missing_claim'];
    switch (err.claim) {
      case 'aud': return ['wrong audience', 'audience'];
      case 'nbf': return ['token not yet valid (nbf)', 'not_yet_valid'];
      case 'iss': return ['issuer mismatch', 'bad_claim'];
      case 'iat': return ['invalid iat claim', 'bad_claim'];
      default: return [`invalid claim ${err.claim}`, 'bad_claim'];
    }
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return ['algorithm not allowed', 'algorithm'];
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return ['malformed token', 'malformed'];
  return ['token verification failed', 'other'];
}

/** Reads `Bearer <jwt>` from an Authorization header or connectionParams value. */
export function bearerToken(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) throw unauthenticated('missing bearer token', 'missing_token');
  const m = /^Bearer\s+(\S+)$/i.exec(value.trim());
  if (!m) throw unauthenticated('authorization must be "Bearer <token>"', 'malformed');
  return m[1];
}
