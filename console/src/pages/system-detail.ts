// One information system: its levels and approval, ranges, checklist, dossiers (paged) and submitting a new dossier.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { ErrorBox, html, Paged, useAction } from '../ui';
import { DossierForm, dossierHead, dossierRow } from './dossiers';

const DETAIL = `id name purpose status proposedLevel approvedLevel approvedAt approvedUntil requiredLevel lifecycle createdAt
  owner { code name } competentReviewer { code } ranges { cidr covered } currentDossier { id status version }
  checklist { id met evidence source assessedAt requirement { code title level category } }`;

/** A dossier is open while SUBMITTED or RETURNED; then the owner revises or withdraws it instead of submitting. */
const isOpen = (d: any) => d && (d.status === 'SUBMITTED' || d.status === 'RETURNED');

export function SystemDetail({ id }: { id: string; me: any }) {
  const [sys, setSys] = useState<any>(undefined);
  const [reload, setReload] = useState(0);
  const load = useAction();
  useEffect(() => {
    void load.run(async () => setSys((await gql(`query($id: ID!) { informationSystem(id: $id) { ${DETAIL} } }`, { id })).informationSystem));
  }, [id, reload]);
  if (sys === undefined) return html`<${ErrorBox} error=${load.error} />`;
  if (sys === null) return html`<div><p class="muted" id="not-found">${t('noSystem')}</p><a href="#/systems">${t('back')}</a></div>`;
  const unmet = sys.checklist.filter((c: any) => !c.met).length;
  return html`<div id="system" data-id=${sys.id}>
    <p><a href="#/systems">← ${t('back')}</a></p>
    <h3>${sys.name} <span class="muted">${sys.owner.code}</span></h3>
    <dl class="facts">
      <dt>${t('status')}</dt><dd id="system-status">${sys.status}</dd>
      <dt>${t('proposedLevel')}</dt><dd>${sys.proposedLevel}</dd>
      <dt>${t('approvedLevel')}</dt><dd id="approved-level">${sys.approvedLevel ?? '—'}</dd>
      <dt>${t('requiredLevel')}</dt><dd>${sys.requiredLevel}</dd>
      <dt>${t('approvedUntil')}</dt><dd>${fmtDate(sys.approvedUntil)}</dd>
      <dt>${t('reviewer')}</dt><dd>${sys.competentReviewer?.code ?? t('coordinators')}</dd>
      <dt>${t('lifecycle')}</dt><dd>${sys.lifecycle}</dd>
      <dt>${t('purpose')}</dt><dd>${sys.purpose ?? '—'}</dd>
      <dt>${t('ranges')}</dt><dd>${sys.ranges.map((r: any) => html`<code class=${r.covered ? '' : 'uncovered'}>${r.cidr}</code> `)}</dd>
      <dt>${t('currentDossier')}</dt><dd>${sys.currentDossier ? html`<a id="current-dossier" href=${`#/systems/d/${encodeURIComponent(sys.currentDossier.id)}`}>v${sys.currentDossier.version} · ${sys.currentDossier.status}</a>` : '—'}</dd>
    </dl>
    ${isOpen(sys.currentDossier) || sys.lifecycle === 'RETIRED' ? null : html`<${DossierForm} systemId=${sys.id} level=${sys.proposedLevel} onSaved=${(d: any) => (location.hash = `#/systems/d/${encodeURIComponent(d.id)}`)} />`}
    <h4>${t('dossiersTab')}</h4>
    <${Paged} query=${`query($id: ID!, $first: Int, $after: String) { informationSystem(id: $id) { dossiers(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id version status proposedLevel submittedAt validUntil system { id name } owner { code } } } } } }`}
      variables=${{ id }} pick=${(d: any) => d.informationSystem.dossiers} reloadKey=${reload} head=${dossierHead()} row=${dossierRow} pageSize=${10} />
    <h4>${t('checklist')} <span class="muted">(${unmet} ${t('notMet')} / ${sys.checklist.length})</span></h4>
    <table id="checklist"><thead><tr><th>${t('requirement')}</th><th>${t('level')}</th><th>${t('category')}</th><th>${t('status')}</th><th>${t('evidence')}</th><th>${t('when')}</th></tr></thead>
      <tbody>${sys.checklist.map((c: any) => html`<tr key=${c.id} class=${c.met ? 'met' : 'unmet'}><td><code>${c.requirement.code}</code> ${c.requirement.title}</td><td>${c.requirement.level}</td>
        <td>${c.requirement.category}</td><td>${c.met ? t('met') : t('notMet')}</td><td>${c.evidence ?? ''}</td><td>${fmtDate(c.assessedAt)}${c.source ? ` (${c.source})` : ''}</td></tr>`)}</tbody></table>
    <button class="secondary" onClick=${() => setReload((n) => n + 1)}>↻</button>
  </div>`;
}
