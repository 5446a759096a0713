// The console shell: sign-in, navigation (hash routes, which never carry the token), the live warning feed.
import { render } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { currentSession, gql, setSession } from './api';
import type { Session } from './auth';
import { fmtDate, getLang, setLang, t, type Key } from './i18n';
import { SignIn } from './signin';
import { ErrorBox, html } from './ui';
import { WarningsPage, useWarningFeed } from './pages/warnings';
import { SearchPage } from './pages/search';
import { IndicatorsPage } from './pages/indicators';
import { ExposurePage } from './pages/exposure';
import { IncidentsPage } from './pages/incidents';
import { AdvisoriesPage } from './pages/advisories';
import { AdminPage } from './pages/admin';
import { SystemsPage } from './pages/systems';
import { StatisticsPage } from './pages/statistics';

interface ConsoleConfig {
  audience: string;
  /** Parts of the API this server offers beyond the core (the ministry platform, when its schema has it). */
  features: { ministry: boolean };
}

/** Pages: `feature` marks those that need a part of the API the server may not have. */
const PAGES: { id: string; label: Key; feature?: keyof ConsoleConfig['features']; view: (p: any) => any }[] = [
  { id: 'warnings', label: 'warnings', view: WarningsPage },
  { id: 'search', label: 'search', view: SearchPage },
  { id: 'indicators', label: 'indicators', view: IndicatorsPage },
  { id: 'exposure', label: 'exposure', view: ExposurePage },
  { id: 'incidents', label: 'incidents', view: IncidentsPage },
  { id: 'advisories', label: 'advisories', view: AdvisoriesPage },
  { id: 'admin', label: 'admin', view: AdminPage },
  { id: 'systems', label: 'systems', feature: 'ministry', view: SystemsPage },
  { id: 'statistics', label: 'statistics', feature: 'ministry', view: StatisticsPage },
];

const route = (): string[] => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);

function Shell({ config, onSignOut }: { config: ConsoleConfig; onSignOut: () => void }) {
  const [path, setPath] = useState(route());
  const [me, setMe] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const feed = useWarningFeed();
  useEffect(() => {
    const on = () => setPath(route());
    addEventListener('hashchange', on);
    gql('{ me { subject roles expiresAt organization { code name kind } } }').then((d) => setMe(d.me), setError);
    return () => removeEventListener('hashchange', on);
  }, []);
  // A layout effect, so that the tab's title changes with the badge, not a frame later (after paint, and never while
  // a hidden tab's frames are held back).
  useLayoutEffect(() => {
    document.title = feed.unread ? `(${feed.unread}) ThreatFed` : 'ThreatFed';
  }, [feed.unread]);
  const id = path[0] ?? 'warnings';
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0];
  const available = !page.feature || config.features[page.feature];
  return html`<div>
    <header>
      <h1>ThreatFed</h1>
      <span class="who" id="who">${me ? `${me.subject} @ ${me.organization.code} (${me.roles.join(', ')}) · ${t('expires')} ${fmtDate(me.expiresAt)}` : ''}</span>
      <select aria-label=${t('language')} id="lang" value=${getLang()} onChange=${(e: any) => { setLang(e.target.value); setPath(route()); }}>
        <option value="vi">Tiếng Việt</option><option value="en">English</option>
      </select>
      <button class="secondary" id="signout" onClick=${onSignOut}>${t('signOut')}</button>
    </header>
    <nav>${PAGES.map((p) => html`<a href=${`#/${p.id}`} data-page=${p.id} class=${[p.id === page.id ? 'active' : '', p.feature && !config.features[p.feature] ? 'off' : ''].join(' ')}>${t(p.label)}${
      p.id === 'warnings' && feed.unread ? html`<span class="badge" id="unread" title=${t('unread')}>${feed.unread}</span>` : null}</a>`)}</nav>
    <main id="page" data-page=${page.id}>
      <${ErrorBox} error=${error} />
      ${available
        ? html`<${page.view} path=${path.slice(1)} me=${me} feed=${feed} />`
        : html`<div class="unavailable"><h2>${t(page.label)}</h2><p>${t('notAvailable')}</p></div>`}
    </main>
  </div>`;
}

function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setS] = useState<Session | undefined>(currentSession());
  const [, force] = useState(0);
  useEffect(() => {
    fetch('/console/config.json')
      .then((r) => r.json())
      .then(setConfig, () => setConfig({ audience: 'threatfed', features: { ministry: false } }));
  }, []);
  if (!config) return null;
  if (!session)
    return html`<div>
      <header><h1>ThreatFed</h1><select aria-label=${t('language')} id="lang" value=${getLang()} onChange=${(e: any) => { setLang(e.target.value); force((n) => n + 1); }}>
        <option value="vi">Tiếng Việt</option><option value="en">English</option></select></header>
      <${SignIn} audience=${config.audience} onSession=${(s: Session) => { setSession(s); setS(s); }} />
    </div>`;
  return html`<${Shell} config=${config} onSignOut=${() => { setSession(undefined); setS(undefined); }} />`;
}

setLang(getLang());
render(html`<${App} />`, document.getElementById('app')!);
