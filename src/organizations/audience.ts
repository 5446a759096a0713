import type { EntityManager } from 'typeorm';
import { badInput, InputProblem } from '../common/errors';
import { text, textList } from '../common/validate';

const MAX_AUDIENCE_ORGS = 500;

/** Who a publication is for: everyone, or named sectors, regions and organisations (codes). */
export interface AudienceInput {
  everyone?: boolean | null;
  sectors?: string[] | null;
  regions?: string[] | null;
  /** Organisation codes. */
  organizations?: string[] | null;
}

export interface CheckedAudience {
  everyone: boolean;
  sectors: string[];
  regions: string[];
  /** Upper-cased, in input order, so that an unknown one is reported by its index. */
  orgCodes: string[];
}

/** An audience is everyone, or names at least one sector, region or organisation, never both. */
export function checkAudience(a: AudienceInput, field = 'input.audience'): CheckedAudience {
  const f = (name: string) => `${field}.${name}`;
  const sectors = textList(f('sectors'), a.sectors, { maxItems: 50, maxLen: 64 });
  const regions = textList(f('regions'), a.regions, { maxItems: 50, maxLen: 64 });
  const codes = a.organizations ?? [];
  if (codes.length > MAX_AUDIENCE_ORGS) throw new InputProblem(f('organizations'), `must have at most ${MAX_AUDIENCE_ORGS} items`);
  const orgCodes = codes.map((c, i) => text(`${f('organizations')}[${i}]`, c, { max: 32 }).toUpperCase());
  const named = sectors.length + regions.length + orgCodes.length > 0;
  if (a.everyone === true && named) throw new InputProblem(f('everyone'), 'must not be true when sectors, regions or organizations are named');
  if (a.everyone === false && !named) throw new InputProblem(field, 'must name a sector, region or organization when everyone is false');
  return { everyone: !named, sectors, regions, orgCodes };
}

/** Organisation codes to ids; an unknown code is BAD_USER_INPUT naming its index. */
export async function audienceOrgIds(m: EntityManager, codes: string[], field = 'input.audience'): Promise<string[]> {
  if (!codes.length) return [];
  const rows: { id: string; code: string }[] = await m.query('SELECT id, code FROM organizations WHERE code = ANY($1::text[])', [codes]);
  const byCode = new Map(rows.map((r) => [r.code, r.id]));
  codes.forEach((c, i) => {
    if (!byCode.has(c)) throw badInput(`${field}.organizations[${i}]`, `unknown organisation "${c}"`);
  });
  return [...new Set(codes.map((c) => byCode.get(c)!))];
}

/**
 * The organisations an audience reaches now: those named, and those whose
 * sector or region is named (free text on both sides, so compared
 * case-insensitively).
 */
export async function organizationsReached(m: EntityManager, a: { orgIds: string[]; sectors: string[]; regions: string[] }): Promise<string[]> {
  const rows: { id: string }[] = await m.query(
    `SELECT id FROM organizations
      WHERE id = ANY($1::uuid[]) OR lower(sector) = ANY($2::text[]) OR lower(region) = ANY($3::text[])`,
    [a.orgIds, a.sectors.map((x) => x.toLowerCase()), a.regions.map((x) => x.toLowerCase())],
  );
  return rows.map((r) => r.id);
}
