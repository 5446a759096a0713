import type { EntityManager } from 'typeorm';
import { ObservableType } from '../common/enums';
import { InputProblem } from '../common/errors';
import { cleanText } from '../common/validate';
import { normalizeObservable, parseCidr, widthProblem } from './normalize';

/** Ranges in one declaration or review. */
export const MAX_RANGES = 10_000;

/** 'tfar': serialises the writes that decide who holds which address space (declarations, reviews, imports). */
const RANGE_LOCK = 1952866674;

/**
 * A CIDR block in network form, or a single address taken as /32 or /128,
 * whatever its width: callers that store or approve a range add
 * `checkWidth`; a reviewer must still be able to name (and reject) a range
 * declared before the width rule existed.
 */
export function toCidr(raw: string, field: string): string {
  const v = cleanText(field, raw);
  if (v.length > 64) throw new InputProblem(field, 'must be at most 64 characters');
  if (v.includes('/')) return parseCidr(v, field).value;
  if (v.includes(':')) return `${normalizeObservable(ObservableType.IPV6, v, field).value}/128`;
  try {
    return `${normalizeObservable(ObservableType.IPV4, v, field).value}/32`;
  } catch {
    throw new InputProblem(field, 'must be a CIDR block such as 198.51.100.0/24 or a single IP address');
  }
}

/** Refuses a block wider than /8 (IPv4) or /32 (IPv6): nobody's own address space is that large. */
export function checkWidth(cidr: string, field: string): string {
  const wide = widthProblem(cidr);
  if (wide) throw new InputProblem(field, wide);
  return cidr;
}

/** Held until the transaction ends; two reviews of overlapping ranges can then not both pass the overlap check. */
export async function lockAddressSpace(m: EntityManager): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock($1)', [RANGE_LOCK]);
}

/**
 * Shared: a writer of indicators takes it before it locks any indicator row. A range writer holds the lock
 * exclusively while its triggers add rows that reference indicators (a key-share row lock each); an ingest
 * that locked its rows first and then waited for the lock in the indicators trigger would deadlock with it.
 */
export async function shareAddressSpace(m: EntityManager): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock_shared($1)', [RANGE_LOCK]);
}

/** A range about to become APPROVED; `index` names it in the answer. */
export interface Candidate {
  index: number;
  orgId: string;
  cidr: string;
}

/**
 * Why each candidate may not be approved because it overlaps an approved
 * range of another organisation (or another candidate of another
 * organisation: a bulk load is judged as the state it leaves). Overlap is
 * allowed only along a delegation: the other organisation is above the owner
 * (the owner's block was handed down from it), or below the owner with its
 * block inside the candidate (the same delegation, approved in the other
 * order). Siblings and strangers never share address space.
 */
export async function overlapProblems(m: EntityManager, candidates: Candidate[], label: (index: number) => string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!candidates.length) return out;
  const rows: { n: number; other_code: string; other_cidr: string; other_n: number | null }[] = await m.query(
    // Approved ranges are joined per candidate (the SP-GiST index on cidr answers &&); candidates among themselves directly.
    `WITH RECURSIVE cand AS (SELECT * FROM unnest($1::int[], $2::uuid[], $3::cidr[]) AS u(n, org, c)),
     hits AS (
       SELECT cand.n, cand.org, cand.c, a.organization_id AS other_org, a.cidr AS other_c, NULL::int AS other_n
         FROM cand JOIN asset_ranges a ON a.cidr && cand.c AND a.status = 'APPROVED' AND a.organization_id <> cand.org
       UNION ALL
       SELECT x.n, x.org, x.c, y.org, y.c, y.n FROM cand x JOIN cand y ON y.c && x.c AND y.org <> x.org),
     up(start, id) AS (
       SELECT x, x FROM (SELECT org FROM hits UNION SELECT other_org FROM hits) s(x)
       UNION SELECT up.start, o.parent_id FROM up JOIN organizations o ON o.id = up.id WHERE o.parent_id IS NOT NULL)
     SELECT h.n, oo.code AS other_code, h.other_c::text AS other_cidr, h.other_n
       FROM hits h JOIN organizations oo ON oo.id = h.other_org
      WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.start = h.org AND up.id = h.other_org)
        AND NOT (h.other_c <<= h.c AND EXISTS (SELECT 1 FROM up WHERE up.start = h.other_org AND up.id = h.org))
      ORDER BY h.n, h.other_n NULLS FIRST, h.other_c`,
    [candidates.map((c) => c.index), candidates.map((c) => c.orgId), candidates.map((c) => c.cidr)],
  );
  for (const r of rows) {
    if (out.has(r.n)) continue;
    const other = r.other_n === null ? `${r.other_code}'s approved range ${r.other_cidr}` : `${label(r.other_n)} (${r.other_code} ${r.other_cidr})`;
    out.set(
      r.n,
      `overlaps ${other}; a range may overlap another organisation's only when one was delegated from the other ` +
        '(the other organisation is above the owner, or below it with its range inside this one)',
    );
  }
  return out;
}
