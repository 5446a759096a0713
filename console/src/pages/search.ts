import { useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { ErrorBox, html, Paged, Sev, Tlp } from '../ui';

export const OBSERVABLE_TYPES = ['IPV4', 'IPV6', 'CIDR', 'DOMAIN', 'URL', 'EMAIL', 'MD5', 'SHA1', 'SHA256', 'FILE_NAME', 'ASN'];
const Q = `query($type: ObservableType!, $value: String!) { observable(type: $type, value: $value) {
  type value stats { firstSeen lastSeen indicatorCount sightingCount maxConfidence maxSeverity } reporters { code name } } }`;

/** One observable: its stats and reporters over what the caller may read, then its indicators and sightings page by page. */
export function SearchPage() {
  const [type, setType] = useState('IPV4');
  const [value, setValue] = useState('');
  const [obs, setObs] = useState<any>(undefined);
  const [error, setError] = useState<unknown>(null);
  const find = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setObs((await gql(Q, { type, value: value.trim() })).observable);
    } catch (err) {
      setError(err);
    }
  };
  return html`<div>
    <h2>${t('search')}</h2>
    <form id="search" onSubmit=${find}>
      <label>${t('type')}<select name="type" value=${type} onChange=${(e: any) => setType(e.target.value)}>${OBSERVABLE_TYPES.map((x) => html`<option>${x}</option>`)}</select></label>
      <label>${t('value')}<input name="value" value=${value} onInput=${(e: any) => setValue(e.target.value)} /></label>
      <button type="submit">${t('find')}</button>
    </form>
    <${ErrorBox} error=${error} />
    ${obs === null ? html`<p class="muted" id="not-found">${t('noResults')}</p>` : null}
    ${obs ? html`<div id="observable">
      <div class="panel"><h3>${obs.type} <code>${obs.value}</code></h3>
        <p>${t('stats')}: ${obs.stats.indicatorCount} ${t('indicators').toLowerCase()}, ${obs.stats.sightingCount} ${t('sightings').toLowerCase()},
          ${t('confidence')} ≤ ${obs.stats.maxConfidence ?? '—'}, ${t('severity')} ${obs.stats.maxSeverity ?? '—'}; ${t('firstSeen')} ${fmtDate(obs.stats.firstSeen)}, ${t('lastSeen')} ${fmtDate(obs.stats.lastSeen)}</p>
        <p>${t('reporters')}: <span id="reporters">${obs.reporters.map((o: any) => o.code).join(', ')}</span></p></div>
      <h3>${t('indicators')}</h3>
      <${Paged} query=${`query($type: ObservableType!, $value: String!, $first: Int, $after: String) { observable(type: $type, value: $value) { indicators(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id severity confidence tlp author { code } description lastReported threatTypes } } } } }`}
        variables=${{ type: obs.type, value: obs.value }} pick=${(d: any) => d.observable.indicators}
        head=${html`<th>${t('author')}</th><th>${t('severity')}</th><th>${t('confidence')}</th><th>TLP</th><th>${t('description')}</th><th>${t('reported')}</th>`}
        row=${(i: any) => html`<tr key=${i.id}><td>${i.author.code}</td><td><${Sev} s=${i.severity} /></td><td>${i.confidence}</td><td><${Tlp} s=${i.tlp} /></td><td>${i.description ?? ''}</td><td>${fmtDate(i.lastReported)}</td></tr>`} />
      <h3>${t('sightings')}</h3>
      <${Paged} query=${`query($type: ObservableType!, $value: String!, $first: Int, $after: String) { observable(type: $type, value: $value) { sightings(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id count location author { code } firstSeen lastSeen tlp } } } } }`}
        variables=${{ type: obs.type, value: obs.value }} pick=${(d: any) => d.observable.sightings}
        head=${html`<th>${t('author')}</th><th>${t('count')}</th><th>${t('location')}</th><th>${t('firstSeen')}</th><th>${t('lastSeen')}</th><th>TLP</th>`}
        row=${(s: any) => html`<tr key=${s.id}><td>${s.author.code}</td><td>${s.count}</td><td>${s.location ?? ''}</td><td>${fmtDate(s.firstSeen)}</td><td>${fmtDate(s.lastSeen)}</td><td><${Tlp} s=${s.tlp} /></td></tr>`} />
    </div>` : null}
  </div>`;
}
