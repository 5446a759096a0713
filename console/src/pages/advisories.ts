import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { csv, ErrorBox, html, lines, Paged, Sev, Tlp, useAction } from '../ui';

const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const DETAIL = 'id title summary body severity status tlp revision cveIds affectedProducts recommendedActions recipients createdAt publishedAt withdrawnAt withdrawnReason author { code }';

export function AdvisoriesPage({ path }: { path: string[] }) {
  if (path[0] === 'new') return html`<${AdvisoryForm} />`;
  if (path[0]) return html`<${AdvisoryDetail} id=${path[0]} />`;
  return html`<${AdvisoryList} />`;
}

function AdvisoryList() {
  const [status, setStatus] = useState('');
  return html`<div>
    <h2>${t('advisories')} <a href="#/advisories/new"><button id="new-advisory">${t('draft')}</button></a></h2>
    <form onSubmit=${(e: Event) => e.preventDefault()}><label>${t('status')}<select name="status" value=${status} onChange=${(e: any) => setStatus(e.target.value)}>
      <option value="">${t('any')}</option>${['DRAFT', 'PUBLISHED', 'WITHDRAWN'].map((s) => html`<option>${s}</option>`)}</select></label></form>
    <${Paged} query=${`query($filter: AdvisoryFilter, $first: Int, $after: String) { advisories(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title status severity tlp revision author { code } createdAt publishedAt } } } }`}
      variables=${{ filter: status ? { statuses: [status] } : {} }} pick=${(d: any) => d.advisories}
      head=${html`<th>${t('when')}</th><th>${t('title')}</th><th>${t('status')}</th><th>${t('severity')}</th><th>${t('author')}</th><th>TLP</th>`}
      row=${(a: any) => html`<tr key=${a.id} class="clickable advisory" data-id=${a.id} onClick=${() => (location.hash = `#/advisories/${a.id}`)}>
        <td>${fmtDate(a.publishedAt ?? a.createdAt)}</td><td><a href=${`#/advisories/${a.id}`}>${a.title}</a> <span class="muted">r${a.revision}</span></td><td>${a.status}</td><td><${Sev} s=${a.severity} /></td><td>${a.author.code}</td><td><${Tlp} s=${a.tlp} /></td></tr>`} />
  </div>`;
}

/** A new draft, or a revision of `existing` (reviewAdvisory before publishing). */
function AdvisoryForm({ existing, onSaved }: { existing?: any; onSaved?: (a: any) => void }) {
  const [f, setF] = useState({
    title: existing?.title ?? '', summary: existing?.summary ?? '', body: existing?.body ?? '', severity: existing?.severity ?? 'MEDIUM', tlp: existing?.tlp ?? 'GREEN',
    cves: (existing?.cveIds ?? []).join(', '), actions: (existing?.recommendedActions ?? []).join('\n'),
  });
  const act = useAction();
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const input = { title: f.title, summary: f.summary, body: f.body || undefined, severity: f.severity, tlp: f.tlp, cveIds: csv(f.cves), recommendedActions: lines(f.actions) };
      if (existing) onSaved?.((await gql(`mutation($id: ID!, $input: AdvisoryRevisionInput!) { reviseAdvisory(id: $id, input: $input) { ${DETAIL} } }`, { id: existing.id, input })).reviseAdvisory);
      else location.hash = `#/advisories/${(await gql('mutation($input: AdvisoryInput!) { createAdvisory(input: $input) { id } }', { input })).createAdvisory.id}`;
    });
  };
  return html`<form id="advisory-form" onSubmit=${submit}>
    <h3>${existing ? t('revise') : t('draft')}</h3>
    <label>${t('title')}<input name="title" required value=${f.title} onInput=${set('title')} /></label>
    <label>${t('severity')}<select name="severity" value=${f.severity} onChange=${set('severity')}>${SEVERITIES.map((c) => html`<option>${c}</option>`)}</select></label>
    <label>TLP<select name="tlp" value=${f.tlp} onChange=${set('tlp')}>${TLPS.map((c) => html`<option>${c}</option>`)}</select></label>
    <label>${t('cves')}<input name="cves" value=${f.cves} onInput=${set('cves')} /></label>
    <label>${t('summary')}<textarea name="summary" required value=${f.summary} onInput=${set('summary')}></textarea></label>
    <label>${t('body')}<textarea name="body" value=${f.body} onInput=${set('body')}></textarea></label>
    <label>${t('actions')}<textarea name="actions" value=${f.actions} onInput=${set('actions')}></textarea></label>
    <${ErrorBox} error=${act.error} />
    <button type="submit">${existing ? t('revise') : t('save')}</button> ${existing ? null : html`<a href="#/advisories">${t('back')}</a>`}
  </form>`;
}

function AdvisoryDetail({ id }: { id: string }) {
  const [a, setA] = useState<any>(undefined);
  const [reason, setReason] = useState('');
  const load = useAction();
  const act = useAction();
  useEffect(() => {
    void load.run(async () => setA((await gql(`query($id: ID!) { advisory(id: $id) { ${DETAIL} } }`, { id })).advisory));
  }, [id]);
  if (a === undefined) return html`<${ErrorBox} error=${load.error} />`;
  if (a === null) return html`<p class="muted">${t('noResults')}</p>`;
  return html`<div id="advisory" data-id=${a.id}>
    <p><a href="#/advisories">← ${t('back')}</a></p>
    <h2>${a.title}</h2>
    <p><${Sev} s=${a.severity} /> <strong id="advisory-status">${a.status}</strong> · r${a.revision} · <${Tlp} s=${a.tlp} /> · ${a.author.code} · ${fmtDate(a.publishedAt ?? a.createdAt)}</p>
    <p class="panel">${a.summary}</p>
    ${a.body ? html`<div class="panel">${a.body}</div>` : null}
    ${a.cveIds.length ? html`<p>CVE: ${a.cveIds.join(', ')}</p>` : null}
    ${a.recommendedActions.length ? html`<ul>${a.recommendedActions.map((x: string) => html`<li>${x}</li>`)}</ul>` : null}
    ${a.withdrawnReason ? html`<p class="error">${t('withdraw')}: ${a.withdrawnReason}</p>` : null}
    <${ErrorBox} error=${act.error} />
    ${a.status === 'DRAFT' ? html`<button id="publish" onClick=${() => act.run(async () => setA((await gql(`mutation($id: ID!) { publishAdvisory(id: $id) { ${DETAIL} } }`, { id })).publishAdvisory))}>${t('publish')}</button>` : null}
    ${a.status === 'PUBLISHED' ? html`<form class="panel" onSubmit=${(e: Event) => { e.preventDefault(); void act.run(async () => setA((await gql(`mutation($id: ID!, $r: String!) { withdrawAdvisory(id: $id, reason: $r) { ${DETAIL} } }`, { id, r: reason })).withdrawAdvisory)); }}>
      <label>${t('reason')}<input name="reason" required value=${reason} onInput=${(e: any) => setReason(e.target.value)} /></label><button type="submit">${t('withdraw')}</button></form>` : null}
    ${a.status !== 'WITHDRAWN' ? html`<${AdvisoryForm} key=${a.revision + a.status} existing=${a} onSaved=${setA} />` : null}
  </div>`;
}
