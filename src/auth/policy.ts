import { REGISTRY_WARNING_KINDS } from '../common/enums';
import type { Principal } from './principal';

/** A SQL fragment with named parameters (TypeORM's `:name` style). */
export interface Predicate {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * THE sharing policy (TLP 2.0): a predicate that is true exactly for the rows
 * of a shared table (alias `t`, with author_id, tlp, recipient_org_ids and
 * recipient_group_ids) that the principal may read. Every read path uses it,
 * inside the query, before paging and counting.
 *
 * | TLP          | readers                                                   |
 * | CLEAR, GREEN | every authenticated principal (all belong to active orgs) |
 * | AMBER        | author, coordinators, R and the descendants of R          |
 * | AMBER_STRICT | author, coordinators, R                                   |
 * | RED          | author and R only                                         |
 * and the author's ancestors read everything but RED.
 */
export function visibleTo(p: Principal, t: string): Predicate {
  // Named for the principal, not the alias: a statement reading several tables under the rule binds each value once.
  const n = (name: string) => `pol_${name}`;
  const params: Record<string, unknown> = {
    [n('org')]: p.orgId,
    [n('self')]: [p.orgId],
    [n('lineage')]: p.lineage,
  };
  if (p.descendants.length) params[n('desc')] = p.descendants;
  if (p.groupsLineage.length) params[n('glin')] = p.groupsLineage;
  if (p.groupsSelf.length) params[n('gself')] = p.groupsSelf;
  // The text depends on the alias and the principal's shape only: built once per pair, as each request asks for it.
  const key = `${t}|${policyShape(p)}`;
  let sql = policyText.get(key);
  if (sql === undefined) {
    sql = visibleToText(p, t, n);
    if (policyText.size < 1000) policyText.set(key, sql);
  }
  return { sql, params };
}

const policyText = new Map<string, string>();

function visibleToText(p: Principal, t: string, n: (name: string) => string): string {
  const parts = [`${t}.tlp IN ('CLEAR','GREEN')`, `${t}.author_id = :${n('org')}`];
  if (p.descendants.length) parts.push(`(${t}.tlp <> 'RED' AND ${t}.author_id = ANY(CAST(:${n('desc')} AS uuid[])))`);
  if (p.isCoordinator) parts.push(`${t}.tlp IN ('AMBER','AMBER_STRICT')`);
  const amberGroups = p.groupsLineage.length ? ` OR ${t}.recipient_group_ids && CAST(:${n('glin')} AS uuid[])` : '';
  parts.push(`(${t}.tlp = 'AMBER' AND (${t}.recipient_org_ids && CAST(:${n('lineage')} AS uuid[])${amberGroups}))`);
  const strictGroups = p.groupsSelf.length ? ` OR ${t}.recipient_group_ids && CAST(:${n('gself')} AS uuid[])` : '';
  parts.push(`(${t}.tlp IN ('AMBER_STRICT','RED') AND (${t}.recipient_org_ids && CAST(:${n('self')} AS uuid[])${strictGroups}))`);
  return `(${parts.join(' OR ')})`;
}

/**
 * What the text of `visibleTo(p, alias)` depends on besides the alias: principals of one shape get the same SQL
 * (their ids are parameters), so a statement built around it can be prepared once per shape.
 */
export function policyShape(p: Principal): string {
  return `${p.descendants.length ? 'd' : ''}${p.isCoordinator ? 'c' : ''}${p.groupsLineage.length ? 'g' : ''}${p.groupsSelf.length ? 's' : ''}`;
}

/**
 * Whether the principal may see who an object was shared with: the author,
 * the author's ancestors and coordinators. Recipients do not learn who else
 * received it.
 */
export function mayKnowRecipients(p: Principal, authorId: string): boolean {
  return p.isCoordinator || p.orgId === authorId || p.descendants.includes(authorId);
}

/** Whether the principal acts for the author of an object (its own organisation or an ancestor of it). */
export function actsForAuthor(p: Principal, authorId: string): boolean {
  return p.orgId === authorId || p.descendants.includes(authorId);
}

/**
 * Advisories: the sharing policy above, and a draft only to its author
 * organisation, the author's ancestors and coordinators. A draft is unvetted
 * work in progress; the coordinators see it because they are the ones who
 * publish it. Used for every advisory read, lock and count.
 */
export function advisoryVisibleTo(p: Principal, t: string): Predicate {
  const base = visibleTo(p, t);
  if (p.isCoordinator) return base;
  const authors = `pol_${t}_adv_authors`;
  return {
    sql: `(${base.sql} AND (${t}.status <> 'DRAFT' OR ${t}.author_id = ANY(CAST(:${authors} AS uuid[]))))`,
    params: { ...base.params, [authors]: [p.orgId, ...p.descendants] },
  };
}

/**
 * Who reads an entry of the warning log (alias `t` on `warnings`).
 * - EXPOSURE (audience_org_ids = the owner of an APPROVED range that the
 *   indicator overlaps; the producer logs one only for such an owner, and at
 *   AMBER_STRICT or RED only when the owner is a recipient): the owner, since
 *   that is what the warning is for — at AMBER_STRICT and RED only while it
 *   is still a recipient (through a group: while it is a member now). Anyone
 *   else only when it may read the indicator itself (`visibleTo` over the
 *   warning's copy of the indicator's author, TLP and recipients) AND it is
 *   on the owner's side: an organisation above the owner, or a coordinator.
 *   The title names the indicator's value and the summary the owner's
 *   ranges, so neither the owner's ancestors nor the coordinators learn an
 *   indicator through it that they could not open, and other readers of the
 *   indicator are not told whose address space it is in.
 * - DOSSIER_UPDATED, INSPECTION_UPDATED: exactly their audience, the
 *   system's owner and its competent reviewer (the parent organisation, or
 *   the coordinators for an owner without one), resolved when raised.
 * - every other kind: the subject's own TLP rule (`visibleTo`), narrowed to
 *   the audience when one is set (an advisory for a sector, say); the author's
 *   side and coordinators are never narrowed out.
 */
export function warningVisibleTo(p: Principal, t: string): Predicate {
  const base = visibleTo(p, t);
  const self = `pol_${t}_w_self`;
  const own = `pol_${t}_w_own`;
  const lineage = `pol_${t}_w_lineage`;
  const groups = `pol_${t}_w_groups`;
  const params = { ...base.params, [self]: [p.orgId], [own]: [p.orgId, ...p.descendants], [lineage]: p.lineage, [groups]: p.groupsSelf };
  const shareable = `${t}.tlp IN ('CLEAR','GREEN','AMBER')`;
  const ownerIsRecipient = `${t}.recipient_org_ids && CAST(:${self} AS uuid[]) OR ${t}.recipient_group_ids && CAST(:${groups} AS uuid[])`;
  const ownerSide = p.isCoordinator ? 'TRUE' : `${t}.audience_org_ids && CAST(:${own} AS uuid[])`;
  const exposure = `(${t}.audience_org_ids && CAST(:${self} AS uuid[]) AND (${shareable} OR ${ownerIsRecipient})) OR (${ownerSide} AND ${base.sql})`;
  const audience = p.isCoordinator
    ? 'TRUE'
    : `(${t}.audience_org_ids IS NULL OR ${t}.audience_org_ids && CAST(:${lineage} AS uuid[]) OR ${t}.author_id = ANY(CAST(:${own} AS uuid[])))`;
  const registryKinds = REGISTRY_WARNING_KINDS.map((k) => `'${k}'`).join(',');
  return {
    sql:
      `((${t}.kind = 'EXPOSURE' AND (${exposure}))` +
      ` OR (${t}.kind IN (${registryKinds}) AND ${t}.audience_org_ids && CAST(:${self} AS uuid[]))` +
      ` OR (${t}.kind NOT IN ('EXPOSURE',${registryKinds}) AND ${base.sql} AND ${audience}))`,
    params,
  };
}

/**
 * The ministry's registry — information systems, their safety-level
 * dossiers, checklists and inspections (alias `t`, owner in `ownerColumn`) —
 * reads like an AMBER_STRICT object with no recipients: the owner, the
 * owner's ancestors (the management agencies above it) and coordinators.
 * No other agency, sibling departments included, reads any of it. Used for
 * every registry read, lock, count and statistic.
 */
export function registryVisibleTo(p: Principal, t: string, ownerColumn = 'owner_id'): Predicate {
  if (p.isCoordinator) return { sql: 'TRUE', params: {} };
  const own = `pol_${t}_reg_own`;
  return { sql: `${t}.${ownerColumn} = ANY(CAST(:${own} AS uuid[]))`, params: { [own]: [p.orgId, ...p.descendants] } };
}

/**
 * A published ranking snapshot (alias `t`): its author organisation's side
 * and coordinators, and its audience — everyone, or the organisations it
 * names (sectors and regions are resolved to organisations when it is
 * published) and their descendants.
 */
export function rankingVisibleTo(p: Principal, t: string): Predicate {
  if (p.isCoordinator) return { sql: 'TRUE', params: {} };
  const lineage = `pol_${t}_rk_lineage`;
  const own = `pol_${t}_rk_own`;
  return {
    sql: `(${t}.audience_everyone OR ${t}.audience_org_ids && CAST(:${lineage} AS uuid[]) OR ${t}.author_id = ANY(CAST(:${own} AS uuid[])))`,
    params: { [lineage]: p.lineage, [own]: [p.orgId, ...p.descendants] },
  };
}

/**
 * Everything the sharing policy reads of a principal besides its roles and
 * subject: two principals with the same key see exactly the same rows. The
 * warning hub judges visibility once per key, and subscriptions share
 * results per key (and roles).
 */
export function sharingKey(p: Principal): string {
  const sorted = (xs: string[]) => [...xs].sort().join(',');
  return [p.orgId, p.isCoordinator ? 'C' : '-', sorted(p.lineage), sorted(p.descendants), sorted(p.groupsSelf), sorted(p.groupsLineage)].join('|');
}
