import fs from 'node:fs';
import type { Principal } from '../../auth/principal';
import type { ImportServices } from '../stix/import/types';
import { StixImporter } from '../stix/importer';
import { TAXII_TYPE } from './server';

export interface PullOptions {
  /** The remote API root, e.g. https://hub.example/taxii2/api/ */
  url: string;
  collection: string;
  /** The remote server's bearer token. */
  token: string;
  /** Where the pull remembers the last date_added it imported, per URL and collection. */
  statePath: string;
  /** Start from this date_added when there is no state (ISO timestamp). */
  since?: string;
  pageSize?: number;
  /** Stop after this many pages (a guard against a remote that never ends). */
  maxPages?: number;
}

export interface PullResult {
  pages: number;
  objects: number;
  imported: number;
  updated: number;
  rejected: number;
  /** The date_added the next pull resumes after. */
  addedAfter: string | null;
}

type State = Record<string, { addedAfter: string }>;

function readState(path: string): State {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8')) as State;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read pull state ${path}: ${(e as Error).message}`);
  }
}

/**
 * Pulls a TAXII 2.1 collection into ThreatFed as the local organisation `p`:
 * pages by `next` within a run, imports each page through the STIX import
 * path, and saves the last `X-TAXII-Date-Added-Last` after every page so that
 * the next run (or a run after a failure) resumes with `added_after`.
 */
export async function pullCollection(s: ImportServices, p: Principal, o: PullOptions): Promise<PullResult> {
  const importer = new StixImporter(s);
  const key = `${o.url}#${o.collection}`;
  const state = readState(o.statePath);
  let addedAfter: string | null = state[key]?.addedAfter ?? o.since ?? null;
  const root = o.url.endsWith('/') ? o.url : `${o.url}/`;
  const base = `${root}collections/${encodeURIComponent(o.collection)}/objects/?limit=${o.pageSize ?? 500}`;
  const out: PullResult = { pages: 0, objects: 0, imported: 0, updated: 0, rejected: 0, addedAfter };
  let next: string | undefined;
  let since = addedAfter;
  for (let page = 0; page < (o.maxPages ?? 10_000); page++) {
    const url = `${base}${since ? `&added_after=${encodeURIComponent(since)}` : ''}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
    const res = await fetch(url, { headers: { accept: TAXII_TYPE, authorization: `Bearer ${o.token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`TAXII server answered ${res.status} for ${url}: ${text.slice(0, 500)}`);
    const body = JSON.parse(text) as { objects?: unknown[]; more?: boolean; next?: string };
    out.pages++;
    const objects = body.objects ?? [];
    if (objects.length) {
      const r = await importer.import(p, { objects });
      out.objects += objects.length;
      out.imported += r.imported;
      out.updated += r.updated;
      out.rejected += r.rejected;
    }
    const last = res.headers.get('x-taxii-date-added-last');
    if (last) {
      addedAfter = last;
      out.addedAfter = last;
      fs.writeFileSync(o.statePath, JSON.stringify({ ...readState(o.statePath), [key]: { addedAfter: last } }, null, 2), { mode: 0o600 });
    }
    if (!body.more) break;
    // Servers without `next` page by added_after alone.
    next = body.next;
    if (!next) since = addedAfter;
  }
  return out;
}
