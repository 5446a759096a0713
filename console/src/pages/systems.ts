// The ministry platform's registry: information systems, the dossiers waiting for the caller, unmet requirements.
// Which systems a token reads (owner, organisations above it, coordinators) is the server's rule; this page shows it.
import { useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { ErrorBox, html, lines, Paged, useAction } from '../ui';
import { DossierDetail, DossierList, systemLink } from './dossiers';
import { SystemDetail } from './system-detail';

export const APPROVAL_STATUSES = ['NOT_SUBMITTED', 'PENDING', 'RETURNED', 'APPROVED', 'EXPIRED'];
const TABS = [
  ['list', 'systemList'],
  ['review', 'reviewQueueDossiers'],
  ['dossiers', 'dossiersTab'],
  ['unmet', 'unmetTab'],
] as const;

/** Routes: #/systems, #/systems/new, #/systems/s/<id>, #/systems/d/<id>, #/systems/review, #/systems/dossiers, #/systems/unmet. */
export function SystemsPage({ path, me }: { path: string[]; me: any }) {
  const [head, id] = path;
  const tab = head === 's' || head === 'new' ? 'list' : head === 'd' ? 'dossiers' : (head ?? 'list');
  return html`<div>
    <h2>${t('systems')}</h2>
    <nav class="tabs">${TABS.map(([x, label]) => html`<a href=${x === 'list' ? '#/systems' : `#/systems/${x}`} data-tab=${x} class=${x === tab ? 'active' : ''}>${t(label)}</a>`)}</nav>
    ${head === 's' && id
      ? html`<${SystemDetail} key=${id} id=${id} me=${me} />`
      : head === 'd' && id
        ? html`<${DossierDetail} key=${id} id=${id} me=${me} />`
        : head === 'new'
          ? html`<${RegisterSystem} />`
          : head === 'review'
            ? html`<${DossierList} toReview=${true} />`
            : head === 'dossiers'
              ? html`<${DossierList} toReview=${false} />`
              : head === 'unmet'
                ? html`<${Unmet} />`
                : html`<${SystemList} />`}
  </div>`;
}

function SystemList() {
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  return html`<div>
    <form id="system-filter" onSubmit=${(e: Event) => {
      e.preventDefault();
      setFilter({ ...(name.trim() ? { nameContains: name.trim() } : {}), ...(status ? { statuses: [status] } : {}) });
    }}>
      <label>${t('nameContains')}<input name="name" value=${name} onInput=${(e: any) => setName(e.target.value)} /></label>
      <label>${t('status')}<select name="status" value=${status} onChange=${(e: any) => setStatus(e.target.value)}><option value="">${t('any')}</option>${APPROVAL_STATUSES.map((s) => html`<option>${s}</option>`)}</select></label>
      <button type="submit">${t('filter')}</button> <a href="#/systems/new"><button type="button" class="secondary" id="new-system">${t('registerSystem')}</button></a>
    </form>
    <div id="systems">
      <${Paged} query=${`query($filter: InformationSystemFilter, $first: Int, $after: String) { informationSystems(filter: $filter, first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name status proposedLevel approvedLevel approvedUntil lifecycle owner { code } } } } }`}
        variables=${{ filter }} pick=${(d: any) => d.informationSystems}
        head=${html`<th>${t('name')}</th><th>${t('owner')}</th><th>${t('status')}</th><th>${t('proposedLevel')}</th><th>${t('approvedLevel')}</th><th>${t('approvedUntil')}</th><th>${t('lifecycle')}</th>`}
        row=${(s: any) => html`<tr key=${s.id} class="clickable system" data-id=${s.id} onClick=${() => (location.hash = `#/systems/s/${encodeURIComponent(s.id)}`)}>
          <td>${systemLink(s)}</td><td>${s.owner.code}</td><td class="status">${s.status}</td><td>${s.proposedLevel}</td><td>${s.approvedLevel ?? '—'}</td><td>${fmtDate(s.approvedUntil)}</td><td>${s.lifecycle}</td></tr>`} />
    </div>
  </div>`;
}

function RegisterSystem() {
  const [f, setF] = useState({ name: '', purpose: '', level: '2', ranges: '' });
  const act = useAction();
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const input = { name: f.name, purpose: f.purpose || undefined, proposedLevel: Number(f.level), ranges: lines(f.ranges) };
      const d = await gql('mutation($input: InformationSystemInput!) { registerInformationSystem(input: $input) { id } }', { input });
      location.hash = `#/systems/s/${encodeURIComponent(d.registerInformationSystem.id)}`;
    });
  };
  return html`<form id="register-system" onSubmit=${submit}>
    <h3>${t('registerSystem')}</h3>
    <label>${t('name')}<input name="name" required value=${f.name} onInput=${set('name')} /></label>
    <label>${t('proposedLevel')}<select name="level" value=${f.level} onChange=${set('level')}>${[1, 2, 3, 4, 5].map((l) => html`<option>${l}</option>`)}</select></label>
    <label>${t('purpose')}<input name="purpose" value=${f.purpose} onInput=${set('purpose')} /></label>
    <label>${t('ranges')}<textarea name="ranges" value=${f.ranges} onInput=${set('ranges')}></textarea></label>
    <${ErrorBox} error=${act.error} />
    <button type="submit">${t('register')}</button> <a href="#/systems">${t('back')}</a>
  </form>`;
}

function Unmet() {
  const [org, setOrg] = useState('');
  const [applied, setApplied] = useState('');
  return html`<div>
    <form id="unmet-filter" onSubmit=${(e: Event) => { e.preventDefault(); setApplied(org.trim()); }}>
      <label>${t('org')}<input name="organization" value=${org} onInput=${(e: any) => setOrg(e.target.value)} /></label>
      <button type="submit">${t('filter')}</button>
    </form>
    <div id="unmet">
      <${Paged} query=${`query($org: String, $first: Int, $after: String) { unmetRequirements(organization: $org, first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id evidence assessedAt source requirement { code title level category } system { id name owner { code } } } } } }`}
        variables=${{ org: applied || undefined }} pick=${(d: any) => d.unmetRequirements} pageSize=${50}
        head=${html`<th>${t('requirement')}</th><th>${t('level')}</th><th>${t('category')}</th><th>${t('system')}</th><th>${t('owner')}</th><th>${t('evidence')}</th><th>${t('when')}</th>`}
        row=${(r: any) => html`<tr key=${r.id} class="unmet-row"><td><code>${r.requirement.code}</code> ${r.requirement.title}</td><td>${r.requirement.level}</td><td>${r.requirement.category}</td>
          <td>${systemLink(r.system)}</td><td>${r.system.owner.code}</td><td>${r.evidence ?? ''}</td><td>${fmtDate(r.assessedAt)}</td></tr>`} />
    </div>
  </div>`;
}
