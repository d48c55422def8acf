/** The statistics page: SVG charts drawn on the server, each followed by the same numbers as a table. */
import { barChart, stackedChart } from '../charts.ts';
import { html, type SafeHtml, unsafeRaw } from '../html.ts';
import type { Stats } from '../stats.ts';
import { page, type ViewContext } from './layout.ts';

/** The queue's priority colours, so that P1 is red here too. */
const PRIORITY_COLOURS = ['#b3261e', '#e69b00', '#4c8c2b'];

function weeklyTable(caption: string, weeks: string[], rows: [string, number[]][], firstCol: string): SafeHtml {
  return html`<table class="stats"><caption>${caption}</caption>
<thead><tr><th scope="col">${firstCol}</th>${weeks.map((w) => html`<th scope="col">${w.slice(5)}</th>`)}</tr></thead>
<tbody>${rows.map(([name, values]) => html`<tr><th scope="row">${name}</th>${values.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody></table>`;
}

/** The statistics page. */
export function statsView(ctx: ViewContext, s: Stats, scopeLabel: string): SafeHtml {
  const { text } = ctx;
  const weeks = s.weeks.map((w) => w.slice(5));
  const caseRows = [...s.byCaseType].map(([c, v]) => [text.t(`case_type.${c}`, { defaultValue: c }), v] as [string, number[]]);
  const prioRows = [...s.byPriority].map(([p, v]) => [`${p} · ${text.t(`priority.${p}`, { defaultValue: p })}`, v] as [string, number[]]);
  const medians = [...s.medianFirstAction];
  const open = [...s.openByAgency];
  const weekCol = text.t('stats.series');

  return page(
    ctx,
    text.t('stats.title'),
    html`<h1>${text.t('stats.title')}</h1>
<p class="hint">${text.t('stats.scope', { scope: scopeLabel, weeks: s.weeks.length })}</p>
<section class="card" aria-labelledby="s1"><h2 id="s1">${text.t('stats.by_case_type')}</h2>
${unsafeRaw(stackedChart(text.t('stats.by_case_type'), weeks, caseRows.map(([name, values]) => ({ name, values }))))}
${weeklyTable(text.t('stats.by_case_type'), s.weeks, caseRows, weekCol)}</section>
<section class="card" aria-labelledby="s2"><h2 id="s2">${text.t('stats.by_priority')}</h2>
${unsafeRaw(stackedChart(text.t('stats.by_priority'), weeks, prioRows.map(([name, values], i) => ({ name, values, ...(PRIORITY_COLOURS[i] ? { colour: PRIORITY_COLOURS[i] } : {}) }))))}
${weeklyTable(text.t('stats.by_priority'), s.weeks, prioRows, weekCol)}</section>
<section class="card" aria-labelledby="s3"><h2 id="s3">${text.t('stats.median')}</h2>
${unsafeRaw(barChart(text.t('stats.median'), medians.map(([p, m]) => ({ label: p, value: m.ms ?? 0, display: m.ms === null ? text.t('stats.no_data') : text.duration(m.ms) }))))}
<table class="stats"><caption>${text.t('stats.median')}</caption><thead><tr><th scope="col">${text.t('field.priority')}</th><th scope="col">${text.t('stats.median_col')}</th><th scope="col">${text.t('stats.tickets')}</th></tr></thead>
<tbody>${medians.map(([p, m]) => html`<tr><th scope="row">${p}</th><td>${m.ms === null ? text.t('stats.no_data') : text.duration(m.ms)}</td><td>${m.count}</td></tr>`)}</tbody></table></section>
<section class="card" aria-labelledby="s4"><h2 id="s4">${text.t('stats.open_by_agency')}</h2>
${open.length ? unsafeRaw(barChart(text.t('stats.open_by_agency'), open.map(([a, n]) => ({ label: text.agency(a), value: n })))) : ''}
<table class="stats"><caption>${text.t('stats.open_by_agency')}</caption><thead><tr><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('stats.tickets')}</th></tr></thead>
<tbody>${open.map(([a, n]) => html`<tr><th scope="row">${text.agency(a)}</th><td>${n}</td></tr>`)}</tbody></table></section>`,
    'stats',
  );
}
