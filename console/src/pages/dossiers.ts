// Safety-level dossiers: the lists (all, or those waiting for the caller's review), one dossier with its history,
// submitting and revising (the owner), approving or returning (the competent reviewer). The server decides who may.
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, fmtNum, t } from '../i18n';
import { ErrorBox, html, lines, Paged, useAction } from '../ui';

const STATUSES = ['SUBMITTED', 'RETURNED', 'APPROVED', 'EXPIRED', 'SUPERSEDED', 'WITHDRAWN'];
const DETAIL = `id version status proposedLevel description measures submittedAt submittedBy reviewComments reviewedAt reviewedBy validUntil
  system { id name } owner { code } reviewer { code } attachments { id name mediaType size version createdAt }
  history { id kind version at actorSubject actorOrganization { code } comments proposedLevel validUntil }`;
const ROW = 'id version status proposedLevel submittedAt validUntil system { id name } owner { code }';

export const systemLink = (s: { id: string; name: string }) => html`<a href=${`#/systems/s/${encodeURIComponent(s.id)}`}>${s.name}</a>`;

export const dossierHead = () =>
  html`<th>${t('submittedAt')}</th><th>${t('system')}</th><th>${t('owner')}</th><th>${t('proposedLevel')}</th><th>${t('version')}</th><th>${t('status')}</th><th>${t('approvedUntil')}</th>`;
export const dossierRow = (d: any) => html`<tr key=${d.id} class="clickable dossier" data-id=${d.id} onClick=${() => (location.hash = `#/systems/d/${encodeURIComponent(d.id)}`)}>
  <td>${fmtDate(d.submittedAt)}</td><td>${d.system.name}</td><td>${d.owner.code}</td><td>${d.proposedLevel}</td><td>v${d.version}</td><td class="status">${d.status}</td><td>${fmtDate(d.validUntil)}</td></tr>`;

/** All dossiers the caller reads, or (toReview) the SUBMITTED ones it is the competent reviewer of. */
export function DossierList({ toReview }: { toReview: boolean }) {
  const [status, setStatus] = useState('');
  const filter = toReview ? { toReview: true } : status ? { statuses: [status] } : {};
  return html`<div id=${toReview ? 'review-dossiers' : 'dossiers'}>
    ${toReview ? null : html`<form onSubmit=${(e: Event) => e.preventDefault()}><label>${t('status')}<select name="status" value=${status} onChange=${(e: any) => setStatus(e.target.value)}>
      <option value="">${t('any')}</option>${STATUSES.map((s) => html`<option>${s}</option>`)}</select></label></form>`}
    <${Paged} query=${`query($filter: DossierFilter, $first: Int, $after: String) { dossiers(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${ROW} } } } }`}
      variables=${{ filter }} pick=${(d: any) => d.dossiers} head=${dossierHead()} row=${dossierRow} />
  </div>`;
}

/** Reads picked files as attachments (base64 content), in the browser: nothing leaves it but the API call. */
async function readAttachments(files: FileList | null): Promise<{ name: string; mediaType?: string; contentBase64: string }[]> {
  const out = [];
  for (const f of Array.from(files ?? [])) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out.push({ name: f.name, mediaType: f.type || undefined, contentBase64: btoa(bin) });
  }
  return out;
}

/** Submits a first dossier for `systemId`, or revises a RETURNED `existing` one. */
export function DossierForm({ systemId, level, existing, onSaved }: { systemId?: string; level?: number; existing?: any; onSaved: (d: any) => void }) {
  const [f, setF] = useState({ level: String(existing?.proposedLevel ?? level ?? 2), description: existing?.description ?? '', measures: (existing?.measures ?? []).join('\n') });
  const [files, setFiles] = useState<FileList | null>(null);
  const act = useAction();
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const attachments = await readAttachments(files);
      const input = { proposedLevel: Number(f.level), description: f.description, measures: lines(f.measures), ...(attachments.length ? { attachments } : {}) };
      const d = existing
        ? (await gql(`mutation($id: ID!, $input: DossierRevisionInput!) { reviseDossier(id: $id, input: $input) { ${DETAIL} } }`, { id: existing.id, input })).reviseDossier
        : (await gql(`mutation($input: DossierInput!) { submitDossier(input: $input) { ${DETAIL} } }`, { input: { ...input, systemId } })).submitDossier;
      onSaved(d);
    });
  };
  return html`<form id="dossier-form" class="panel" onSubmit=${submit}>
    <h4>${existing ? t('revise') : t('submitDossier')}</h4>
    <label>${t('proposedLevel')}<select name="level" value=${f.level} onChange=${set('level')}>${[1, 2, 3, 4, 5].map((l) => html`<option>${l}</option>`)}</select></label>
    <label>${t('attachments')}<input type="file" name="attachments" multiple onChange=${(e: any) => setFiles(e.target.files)} /></label>
    <label>${t('description')}<textarea name="description" required value=${f.description} onInput=${set('description')}></textarea></label>
    <label>${t('measures')}<textarea name="measures" value=${f.measures} onInput=${set('measures')}></textarea></label>
    <${ErrorBox} error=${act.error} />
    <button type="submit">${existing ? t('revise') : t('submitDossier')}</button>
  </form>`;
}

export function DossierDetail({ id, me }: { id: string; me: any }) {
  const [d, setD] = useState<any>(undefined);
  const [comments, setComments] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [reason, setReason] = useState('');
  const load = useAction();
  const act = useAction();
  useEffect(() => {
    void load.run(async () => setD((await gql(`query($id: ID!) { dossier(id: $id) { ${DETAIL} } }`, { id })).dossier));
  }, [id]);
  if (d === undefined) return html`<${ErrorBox} error=${load.error} />`;
  if (d === null) return html`<div><p class="muted" id="not-found">${t('noResults')}</p><a href="#/systems/dossiers">${t('back')}</a></div>`;
  const mine = me?.organization?.code === d.owner.code;
  // Reviewing takes ANALYST (or ADMIN where an organisation may not grant ANALYST); whether this one is the competent reviewer is the server's call.
  const reviews = !mine && (me?.roles ?? []).some((r: string) => r === 'ANALYST' || r === 'ADMIN');
  const review = (approve: boolean) =>
    act.run(async () => {
      const vars = { id, approve, comments: comments.trim() || undefined, validUntil: validUntil ? new Date(`${validUntil}T23:59:59`).toISOString() : undefined };
      setD((await gql(`mutation($id: ID!, $approve: Boolean!, $comments: String, $validUntil: DateTimeISO) { reviewDossier(id: $id, approve: $approve, comments: $comments, validUntil: $validUntil) { ${DETAIL} } }`, vars)).reviewDossier);
    });
  const withdraw = (e: Event) => {
    e.preventDefault();
    void act.run(async () => setD((await gql(`mutation($id: ID!, $r: String!) { withdrawDossier(id: $id, reason: $r) { ${DETAIL} } }`, { id, r: reason })).withdrawDossier));
  };
  return html`<div id="dossier" data-id=${d.id}>
    <p><a href=${`#/systems/s/${encodeURIComponent(d.system.id)}`}>← ${d.system.name}</a></p>
    <h3>${t('dossier')}: ${systemLink(d.system)} <span class="muted">v${d.version}</span></h3>
    <dl class="facts">
      <dt>${t('status')}</dt><dd id="dossier-status">${d.status}</dd>
      <dt>${t('owner')}</dt><dd>${d.owner.code}</dd>
      <dt>${t('proposedLevel')}</dt><dd>${d.proposedLevel}</dd>
      <dt>${t('submittedAt')}</dt><dd>${fmtDate(d.submittedAt)} (${d.submittedBy})</dd>
      <dt>${t('decidedBy')}</dt><dd>${d.reviewer ? `${d.reviewer.code} ${d.reviewedBy ?? ''} ${fmtDate(d.reviewedAt)}` : '—'}</dd>
      <dt>${t('approvedUntil')}</dt><dd>${fmtDate(d.validUntil)}</dd>
    </dl>
    <div class="panel">${d.description}</div>
    ${d.measures.length ? html`<ul class="measures">${d.measures.map((m: string) => html`<li>${m}</li>`)}</ul>` : null}
    ${d.reviewComments ? html`<p class="panel"><strong>${t('reviewComments')}:</strong> ${d.reviewComments}</p>` : null}
    ${d.attachments.length ? html`<h4>${t('attachments')}</h4><ul>${d.attachments.map((a: any) => html`<li key=${a.id}>${a.name} <span class="muted">${a.mediaType}, ${fmtNum(a.size)} B, v${a.version}</span></li>`)}</ul>` : null}
    <${ErrorBox} error=${act.error} />
    ${d.status === 'SUBMITTED' && reviews ? html`<div class="panel" id="review-actions">
      <label>${t('comments')}<textarea name="comments" value=${comments} onInput=${(e: any) => setComments(e.target.value)}></textarea></label>
      <label>${t('validUntil')}<input type="date" name="validUntil" value=${validUntil} onInput=${(e: any) => setValidUntil(e.target.value)} /></label>
      <button id="approve-dossier" onClick=${() => review(true)}>${t('approveDossier')}</button>
      <button class="secondary" id="return-dossier" onClick=${() => review(false)}>${t('returnDossier')}</button>
    </div>` : null}
    ${d.status === 'RETURNED' && mine ? html`<${DossierForm} key=${d.version} existing=${d} onSaved=${setD} />` : null}
    ${(d.status === 'SUBMITTED' || d.status === 'RETURNED') && mine ? html`<form class="panel" id="withdraw-dossier" onSubmit=${withdraw}>
      <label>${t('reason')}<input name="reason" required value=${reason} onInput=${(e: any) => setReason(e.target.value)} /></label><button type="submit" class="secondary">${t('withdrawDossier')}</button></form>` : null}
    <h4>${t('dossierHistory')}</h4>
    <ol class="timeline" id="dossier-history">${d.history.map((ev: any) => html`<li key=${ev.id}>${fmtDate(ev.at)} — ${ev.actorOrganization.code}/${ev.actorSubject}: ${ev.kind} v${ev.version}
      ${ev.proposedLevel ? ` · ${t('level')} ${ev.proposedLevel}` : ''}${ev.validUntil ? ` · ${t('approvedUntil')} ${fmtDate(ev.validUntil)}` : ''}${ev.comments ? html`<div class="muted">${ev.comments}</div>` : null}</li>`)}</ol>
  </div>`;
}
