// A STIX 2.1 bundle (or TAXII envelope) read in the browser and sent through the existing importStix mutation;
// the server reports every object, and each report is shown as it came.
import { useState } from 'preact/hooks';
import { gql } from '../api';
import { t } from '../i18n';
import { ErrorBox, html } from '../ui';

export function StixUpload({ onImported }: { onImported: () => void }) {
  const [atomic, setAtomic] = useState(false);
  const [result, setResult] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const upload = async (e: Event) => {
    setError(null);
    setResult(null);
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      let bundle: unknown;
      try {
        bundle = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name}: not a JSON file`);
      }
      const d = await gql(`mutation($b: JSONObject!, $atomic: Boolean!) { importStix(bundle: $b, atomic: $atomic) {
        imported updated rejected results { index id type status reason indicatorIds } } }`, { b: bundle, atomic });
      setResult(d.importStix);
      onImported();
    } catch (err) {
      setError(err);
    }
    input.value = '';
  };
  return html`<div class="panel" id="stix-upload">
    <label>${t('uploadStix')}<input type="file" name="stix" accept=".json,application/json,application/stix+json" onChange=${upload} /></label>
    <label class="inline"><input type="checkbox" name="atomic" checked=${atomic} onChange=${() => setAtomic(!atomic)} />${t('atomic')}</label>
    <${ErrorBox} error=${error} />
    ${result ? html`<div class="ok" id="stix-result">${result.imported} ${t('imported')}, ${result.updated} ${t('updated')}, ${result.rejected} ${t('rejected')}</div>
      <table id="stix-objects"><thead><tr><th>#</th><th>${t('objectType')}</th><th>STIX id</th><th>${t('status')}</th><th>${t('reasonCol')}</th></tr></thead>
        <tbody>${result.results.map((r: any) => html`<tr key=${r.index} class=${`stix-${r.status}`}><td>${r.index + 1}</td><td>${r.type ?? ''}</td><td><code>${r.id ?? ''}</code></td>
          <td>${r.status}</td><td>${r.reason ?? ''}</td></tr>`)}</tbody></table>` : null}
  </div>`;
}
