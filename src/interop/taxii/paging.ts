import type { Principal } from '../../auth/principal';
import { openCursor, sealCursor } from '../../common/cursor';
import { badInput } from '../../common/errors';
import type { AddedQuery } from '../../db/paging';
import type { Collection } from './collections';
import type { Kind } from './kinds';

const SCOPE = 'taxii:objects';
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
/** One bulk call writes at most 5,000 objects with one date_added: a page may grow to one such group. */
const MAX_GROUP = 5000;

/** One object of a page: its kind, its row, its STIX id and date_added. */
export interface Row {
  kind: Kind;
  item: { id: string };
  stixId: string;
  added: string;
}

export interface TaxiiPage {
  rows: Row[];
  more: boolean;
  next?: string;
}

type Query = Record<string, string | undefined>;
const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The rows of every kind merged in (date_added, id) order, with the first date_added after them. */
async function merged(p: Principal, kinds: { kind: Kind; ids?: string[] }[], q: AddedQuery): Promise<{ rows: Row[]; more: boolean; nextAdded?: string }> {
  const pages = await Promise.all(kinds.map(({ kind, ids }) => kind.page(p, { ...q, ids }).then((r) => ({ kind, r }))));
  const all: Row[] = pages.flatMap(({ kind, r }) => r.items.map((item) => ({ kind, item, stixId: `${kind.type}--${item.id}`, added: r.added.get(item.id)! })));
  // date_added is fixed-width UTC text and uuids compare as their lower-case text: the order PostgreSQL pages in.
  all.sort((a, b) => (a.added < b.added ? -1 : a.added > b.added ? 1 : a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0));
  // The first row after the page is the earliest of what was left over here and of each kind's own next row.
  const candidates = [...(all.length > q.limit ? [all[q.limit].added] : []), ...pages.filter((x) => x.r.hasMore).map((x) => x.r.nextAdded!)];
  const more = candidates.length > 0;
  return { rows: all.slice(0, q.limit), more, nextAdded: more ? candidates.sort()[0] : undefined };
}

/**
 * One page of collection `c` in date_added order under the TAXII query
 * (`limit`, `added_after`, `next`, `match[...]`); `forceIds` narrows it to
 * one object (object by id, versions, DELETE). `next` seals the query and
 * the last row, and is refused with another query.
 */
export async function taxiiPage(p: Principal, c: Collection, q: Query, forceIds?: string[]): Promise<TaxiiPage> {
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1) throw badInput('limit', 'must be a positive integer');
  const addedAfter = q.added_after;
  if (addedAfter !== undefined && Number.isNaN(Date.parse(addedAfter))) throw badInput('added_after', 'must be a timestamp');
  const matchId = list(q['match[id]']);
  const matchType = list(q['match[type]']);
  const specVersion = list(q['match[spec_version]']);
  const version = list(q['match[version]']);
  const query = { c: c.id, a: addedAfter ?? null, i: matchId ?? null, y: matchType ?? null, s: q['match[spec_version]'] ?? null, v: q['match[version]'] ?? null };
  let after: { t: string; id: string } | undefined;
  if (q.next) {
    const cur = openCursor(SCOPE, q.next, 'next');
    // The query travels inside the cursor and must be the same on use: another filter would skip or repeat objects.
    if (JSON.stringify(cur.q) !== JSON.stringify(query)) throw badInput('next', 'belongs to another query');
    after = { t: String(cur.t), id: String(cur.id) };
  }
  const none: TaxiiPage = { rows: [], more: false };
  // One version per object (the current one), all STIX 2.1.
  if (specVersion && !specVersion.includes('2.1')) return none;
  const stixIds = forceIds ?? matchId;
  const selected = c.kinds
    .filter((k) => !matchType || matchType.includes(k.type))
    .map((kind) => {
      if (!stixIds) return { kind };
      const ids = stixIds.filter((s) => s.startsWith(`${kind.type}--`)).map((s) => s.slice(kind.type.length + 2)).filter((u) => UUID.test(u));
      return { kind, ids };
    })
    .filter((x) => !x.ids || x.ids.length);
  if (!selected.length) return none;

  const base: AddedQuery = { after, addedAfter, groupId: c.groupId, limit: Math.min(limit, MAX_LIMIT) };
  const r = await merged(p, selected, base);
  let rows = r.rows;
  // A client resuming with added_after = this page's last date_added would skip the rest of a group sharing that
  // date_added: end the page before such a group, or, when the group is the whole page, return the whole group.
  const lastAdded = rows.length ? rows[rows.length - 1].added : undefined;
  if (r.more && lastAdded && r.nextAdded === lastAdded) {
    const before = rows.filter((x) => x.added !== lastAdded);
    rows = before.length ? before : (await merged(p, selected, { ...base, at: lastAdded, limit: MAX_GROUP })).rows;
  }
  const last = rows[rows.length - 1];
  const next = r.more && last ? sealCursor(SCOPE, { q: query, t: last.added, id: last.item.id }) : undefined;
  // version first/last/all keep the one version; a timestamp must equal it (the page may then be short).
  if (version && !version.some((v) => ['first', 'last', 'all'].includes(v))) rows = rows.filter((x) => version.includes(x.kind.version(x.item)));
  return { rows, more: r.more, next };
}
