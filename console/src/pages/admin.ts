import { useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { csv, ErrorBox, html, Paged, useAction } from '../ui';

const KINDS = ['COORDINATOR', 'MINISTRY', 'PROVINCE', 'AGENCY', 'SECTOR_CERT', 'ISP', 'SECURITY_VENDOR'];
const ORG = 'code name kind status sector region defaultTlp allowedRoles parent { code } createdAt limits { readsPerMinute bulkItemsPerMinute connections subscriptions overridden } signingKeys { kid alg status createdAt retiredUntil revokedAt }';

/** Organisations (keys, limits), sharing groups and the audit log; what each ADMIN may do is the server's decision. */
export function AdminPage({ path }: { path: string[] }) {
  const tab = path[0] ?? 'organisations';
  return html`<div>
    <h2>${t('admin')}</h2>
    <nav>${(['organisations', 'groups', 'audit'] as const).map((x) => html`<a href=${`#/admin/${x}`} data-tab=${x} class=${x === tab ? 'active' : ''}>${t(x)}</a>`)}</nav>
    ${tab === 'groups' ? html`<${Groups} />` : tab === 'audit' ? html`<${Audit} />` : path[1] ? html`<${OrgDetail} code=${path[1]} />` : html`<${Orgs} />`}
  </div>`;
}

function Orgs() {
  const [f, setF] = useState({ code: '', name: '', kind: 'AGENCY', parent: '' });
  const [reload, setReload] = useState(0);
  const act = useAction();
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  return html`<div>
    <form id="register-org" onSubmit=${(e: Event) => { e.preventDefault(); void act.run(async () => { await gql('mutation($input: OrganizationInput!) { registerOrganization(input: $input) { code } }', { input: { code: f.code, name: f.name, kind: f.kind, parent: f.parent || undefined } }); setReload((n) => n + 1); }); }}>
      <label>${t('code')}<input name="code" required value=${f.code} onInput=${set('code')} /></label>
      <label>${t('name')}<input name="name" required value=${f.name} onInput=${set('name')} /></label>
      <label>${t('kind')}<select name="kind" value=${f.kind} onChange=${set('kind')}>${KINDS.map((k) => html`<option>${k}</option>`)}</select></label>
      <label>Parent<input name="parent" value=${f.parent} onInput=${set('parent')} /></label>
      <button type="submit">${t('register')}</button><${ErrorBox} error=${act.error} />
    </form>
    <${Paged} query=${'query($first: Int, $after: String) { organizations(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code name kind status parent { code } } } } }'}
      pick=${(d: any) => d.organizations} reloadKey=${reload}
      head=${html`<th>${t('code')}</th><th>${t('name')}</th><th>${t('kind')}</th><th>${t('status')}</th><th>Parent</th>`}
      row=${(o: any) => html`<tr key=${o.code} class="clickable org" onClick=${() => (location.hash = `#/admin/organisations/${encodeURIComponent(o.code)}`)}>
        <td>${o.code}</td><td>${o.name}</td><td>${o.kind}</td><td>${o.status}</td><td>${o.parent?.code ?? ''}</td></tr>`} />
  </div>`;
}

function OrgDetail({ code }: { code: string }) {
  const [org, setOrg] = useState<any>(undefined);
  const [jwk, setJwk] = useState('');
  const [limits, setLimits] = useState({ readsPerMinute: '', bulkItemsPerMinute: '', connections: '', subscriptions: '' });
  const act = useAction();
  const load = () => act.run(async () => setOrg((await gql(`query($c: String!) { organization(code: $c) { ${ORG} } }`, { c: code })).organization));
  if (org === undefined && !act.error) void load();
  if (!org) return html`<${ErrorBox} error=${act.error} />`;
  const setStatus = (status: string) => act.run(async () => setOrg((await gql(`mutation($c: String!, $i: OrganizationUpdateInput!) { updateOrganization(code: $c, input: $i) { ${ORG} } }`, { c: code, i: { status } })).updateOrganization));
  return html`<div id="org">
    <p><a href="#/admin/organisations">← ${t('back')}</a></p>
    <h3>${org.code} — ${org.name}</h3>
    <p>${org.kind} · ${org.status} · ${org.sector ?? ''} ${org.region ?? ''} · TLP ${org.defaultTlp} · ${t('roles')}: ${org.allowedRoles.join(', ')}</p>
    <button class="secondary" onClick=${() => setStatus(org.status === 'ACTIVE' ? 'SUSPENDED' : 'ACTIVE')}>${org.status === 'ACTIVE' ? 'SUSPEND' : 'ACTIVATE'}</button>
    <${ErrorBox} error=${act.error} />
    <h4>${t('keys')}</h4>
    <table><tbody>${org.signingKeys.map((k: any) => html`<tr key=${k.kid}><td><code>${k.kid}</code></td><td>${k.alg}</td><td>${k.status}</td><td>${fmtDate(k.createdAt)}</td>
      <td>${k.status !== 'REVOKED' ? html`<button class="secondary" onClick=${() => act.run(async () => { await gql('mutation($o: String!, $k: String!) { revokeSigningKey(organization: $o, kid: $k) { kid } }', { o: code, k: k.kid }); await load(); })}>${t('revoke')}</button>` : null}</td></tr>`)}</tbody></table>
    <form class="panel" onSubmit=${(e: Event) => { e.preventDefault(); void act.run(async () => { await gql('mutation($o: String!, $j: JSONObject!) { registerSigningKey(organization: $o, jwk: $j) { kid } }', { o: code, j: JSON.parse(jwk) }); setJwk(''); await load(); }); }}>
      <label>${t('addKey')}<textarea name="jwk" value=${jwk} onInput=${(e: any) => setJwk(e.target.value)}></textarea></label><button type="submit">${t('register')}</button></form>
    <h4>${t('limits')}</h4>
    ${org.limits ? html`<p>reads/min ${org.limits.readsPerMinute} · bulk items/min ${org.limits.bulkItemsPerMinute} · connections ${org.limits.connections} · subscriptions ${org.limits.subscriptions}</p>` : null}
    <form class="panel" onSubmit=${(e: Event) => { e.preventDefault(); const l = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)])); void act.run(async () => { await gql('mutation($o: String!, $l: OrganizationLimitsInput!) { setOrganizationLimits(organization: $o, limits: $l) { code } }', { o: code, l }); await load(); }); }}>
      ${(Object.keys(limits) as (keyof typeof limits)[]).map((k) => html`<label>${k}<input type="number" min="0" value=${limits[k]} onInput=${(e: any) => setLimits({ ...limits, [k]: e.target.value })} /></label>`)}
      <button type="submit">${t('save')}</button></form>
  </div>`;
}

function Groups() {
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const act = useAction();
  return html`<form id="create-group" onSubmit=${(e: Event) => { e.preventDefault(); void act.run(() => gql('mutation($n: String!, $m: [String!]!) { createSharingGroup(name: $n, members: $m) { name } }', { n: name, m: csv(members) })); }}>
    <h3>${t('createGroup')}</h3>
    <label>${t('name')}<input name="name" required value=${name} onInput=${(e: any) => setName(e.target.value)} /></label>
    <label>${t('members')}<input name="members" value=${members} onInput=${(e: any) => setMembers(e.target.value)} /></label>
    <button type="submit">${t('createGroup')}</button>
    <${ErrorBox} error=${act.error} />${act.done ? html`<div class="ok">${t('done')}</div>` : null}
  </form>`;
}

function Audit() {
  const [f, setF] = useState({ action: '', organization: '', outcome: '' });
  const [filter, setFilter] = useState({});
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  return html`<div>
    <form id="audit-filter" onSubmit=${(e: Event) => { e.preventDefault(); setFilter(Object.fromEntries(Object.entries(f).filter(([, v]) => v))); }}>
      <label>${t('action')}<input name="action" value=${f.action} onInput=${set('action')} /></label>
      <label>${t('org')}<input name="organization" value=${f.organization} onInput=${set('organization')} /></label>
      <label>${t('outcome')}<select name="outcome" value=${f.outcome} onChange=${set('outcome')}><option value="">${t('any')}</option><option>OK</option><option>DENIED</option></select></label>
      <button type="submit">${t('filter')}</button>
    </form>
    <${Paged} query=${'query($filter: AuditFilter, $first: Int, $after: String) { auditEvents(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id at action outcome organization subject targetType targetId } } } }'}
      variables=${{ filter }} pick=${(d: any) => d.auditEvents} pageSize=${50}
      head=${html`<th>${t('when')}</th><th>${t('action')}</th><th>${t('outcome')}</th><th>${t('org')}</th><th>${t('subject')}</th><th>${t('target')}</th>`}
      row=${(a: any) => html`<tr key=${a.id}><td>${fmtDate(a.at)}</td><td>${a.action}</td><td>${a.outcome}</td><td>${a.organization ?? ''}</td><td>${a.subject ?? ''}</td><td>${a.targetType ?? ''} ${a.targetId ?? ''}</td></tr>`} />
  </div>`;
}
