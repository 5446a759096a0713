import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { followWarnings, gql, WARNING_FIELDS } from '../api';
import { fmtDate, t } from '../i18n';
import { ErrorBox, html, Sev, Tlp } from '../ui';

export interface Feed {
  items: any[];
  unread: number;
  state: 'live' | 'reconnecting' | 'loading';
  error: unknown;
  markRead(): void;
}

/**
 * The newest warnings, then the subscription from the newest cursor (resumed after a drop), for the whole session:
 * the unread count shows on every page.
 */
export function useWarningFeed(): Feed {
  const [items, setItems] = useState<any[]>([]);
  const [unread, setUnread] = useState(0);
  const [state, setState] = useState<Feed['state']>('loading');
  const [error, setError] = useState<unknown>(null);
  const seen = useRef(new Set<string>());
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    gql(`{ warnings(first: 50) { edges { cursor node { ${WARNING_FIELDS} } } } }`)
      .then((d) => {
        if (cancelled) return;
        const edges = d.warnings.edges as { cursor: string; node: any }[];
        edges.forEach((e) => seen.current.add(e.node.id));
        setItems(edges.map((e) => e.node));
        stop = followWarnings(
          edges[0]?.cursor,
          ({ warning }) => {
            if (seen.current.has(warning.id)) return;
            seen.current.add(warning.id);
            setItems((prev) => [warning, ...prev].slice(0, 500));
            setUnread((n) => n + 1);
            if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification(`[${warning.severity}] ${warning.title}`, { body: warning.summary ?? '' });
          },
          setState,
        );
      })
      .catch(setError);
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
  return { items, unread, state, error, markRead: () => setUnread(0) };
}

export function WarningsPage({ feed }: { feed: Feed }) {
  const [perm, setPerm] = useState(typeof Notification === 'undefined' ? 'denied' : Notification.permission);
  // Read means seen: while the tab is hidden the count keeps growing (and shows in the tab's title). A layout effect,
  // so that opening the page does not first paint the badge it is about to clear.
  useLayoutEffect(() => {
    const seen = () => !document.hidden && feed.unread && feed.markRead();
    seen();
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [feed.unread]);
  return html`<div>
    <h2>${t('warnings')} <small class="muted" id="feed-state">(${feed.state === 'reconnecting' ? t('reconnecting') : t('live')})</small></h2>
    ${typeof Notification !== 'undefined' && perm === 'default'
      ? html`<button class="secondary" onClick=${() => Notification.requestPermission().then(setPerm)}>${t('notify')}</button>`
      : perm === 'granted' ? html`<span class="muted" id="notify-state">${t('notifyOn')}</span>` : null}
    <${ErrorBox} error=${feed.error} />
    <table id="warnings"><thead><tr><th>${t('when')}</th><th>${t('severity')}</th><th>${t('kind')}</th><th>${t('title')}</th><th>${t('author')}</th><th>TLP</th></tr></thead>
    <tbody>${feed.items.map((w) => html`<tr key=${w.id} data-id=${w.id}>
      <td>${fmtDate(w.createdAt)}</td><td><${Sev} s=${w.severity} /></td><td>${w.kind}</td>
      <td><strong>${w.title}</strong>${w.summary ? html`<div class="muted">${w.summary}</div>` : null}</td><td>${w.author.code}</td><td><${Tlp} s=${w.tlp} /></td></tr>`)}</tbody></table>
    ${feed.items.length === 0 ? html`<p class="muted">${t('noResults')}</p>` : null}
  </div>`;
}
