import { useState } from 'preact/hooks';
import { gql } from '../api';
import { fmtDate, t } from '../i18n';
import { csv, ErrorBox, html, Paged, Sev, Tlp } from '../ui';
import { OBSERVABLE_TYPES } from './search';
import { StixUpload } from './stix-upload';

const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export const INDICATOR_ROW = 'id observable { type value } severity confidence tlp author { code } description lastReported revoked';
const LIST = `query($filter: IndicatorFilter, $first: Int, $after: String) { indicators(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${INDICATOR_ROW} } } } }`;

export const indicatorHead = () => html`<th>${t('type')}</th><th>${t('value')}</th><th>${t('severity')}</th><th>${t('confidence')}</th><th>TLP</th><th>${t('author')}</th><th>${t('description')}</th><th>${t('reported')}</th>`;
export const indicatorRow = (i: any) => html`<tr key=${i.id} data-id=${i.id}><td>${i.observable.type}</td><td><code>${i.observable.value}</code></td><td><${Sev} s=${i.severity} /></td>
  <td>${i.confidence}</td><td><${Tlp} s=${i.tlp} /></td><td>${i.author.code}</td><td class="description">${i.description ?? ''}</td><td>${fmtDate(i.lastReported)}</td></tr>`;

/** Parses the upload: a header line naming the columns, then one indicator per line (quoted fields allowed). */
export function parseCsv(text: string): Record<string, unknown>[] {
  const rows = text.split(/\r?\n/).filter((l) => l.trim()).map(splitLine);
  const [head, ...body] = rows;
  if (!head) return [];
  const cols = head.map((h) => h.trim());
  return body.map((cells) => {
    const item: Record<string, unknown> = {};
    cols.forEach((c, i) => {
      const v = (cells[i] ?? '').trim();
      if (!v) return;
      if (c === 'confidence') item[c] = Number(v);
      else if (c === 'threatTypes' || c === 'tags' || c === 'recipients') item[c] = v.split(/[;|]/).map((x) => x.trim()).filter(Boolean);
      else item[c] = v;
    });
    return item;
  });
}
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

export function IndicatorsPage() {
  const [types, setTypes] = useState('');
  const [minSeverity, setMin] = useState('');
  const [contains, setContains] = useState('');
  const [authors, setAuthors] = useState('');
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  const [result, setResult] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const apply = (e: Event) => {
    e.preventDefault();
    const f: Record<string, unknown> = {};
    if (types) f.types = [types];
    if (minSeverity) f.minSeverity = minSeverity;
    if (contains.trim()) f.valueContains = contains.trim();
    if (authors.trim()) f.authors = csv(authors);
    setFilter(f);
  };
  const upload = async (e: Event) => {
    setError(null);
    setResult(null);
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const items = parseCsv(await file.text());
      const d = await gql(`mutation($input: [IndicatorInput!]!) { submitIndicators(input: $input) { created updated rejected results { index error { field message } } } }`, { input: items });
      setResult(d.submitIndicators);
      setReload((n) => n + 1);
    } catch (err) {
      setError(err);
    }
    input.value = '';
  };
  return html`<div>
    <h2>${t('indicators')}</h2>
    <form id="indicator-filter" onSubmit=${apply}>
      <label>${t('type')}<select name="type" value=${types} onChange=${(e: any) => setTypes(e.target.value)}><option value="">${t('any')}</option>${OBSERVABLE_TYPES.map((x) => html`<option>${x}</option>`)}</select></label>
      <label>${t('minSeverity')}<select name="minSeverity" value=${minSeverity} onChange=${(e: any) => setMin(e.target.value)}><option value="">${t('any')}</option>${SEVERITIES.map((x) => html`<option>${x}</option>`)}</select></label>
      <label>${t('contains')}<input name="contains" value=${contains} onInput=${(e: any) => setContains(e.target.value)} /></label>
      <label>${t('author')}<input name="authors" value=${authors} onInput=${(e: any) => setAuthors(e.target.value)} /></label>
      <button type="submit">${t('filter')}</button>
    </form>
    <div class="panel"><label>${t('uploadCsv')}<input type="file" name="csv" accept=".csv,text/csv" onChange=${upload} /></label>
      <${ErrorBox} error=${error} />
      ${result ? html`<div class="ok" id="upload-result">${result.created} ${t('created')}, ${result.updated} ${t('updated')}, ${result.rejected} ${t('rejected')}</div>
        <ul>${result.results.filter((r: any) => r.error).map((r: any) => html`<li class="error">#${r.index + 1}: ${r.error.field}: ${r.error.message}</li>`)}</ul>` : null}
    </div>
    <${StixUpload} onImported=${() => setReload((n) => n + 1)} />
    <${Paged} query=${LIST} variables=${{ filter }} pick=${(d: any) => d.indicators} head=${indicatorHead()} row=${indicatorRow} reloadKey=${reload} />
  </div>`;
}
