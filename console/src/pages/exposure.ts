import { useEffect, useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { ErrorBox, html, lines, Paged, useAction } from '../ui';
import { indicatorHead, indicatorRow, INDICATOR_ROW } from './indicators';

/** The caller's ranges and what falls inside the approved ones; for ADMINs, the review queue. */
export function ExposurePage({ me }: { me: any }) {
  const [ranges, setRanges] = useState<any[]>([]);
  const [text, setText] = useState('');
  const [reload, setReload] = useState(0);
  const load = useAction();
  const save = useAction();
  const review = useAction();
  useEffect(() => {
    void load.run(async () => {
      const d = await gql('{ assetRanges { id cidr status reason reviewedAt } }');
      setRanges(d.assetRanges);
      setText(d.assetRanges.filter((r: any) => r.status !== 'REJECTED').map((r: any) => r.cidr).join('\n'));
    });
  }, [reload]);
  const isAdmin = me?.roles?.includes('ADMIN');
  const decide = (r: any, approve: boolean) =>
    review.run(async () => {
      await gql('mutation($org: String!, $cidrs: [String!]!, $approve: Boolean!) { reviewAssetRanges(organization: $org, cidrs: $cidrs, approve: $approve) { id } }', { org: r.organization.code, cidrs: [r.cidr], approve });
      setReload((n) => n + 1);
    });
  return html`<div>
    <h2>${t('exposure')}</h2>
    <div class="row">
      <div class="panel"><h3>${t('myRanges')}</h3>
        <${ErrorBox} error=${load.error} />
        <table id="ranges"><tbody>${ranges.map((r) => html`<tr key=${r.id}><td><code>${r.cidr}</code></td><td>${r.status}</td><td>${r.reason ?? ''}</td><td>${fmtDate(r.reviewedAt)}</td></tr>`)}</tbody></table>
      </div>
      <form class="panel" id="set-ranges" onSubmit=${(e: Event) => { e.preventDefault(); void save.run(async () => { await gql('mutation($r: [String!]!) { setAssetRanges(ranges: $r) { id } }', { r: lines(text) }); setReload((n) => n + 1); }); }}>
        <label>${t('setRanges')}<textarea name="ranges" value=${text} onInput=${(e: any) => setText(e.target.value)}></textarea></label>
        <${ErrorBox} error=${save.error} />${save.done ? html`<div class="ok">${t('done')}</div>` : null}
        <button type="submit">${t('save')}</button>
      </form>
    </div>
    <h3>${t('exposedIndicators')}</h3>
    <${Paged} query=${`query($first: Int, $after: String) { exposure(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${INDICATOR_ROW} } } } }`}
      pick=${(d: any) => d.exposure} head=${indicatorHead()} row=${indicatorRow} reloadKey=${reload} />
    ${isAdmin ? html`<div id="review-queue"><h3>${t('reviewQueue')}</h3>
      <${ErrorBox} error=${review.error} />
      <${Paged} query=${'query($first: Int, $after: String) { pendingAssetRanges(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id cidr createdAt createdBy organization { code } } } } }'}
        pick=${(d: any) => d.pendingAssetRanges} reloadKey=${reload}
        head=${html`<th>${t('org')}</th><th>CIDR</th><th>${t('when')}</th><th></th>`}
        row=${(r: any) => html`<tr key=${r.id}><td>${r.organization.code}</td><td><code>${r.cidr}</code></td><td>${fmtDate(r.createdAt)} (${r.createdBy})</td>
          <td><button onClick=${() => decide(r, true)}>${t('approve')}</button> <button class="secondary" onClick=${() => decide(r, false)}>${t('reject')}</button></td></tr>`} />
    </div>` : null}
  </div>`;
}
