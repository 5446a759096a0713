// Bar charts drawn as SVG by Preact: no chart library, no inline style, no innerHTML. The figures are categorical
// (one bar per province, kind or organisation), which a time-series library such as uPlot does not fit; SVG elements
// made through the DOM are allowed by the CSP, and labels from the API stay text nodes.
import type { ComponentChildren } from 'preact';
import { html } from './ui';

export interface Bar {
  label: string;
  /** Stacked segments, drawn left to right; each is coloured by its series' class. */
  values: number[];
}

export interface ChartProps {
  id: string;
  title: string;
  /** One name per segment, shown in the legend. */
  series: string[];
  bars: Bar[];
  /** The scale's end; default the largest stacked total. */
  max?: number;
  format: (n: number) => string;
  /** The table beside the chart. */
  table: ComponentChildren;
}

const ROW = 22;
const LABEL_W = 150;
const BAR_W = 300;
const VALUE_W = 70;

/** Shortens a label to fit the label column (the full text stays in the table and in the bar's title). */
const clip = (s: string, n = 22) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A horizontal bar chart with its legend, and the same figures as a table beside it. */
export function BarChart({ id, title, series, bars, max, format, table }: ChartProps) {
  const top = Math.max(max ?? 0, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)), 0);
  const scale = (v: number) => (top > 0 ? (v / top) * BAR_W : 0);
  const height = Math.max(bars.length, 1) * ROW + 4;
  return html`<figure class="chart" id=${id} data-bars=${bars.length}>
    <figcaption>${title}</figcaption>
    <div class="chart-body">
      <div>
        ${series.length > 1 ? html`<ul class="legend">${series.map((s, i) => html`<li><svg width="10" height="10" aria-hidden="true"><rect class=${`s${i}`} width="10" height="10" /></svg> ${s}</li>`)}</ul>` : null}
        <svg class="bars" role="img" aria-label=${title} width=${LABEL_W + BAR_W + VALUE_W} height=${height} viewBox=${`0 0 ${LABEL_W + BAR_W + VALUE_W} ${height}`}>
          <line class="axis" x1=${LABEL_W} y1="0" x2=${LABEL_W} y2=${height} />
          ${bars.map((b, row) => {
            let x = LABEL_W;
            const y = row * ROW + 3;
            const total = b.values.reduce((a, v) => a + v, 0);
            return html`<g key=${b.label}>
              <title>${`${b.label}: ${b.values.map(format).join(' / ')}`}</title>
              <text class="label" x=${LABEL_W - 6} y=${y + ROW / 2 + 1}>${clip(b.label)}</text>
              ${b.values.map((v, i) => {
                const w = scale(v);
                const rect = html`<rect class=${`bar s${i}`} x=${x} y=${y} width=${w} height=${ROW - 6} />`;
                x += w;
                return rect;
              })}
              <text class="value" x=${x + 4} y=${y + ROW / 2 + 1}>${b.values.length > 1 ? format(total) : format(b.values[0] ?? 0)}</text>
            </g>`;
          })}
        </svg>
      </div>
      <div class="chart-table">${table}</div>
    </div>
  </figure>`;
}
