// Published rankings: the snapshots a coordinator froze for an audience (paged), one as a chart with its table, and
// publishing the current ranking (a coordinator's ANALYST; the server refuses anyone else).
import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api';
import { BarChart } from '../chart';
import { fmtDate, fmtNum, fmtPct, t } from '../i18n';
import { csv, ErrorBox, html, Paged, useAction } from '../ui';

const ENTRY = 'rank code name score approvalCoverage requirementCompliance systems approved openIncidents openExposures';

export function PublishedRankings({ me }: { me: any }) {
  const [open, setOpen] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const coordinatorAnalyst = me?.organization?.kind === 'COORDINATOR' && me.roles.includes('ANALYST');
  return html`<div id="published-rankings">
    <h3>${t('publishedRankings')}</h3>
    ${coordinatorAnalyst ? html`<${PublishRanking} onPublished=${(id: string) => { setReload((n) => n + 1); setOpen(id); }} />` : null}
    <${Paged} query=${'query($first: Int, $after: String) { rankingSnapshots(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title publishedAt author { code } audience { everyone regions sectors organizations { code } } } } } }'}
      pick=${(d: any) => d.rankingSnapshots} reloadKey=${reload} pageSize=${10}
      head=${html`<th>${t('when')}</th><th>${t('title')}</th><th>${t('author')}</th><th>${t('audienceCol')}</th>`}
      row=${(s: any) => html`<tr key=${s.id} class="clickable snapshot" data-id=${s.id} onClick=${() => setOpen(s.id)}><td>${fmtDate(s.publishedAt)}</td><td>${s.title}</td><td>${s.author.code}</td>
        <td>${s.audience.everyone ? t('everyone') : [...s.audience.regions, ...s.audience.sectors, ...s.audience.organizations.map((o: any) => o.code)].join(', ')}</td></tr>`} />
    ${open ? html`<${Snapshot} key=${open} id=${open} />` : null}
  </div>`;
}

function Snapshot({ id }: { id: string }) {
  const [snap, setSnap] = useState<any>(undefined);
  const load = useAction();
  useEffect(() => {
    void load.run(async () => setSnap((await gql(`query($id: ID!) { rankingSnapshot(id: $id) { id title summary publishedAt entries { ${ENTRY} } } }`, { id })).rankingSnapshot));
  }, [id]);
  if (!snap) return html`<${ErrorBox} error=${load.error} />`;
  const entries: any[] = snap.entries;
  return html`<div id="snapshot" data-id=${snap.id}>
    ${snap.summary ? html`<p class="muted">${snap.summary}</p>` : null}
    <${BarChart} id="chart-snapshot" title=${`${snap.title} · ${fmtDate(snap.publishedAt)}`} series=${[t('score')]} format=${fmtNum} max=${100}
      bars=${entries.map((e) => ({ label: `${e.rank}. ${e.code}`, values: [e.score] }))}
      table=${html`<table><thead><tr><th>${t('rank')}</th><th>${t('org')}</th><th>${t('score')}</th><th>${t('approvalCoverage')}</th><th>${t('requirementCompliance')}</th><th>${t('systems')}</th></tr></thead>
        <tbody>${entries.map((e) => html`<tr key=${e.code} class="snapshot-row"><td>${e.rank}</td><td title=${e.name}>${e.code}</td><td>${fmtNum(e.score)}</td><td>${fmtPct(e.approvalCoverage)}</td>
          <td>${fmtPct(e.requirementCompliance)}</td><td>${fmtNum(e.approved)}/${fmtNum(e.systems)}</td></tr>`)}</tbody></table>`} />
  </div>`;
}

function PublishRanking({ onPublished }: { onPublished: (id: string) => void }) {
  const [f, setF] = useState({ title: '', summary: '', kinds: '', regions: '' });
  const act = useAction();
  const set = (k: keyof typeof f) => (e: any) => setF({ ...f, [k]: e.target.value });
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const regions = csv(f.regions);
      const input = { title: f.title, summary: f.summary || undefined, kinds: f.kinds ? [f.kinds] : undefined, audience: regions.length ? { regions } : { everyone: true } };
      onPublished((await gql('mutation($i: RankingPublicationInput!) { publishRanking(input: $i) { id } }', { i: input })).publishRanking.id);
    });
  };
  return html`<form id="publish-ranking" onSubmit=${submit}>
    <label>${t('title')}<input name="title" required value=${f.title} onInput=${set('title')} /></label>
    <label>${t('summary')}<input name="summary" value=${f.summary} onInput=${set('summary')} /></label>
    <label>${t('rankKinds')}<select name="kinds" value=${f.kinds} onChange=${set('kinds')}><option value="">${t('any')}</option>${['PROVINCE', 'MINISTRY', 'AGENCY', 'SECTOR_CERT'].map((k) => html`<option>${k}</option>`)}</select></label>
    <label>${t('audienceRegions')}<input name="regions" value=${f.regions} onInput=${set('regions')} /></label>
    <button type="submit">${t('publishRanking')}</button>
    <${ErrorBox} error=${act.error} />
  </form>`;
}
