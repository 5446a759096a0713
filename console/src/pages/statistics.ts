// Registry statistics and the ranking as charts, each with its table beside it. The figures are the `statistics`
// query's, then live from the `statistics` subscription (which sends the current figures first, then each change).
import { useEffect, useState } from 'preact/hooks';
import { gql, live } from '../api';
import { BarChart } from '../chart';
import { fmtDate, fmtNum, fmtPct, t, type Key } from '../i18n';
import { ErrorBox, html, Pager, usePaged } from '../ui';
import { PublishedRankings } from './rankings';

const GROUP = `key organization { code name } systems { total approved approvedShare }
  requirements { applicable unmet metShare byRequirement { unmet requirement { code title } } }
  exposures { total open remediated meanTimeToRemediationHours } incidents { total open closed meanOpenAgeHours } dossiers { waiting meanWaitingHours }`;
const FIELDS = `computedAt groupBy total { ${GROUP} } groups { ${GROUP} }`;
const GROUPINGS: [string, Key][] = [['REGION', 'byRegion'], ['ORGANIZATION', 'byOrganisation'], ['KIND', 'byKind'], ['SECTOR', 'bySector']];
const KINDS = ['PROVINCE', 'MINISTRY', 'AGENCY', 'SECTOR_CERT', 'ISP', 'SECURITY_VENDOR'];

const label = (g: any) => (g.organization ? `${g.organization.code}` : g.key);

export function StatisticsPage({ me }: { me: any }) {
  const [groupBy, setGroupBy] = useState('REGION');
  const [stats, setStats] = useState<any>(null);
  const [isLive, setLive] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    setError(null);
    gql(`query($g: StatisticsGrouping) { statistics(groupBy: $g) { ${FIELDS} } }`, { g: groupBy })
      .then((d) => {
        if (cancelled) return;
        setStats(d.statistics);
        stop = live<any>(`subscription($g: StatisticsGrouping) { statistics(groupBy: $g) { ${FIELDS} } }`, { g: groupBy }, (d) => {
          setStats(d.statistics);
          setLive(true);
        }, () => setLive(false));
      })
      .catch(setError);
    return () => {
      cancelled = true;
      setLive(false);
      stop?.();
    };
  }, [groupBy]);
  return html`<div id="statistics">
    <h2>${t('statistics')}</h2>
    <form onSubmit=${(e: Event) => e.preventDefault()}>
      <label>${t('groupBy')}<select name="groupBy" value=${groupBy} onChange=${(e: any) => setGroupBy(e.target.value)}>${GROUPINGS.map(([v, k]) => html`<option value=${v}>${t(k)}</option>`)}</select></label>
      <span class="muted">${t('statisticsOf')}${stats ? ` · ${t('computedAt')} ${fmtDate(stats.computedAt)}` : ''}${isLive ? html` · <span id="stats-live">${t('liveFigures')}</span>` : ''}</span>
    </form>
    <${ErrorBox} error=${error} />
    ${stats ? html`<${Figures} stats=${stats} />` : null}
    <${Ranking} />
    <${PublishedRankings} me=${me} />
  </div>`;
}

function Figures({ stats }: { stats: any }) {
  const groups: any[] = stats.groups;
  const head = (...cols: string[]) => html`<thead><tr><th>${t('group')}</th>${cols.map((c) => html`<th>${c}</th>`)}</tr></thead>`;
  const byReq: any[] = stats.total.requirements.byRequirement.slice(0, 12);
  return html`<div class="charts">
    <${BarChart} id="chart-coverage" title=${t('approvalCoverage')} series=${[t('approved'), t('notApproved')]} format=${fmtNum}
      bars=${groups.map((g) => ({ label: label(g), values: [g.systems.approved, g.systems.total - g.systems.approved] }))}
      table=${html`<table>${head(t('approved'), t('systems'), t('approvalCoverage'))}<tbody>${groups.map((g) => html`<tr key=${g.key}><td>${label(g)}</td>
        <td>${fmtNum(g.systems.approved)}</td><td>${fmtNum(g.systems.total)}</td><td>${fmtPct(g.systems.approvedShare)}</td></tr>`)}</tbody></table>`} />
    <${BarChart} id="chart-exposure" title=${t('exposures')} series=${[t('open'), t('remediated')]} format=${fmtNum}
      bars=${groups.map((g) => ({ label: label(g), values: [g.exposures.open, g.exposures.remediated] }))}
      table=${html`<table>${head(t('open'), t('remediated'), t('total'), t('mttr'))}<tbody>${groups.map((g) => html`<tr key=${g.key}><td>${label(g)}</td>
        <td>${fmtNum(g.exposures.open)}</td><td>${fmtNum(g.exposures.remediated)}</td><td>${fmtNum(g.exposures.total)}</td><td>${fmtNum(g.exposures.meanTimeToRemediationHours)}</td></tr>`)}</tbody></table>`} />
    <${BarChart} id="chart-incidents" title=${t('openIncidents')} series=${[t('open'), t('resolvedClosed')]} format=${fmtNum}
      bars=${groups.map((g) => ({ label: label(g), values: [g.incidents.open, g.incidents.total - g.incidents.open] }))}
      table=${html`<table>${head(t('open'), t('total'), t('dossiersWaiting'), t('meanWaiting'))}<tbody>${groups.map((g) => html`<tr key=${g.key}><td>${label(g)}</td>
        <td>${fmtNum(g.incidents.open)}</td><td>${fmtNum(g.incidents.total)}</td><td>${fmtNum(g.dossiers.waiting)}</td><td>${fmtNum(g.dossiers.meanWaitingHours)}</td></tr>`)}</tbody></table>`} />
    <${BarChart} id="chart-requirements" title=${t('requirementCompliance')} series=${[t('requirementCompliance')]} format=${fmtPct} max=${1}
      bars=${groups.filter((g) => g.requirements.metShare != null).map((g) => ({ label: label(g), values: [g.requirements.metShare] }))}
      table=${html`<table>${head(t('applicable'), t('notMet'), t('requirementCompliance'))}<tbody>${groups.map((g) => html`<tr key=${g.key}><td>${label(g)}</td>
        <td>${fmtNum(g.requirements.applicable)}</td><td>${fmtNum(g.requirements.unmet)}</td><td>${fmtPct(g.requirements.metShare)}</td></tr>`)}</tbody></table>`} />
    <${BarChart} id="chart-unmet" title=${t('unmetByRequirement')} series=${[t('systems')]} format=${fmtNum}
      bars=${byReq.map((r) => ({ label: r.requirement.code, values: [r.unmet] }))}
      table=${html`<table><thead><tr><th>${t('requirement')}</th><th>${t('systems')}</th></tr></thead><tbody>${byReq.map((r) => html`<tr key=${r.requirement.code}>
        <td><code>${r.requirement.code}</code> ${r.requirement.title}</td><td>${fmtNum(r.unmet)}</td></tr>`)}</tbody></table>`} />
  </div>`;
}

/** The live ranking (best first), paged with its cursors; the chart shows the entries loaded so far. */
function Ranking() {
  const [kind, setKind] = useState('');
  const p = usePaged<any>({
    query: `query($kinds: [OrganizationKind!], $first: Int, $after: String) { ranking(kinds: $kinds, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { rank code name score approvalCoverage requirementCompliance incidentResponse exposureHygiene
        systems approved unmetRequirements openIncidents openExposures } } } }`,
    variables: { kinds: kind ? [kind] : undefined },
    pick: (d: any) => d.ranking,
    pageSize: 20,
  });
  return html`<div id="ranking">
    <h3>${t('ranking')}</h3>
    <form onSubmit=${(e: Event) => e.preventDefault()}><label>${t('rankKinds')}<select name="kind" value=${kind} onChange=${(e: any) => setKind(e.target.value)}>
      <option value="">${t('any')}</option>${KINDS.map((k) => html`<option>${k}</option>`)}</select></label></form>
    <${ErrorBox} error=${p.error} />
    <${BarChart} id="chart-ranking" title=${`${t('ranking')} (${t('score')} 0–100)`} series=${[t('score')]} format=${fmtNum} max=${100}
      bars=${p.nodes.map((e) => ({ label: `${e.rank}. ${e.code}`, values: [e.score] }))}
      table=${html`<table><thead><tr><th>${t('rank')}</th><th>${t('org')}</th><th>${t('score')}</th><th>${t('approvalCoverage')}</th><th>${t('requirementCompliance')}</th>
        <th>${t('systems')}</th><th>${t('openIncidents')}</th><th>${t('exposures')}</th></tr></thead>
        <tbody>${p.nodes.map((e) => html`<tr key=${e.code} class="rank-row"><td>${e.rank}</td><td title=${e.name}>${e.code}</td><td>${fmtNum(e.score)}</td><td>${fmtPct(e.approvalCoverage)}</td>
          <td>${fmtPct(e.requirementCompliance)}</td><td>${fmtNum(e.approved)}/${fmtNum(e.systems)}</td><td>${fmtNum(e.openIncidents)}</td><td>${fmtNum(e.openExposures)}</td></tr>`)}</tbody></table>`} />
    <${Pager} p=${p} />
  </div>`;
}
