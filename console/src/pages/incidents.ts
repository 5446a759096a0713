import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { csv, ErrorBox, html, lines, Paged, Sev, Tlp, useAction } from '../ui';

const CATEGORIES = ['ACCOUNT_COMPROMISE', 'DATA_BREACH', 'DDOS', 'DEFACEMENT', 'INTRUSION', 'MALWARE', 'OTHER', 'PHISHING', 'RANSOMWARE', 'VULNERABILITY'];
const STATUSES = ['REPORTED', 'TRIAGED', 'CONTAINED', 'RESOLVED', 'CLOSED'];
const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const DETAIL = `id title description category severity status tlp recipients assignee affectedSystems occurredAt detectedAt createdAt updatedAt nextStatuses
  author { code name } observables { type value } timeline { id kind at actorSubject actorOrganization { code } fromStatus toStatus note }`;

export function IncidentsPage({ path }: { path: string[] }) {
  if (path[0] === 'new') return html`<${ReportIncident} />`;
  if (path[0]) return html`<${IncidentDetail} id=${path[0]} />`;
  return html`<${IncidentList} />`;
}

function IncidentList() {
  const [status, setStatus] = useState('');
  const filter = status ? { statuses: [status] } : {};
  return html`<div>
    <h2>${t('incidents')} <a href="#/incidents/new"><button id="new-incident">${t('report')}</button></a></h2>
    <form onSubmit=${(e: Event) => e.preventDefault()}><label>${t('status')}<select name="status" value=${status} onChange=${(e: any) => setStatus(e.target.value)}>
      <option value="">${t('any')}</option>${STATUSES.map((s) => html`<option>${s}</option>`)}</select></label></form>
    <${Paged} query=${`query($filter: IncidentFilter, $first: Int, $after: String) { incidents(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title status severity category tlp author { code } createdAt } } } }`}
      variables=${{ filter }} pick=${(d: any) => d.incidents}
      head=${html`<th>${t('reported')}</th><th>${t('title')}</th><th>${t('status')}</th><th>${t('severity')}</th><th>${t('category')}</th><th>${t('author')}</th><th>TLP</th>`}
      row=${(i: any) => html`<tr key=${i.id} class="clickable incident" data-id=${i.id} onClick=${() => (location.hash = `#/incidents/${i.id}`)}>
        <td>${fmtDate(i.createdAt)}</td><td><a href=${`#/incidents/${i.id}`}>${i.title}</a></td><td class="status">${i.status}</td><td><${Sev} s=${i.severity} /></td><td>${i.category}</td><td>${i.author.code}</td><td><${Tlp} s=${i.tlp} /></td></tr>`} />
  </div>`;
}

function ReportIncident() {
  const [f, setF] = useState({ title: '', category: 'MALWARE', severity: 'MEDIUM', tlp: 'AMBER', description: '', systems: '', recipients: '' });
  const act = useAction();
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const input = { title: f.title, category: f.category, severity: f.severity, tlp: f.tlp, description: f.description || undefined, affectedSystems: lines(f.systems), recipients: csv(f.recipients) };
      const d = await gql('mutation($input: IncidentInput!) { reportIncident(input: $input) { id } }', { input });
      location.hash = `#/incidents/${d.reportIncident.id}`;
    });
  };
  return html`<form id="report-incident" onSubmit=${submit}>
    <h2>${t('report')}</h2>
    <label>${t('title')}<input name="title" required value=${f.title} onInput=${set('title')} /></label>
    <label>${t('category')}<select name="category" value=${f.category} onChange=${set('category')}>${CATEGORIES.map((c) => html`<option>${c}</option>`)}</select></label>
    <label>${t('severity')}<select name="severity" value=${f.severity} onChange=${set('severity')}>${SEVERITIES.map((c) => html`<option>${c}</option>`)}</select></label>
    <label>TLP<select name="tlp" value=${f.tlp} onChange=${set('tlp')}>${TLPS.map((c) => html`<option>${c}</option>`)}</select></label>
    <label>${t('recipients')}<input name="recipients" value=${f.recipients} onInput=${set('recipients')} /></label>
    <label>${t('description')}<textarea name="description" value=${f.description} onInput=${set('description')}></textarea></label>
    <label>Systems<textarea name="systems" value=${f.systems} onInput=${set('systems')}></textarea></label>
    <${ErrorBox} error=${act.error} />
    <button type="submit">${t('submit')}</button> <a href="#/incidents">${t('back')}</a>
  </form>`;
}

function IncidentDetail({ id }: { id: string }) {
  const [inc, setInc] = useState<any>(undefined);
  const [note, setNote] = useState('');
  const [share, setShare] = useState('');
  const [assignee, setAssignee] = useState('');
  const load = useAction();
  const act = useAction();
  const refresh = () => load.run(async () => setInc((await gql(`query($id: ID!) { incident(id: $id) { ${DETAIL} } }`, { id })).incident));
  useEffect(() => {
    void refresh();
  }, [id]);
  const update = (input: Record<string, unknown>) =>
    act.run(async () => {
      setInc((await gql(`mutation($id: ID!, $input: IncidentUpdateInput!) { updateIncident(id: $id, input: $input) { ${DETAIL} } }`, { id, input })).updateIncident);
      setNote('');
    });
  if (inc === undefined) return html`<${ErrorBox} error=${load.error} />`;
  if (inc === null) return html`<div><p class="muted" id="not-found">${t('noResults')}</p><a href="#/incidents">${t('back')}</a></div>`;
  return html`<div id="incident" data-id=${inc.id}>
    <p><a href="#/incidents">← ${t('back')}</a></p>
    <h2>${inc.title}</h2>
    <p><${Sev} s=${inc.severity} /> <strong id="incident-status">${inc.status}</strong> · ${inc.category} · <${Tlp} s=${inc.tlp} /> · ${inc.author.code} · ${fmtDate(inc.createdAt)}</p>
    ${inc.description ? html`<p class="panel">${inc.description}</p>` : null}
    <p>${t('recipients')}: <span id="recipients">${(inc.recipients ?? []).join(', ') || '—'}</span> · ${t('assignee')}: ${inc.assignee ?? '—'}</p>
    <div class="panel" id="status-actions">${t('moveTo')}: ${inc.nextStatuses.map((s: string) => html` <button data-status=${s} onClick=${() => update({ status: s, note: note || undefined })}>${s}</button>`)}
      <label>${t('note')}<textarea name="note" value=${note} onInput=${(e: any) => setNote(e.target.value)}></textarea></label>
      <button class="secondary" id="add-note" onClick=${() => note.trim() && update({ note })}>${t('addNote')}</button>
      <label>${t('assignee')}<input name="assignee" value=${assignee} onInput=${(e: any) => setAssignee(e.target.value)} /></label>
      <button class="secondary" onClick=${() => assignee.trim() && update({ assignee: assignee.trim() })}>${t('assign')}</button>
    </div>
    <form class="panel" id="share" onSubmit=${(e: Event) => { e.preventDefault(); void act.run(async () => { setInc((await gql(`mutation($id: ID!, $r: [String!]!) { shareIncident(id: $id, recipients: $r) { ${DETAIL} } }`, { id, r: csv(share) })).shareIncident); setShare(''); }); }}>
      <label>${t('share')}<input name="share" value=${share} onInput=${(e: any) => setShare(e.target.value)} /></label><button type="submit">OK</button>
    </form>
    <${ErrorBox} error=${act.error} />
    <h3>${t('timeline')}</h3>
    <ol class="timeline" id="timeline">${inc.timeline.map((ev: any) => html`<li key=${ev.id}>${fmtDate(ev.at)} — ${ev.actorOrganization.code}/${ev.actorSubject}: ${ev.kind}
      ${ev.fromStatus && ev.toStatus ? ` ${ev.fromStatus} → ${ev.toStatus}` : ''}${ev.note ? html`<div class="muted">${ev.note}</div>` : null}</li>`)}</ol>
  </div>`;
}
