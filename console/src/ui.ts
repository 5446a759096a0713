// Shared view pieces. Everything from the API is rendered as text nodes through Preact (never innerHTML).
import { h, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { gql } from './api';
import { t } from './i18n';

export const html = htm.bind(h);

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${error instanceof Error ? error.message : String(error)}</div>`;
}

export const Sev = ({ s }: { s: string }) => html`<span class=${`sev-${s}`}>${s}</span>`;
export const Tlp = ({ s }: { s: string }) => html`<span class="tlp">TLP:${s.replace('_', '+')}</span>`;

/** Runs a mutation-like action, keeping its error and a "done" flag for the view. */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setError(null);
    setDone(false);
    try {
      await fn();
      setDone(true);
    } catch (e) {
      setError(e);
    }
  }, []);
  return { error, done, run };
}

export interface PagedProps<N> {
  query: string;
  variables?: Record<string, unknown>;
  /** Where the connection sits in the result. */
  pick: (data: any) => { edges: { cursor: string; node: N }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };
  head: ComponentChildren;
  row: (n: N) => ComponentChildren;
  pageSize?: number;
  /** Changing this reloads from the first page. */
  reloadKey?: unknown;
}

/** The nodes of a Relay connection loaded page by page with its sealed cursors ($first, $after). */
export function usePaged<N>({ query, variables, pick, pageSize = 25, reloadKey }: Omit<PagedProps<N>, 'head' | 'row'>) {
  const [nodes, setNodes] = useState<N[]>([]);
  const [page, setPage] = useState<{ hasNextPage: boolean; endCursor: string | null; totalCount: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const vars = JSON.stringify(variables ?? {});
  const load = async (after: string | null, append: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const conn = pick(await gql(query, { ...JSON.parse(vars), first: pageSize, after }));
      setNodes((prev) => (append ? [...prev, ...conn.edges.map((e) => e.node)] : conn.edges.map((e) => e.node)));
      setPage({ ...conn.pageInfo, totalCount: conn.totalCount });
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(null, false);
  }, [query, vars, reloadKey]);
  return { nodes, page, error, loading, more: () => page && load(page.endCursor, true) };
}

/** The total, the "More" button and the loading note under a paged list. */
export function Pager({ p }: { p: ReturnType<typeof usePaged> }) {
  return html`<div>
    ${p.nodes.length === 0 && !p.loading && !p.error ? html`<p class="muted">${t('noResults')}</p>` : null}
    <div class="pager">
      ${p.page ? html`<span class="muted total">${t('total')}: ${p.page.totalCount}</span>` : null}
      ${p.page?.hasNextPage ? html`<button class="secondary more" onClick=${p.more}>${t('more')}</button>` : null}
      ${p.loading ? html`<span class="muted">${t('loading')}</span>` : null}
    </div>
  </div>`;
}

/** A table that pages through a Relay connection with its sealed cursors. */
export function Paged<N>(props: PagedProps<N>) {
  const p = usePaged<N>(props);
  return html`<div>
    <${ErrorBox} error=${p.error} />
    <table><thead><tr>${props.head}</tr></thead><tbody>${p.nodes.map((n) => props.row(n))}</tbody></table>
    <${Pager} p=${p} />
  </div>`;
}

export const csv = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
export const lines = (s: string): string[] => s.split('\n').map((x) => x.trim()).filter(Boolean);
