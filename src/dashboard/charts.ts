/**
 * Bar charts as inline SVG, drawn on the server: no charting library and no script, so they work
 * under the dashboard's strict Content-Security-Policy. Every chart has a text table beside it.
 * Labels are escaped here, which is why the result may be inserted with `unsafeRaw`.
 */
import { escapeHtml } from './html.ts';

/** Distinct colours, readable on white; the tables carry the same numbers for anyone who cannot tell them apart. */
export const SERIES_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#7f7f7f'];

/** One bar of a horizontal chart. */
export interface Bar {
  label: string;
  value: number;
  /** The value as text (a duration, say); the number by default. */
  display?: string;
}

/** A horizontal bar chart, one bar per row; `title` names it for screen readers. */
export function barChart(title: string, bars: readonly Bar[]): string {
  const rowH = 28;
  const labelW = 240;
  const barW = 320;
  const width = labelW + barW + 110;
  const height = Math.max(1, bars.length) * rowH + 10;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars
    .map((b, i) => {
      const y = 5 + i * rowH;
      const w = Math.round((b.value / max) * barW);
      return (
        `<text x="${labelW - 8}" y="${y + 18}" text-anchor="end">${escapeHtml(truncate(b.label, 34))}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${Math.max(w, b.value > 0 ? 2 : 0)}" height="${rowH - 10}" fill="${SERIES_COLOURS[0]}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 18}">${escapeHtml(b.display ?? String(b.value))}</text>`
      );
    })
    .join('');
  return svg(title, width, height, rows);
}

/** A stacked vertical bar chart: one column per category (a week), one colour per series, with a legend. */
export function stackedChart(title: string, categories: readonly string[], series: readonly { name: string; values: readonly number[]; colour?: string }[]): string {
  const colW = 56;
  const plotH = 180;
  const left = 36;
  const top = 20;
  const legendRowH = 20;
  const width = Math.max(left + categories.length * colW + 10, 360);
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  let body = `<line x1="${left}" y1="${top + plotH}" x2="${left + categories.length * colW}" y2="${top + plotH}" stroke="#555"/>`;
  body += `<text x="${left - 6}" y="${top + 10}" text-anchor="end">${max}</text><text x="${left - 6}" y="${top + plotH}" text-anchor="end">0</text>`;
  categories.forEach((cat, i) => {
    let y = top + plotH;
    const x = left + i * colW + 8;
    series.forEach((s, si) => {
      const v = s.values[i] ?? 0;
      if (!v) return;
      const h = Math.max(1, Math.round((v / max) * plotH));
      y -= h;
      body += `<rect x="${x}" y="${y}" width="${colW - 16}" height="${h}" fill="${s.colour ?? SERIES_COLOURS[si % SERIES_COLOURS.length]}"><title>${escapeHtml(`${s.name}: ${v}`)}</title></rect>`;
    });
    body += `<text x="${x + (colW - 16) / 2}" y="${top + plotH + 16}" text-anchor="middle">${escapeHtml(cat)}</text>`;
    if (totals[i]) body += `<text x="${x + (colW - 16) / 2}" y="${y - 4}" text-anchor="middle">${totals[i]}</text>`;
  });
  const legendTop = top + plotH + 30;
  series.forEach((s, si) => {
    const y = legendTop + si * legendRowH;
    body += `<rect x="${left}" y="${y}" width="12" height="12" fill="${s.colour ?? SERIES_COLOURS[si % SERIES_COLOURS.length]}"/><text x="${left + 18}" y="${y + 11}">${escapeHtml(s.name)}</text>`;
  });
  return svg(title, width, legendTop + series.length * legendRowH + 6, body);
}

function svg(title: string, width: number, height: number, body: string): string {
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
