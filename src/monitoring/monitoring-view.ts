/**
 * The monitoring page and the printable report (issue 15). The page is a dashboard page with the
 * period and agency form, charts drawn as the statistics page draws them, and a table under each
 * chart; the report is the same tables on a page of its own, for printing, in Thai or English.
 */
import { barChart } from '../dashboard/charts.ts';
import { html, type SafeHtml, unsafeRaw } from '../dashboard/html.ts';
import { page, type ViewContext } from '../dashboard/views/layout.ts';
import type { DashboardText } from '../staff/staff-text.ts';
import type { ReportFigures, TimeFigure } from './figures.ts';
import type { Period } from './monitoring-service.ts';

/** The query string of a period. */
export function periodQuery(p: Period, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ from: p.from, to: p.to, ...(p.agency ? { agency: p.agency } : {}), ...extra }).toString();
}

/** A measure's name in words. */
export function measureLabel(text: DashboardText, measure: string): string {
  const [id, kind] = measure.split(':');
  return kind ? text.t(`monitoring.measure.${id}`, { kind: text.answer('needs', [kind]) }) : text.t(`monitoring.measure.${id}`);
}

const dur = (text: DashboardText, ms: number | null) => (ms === null ? text.t('stats.no_data') : text.duration(ms));

function countTable(text: DashboardText, caption: string, head: string, rows: [string, number][], label: (v: string) => string): SafeHtml {
  return html`<table class="stats"><caption>${caption}</caption><thead><tr><th scope="col">${head}</th><th scope="col">${text.t('stats.tickets')}</th></tr></thead>
<tbody>${rows.map(([k, n]) => html`<tr><th scope="row">${label(k)}</th><td>${n}</td></tr>`)}</tbody></table>`;
}

function timesTable(text: DashboardText, times: TimeFigure[]): SafeHtml {
  return html`<table class="stats monitoring-times"><caption>${text.t('monitoring.times')}</caption>
<thead><tr><th scope="col">${text.t('monitoring.measure_col')}</th><th scope="col">${text.t('monitoring.count')}</th><th scope="col">${text.t('stats.median_col')}</th><th scope="col">${text.t('monitoring.p90')}</th></tr></thead>
<tbody>${times.map((t) => html`<tr data-measure="${t.measure}"><th scope="row">${measureLabel(text, t.measure)}</th><td>${t.count}</td><td>${dur(text, t.medianMs)}</td><td>${dur(text, t.p90Ms)}</td></tr>`)}</tbody></table>`;
}

/** The tables (and, on the page, the charts) of a report. */
function sections(text: DashboardText, f: ReportFigures, charts: boolean): SafeHtml {
  const country = (c: string) => (c === 'unknown' ? text.t('flag.unknown') : text.answer('current_country', c));
  const chart = (title: string, rows: [string, number][], label: (v: string) => string) => (charts && rows.length ? unsafeRaw(barChart(title, rows.map(([k, n]) => ({ label: label(k), value: n })))) : '');
  const caseType = (c: string) => text.t(`case_type.${c}`, { defaultValue: c });
  const priority = (p: string) => `${p} · ${text.t(`priority.${p}`, { defaultValue: p })}`;
  const outcome = (o: string) => (o === 'open' ? text.t('status.open') : text.t(`outcome.${o}`, { defaultValue: o }));
  const timed = f.times.filter((t) => t.count > 0);
  return html`<section class="card" aria-labelledby="m1"><h2 id="m1">${text.t('monitoring.by_case_type')}</h2>${chart(text.t('monitoring.by_case_type'), f.byCaseType, caseType)}${countTable(text, text.t('monitoring.by_case_type'), text.t('field.case_type'), f.byCaseType, caseType)}</section>
<section class="card" aria-labelledby="m2"><h2 id="m2">${text.t('monitoring.by_priority')}</h2>${chart(text.t('monitoring.by_priority'), f.byPriority, priority)}${countTable(text, text.t('monitoring.by_priority'), text.t('field.priority'), f.byPriority, priority)}</section>
<section class="card" aria-labelledby="m3"><h2 id="m3">${text.t('monitoring.by_nationality')}</h2>${chart(text.t('monitoring.by_nationality'), f.byNationality, country)}${countTable(text, text.t('monitoring.by_nationality'), text.t('monitoring.nationality'), f.byNationality, country)}</section>
<section class="card" aria-labelledby="m4"><h2 id="m4">${text.t('monitoring.by_country')}</h2>${chart(text.t('monitoring.by_country'), f.byCountry, country)}${countTable(text, text.t('monitoring.by_country'), text.t('monitoring.country'), f.byCountry, country)}</section>
<section class="card" aria-labelledby="m5"><h2 id="m5">${text.t('monitoring.times')}</h2>
${charts && timed.length ? unsafeRaw(barChart(text.t('monitoring.times_median'), timed.map((t) => ({ label: measureLabel(text, t.measure), value: t.medianMs ?? 0, display: dur(text, t.medianMs) })))) : ''}
${timesTable(text, f.times)}<p class="hint">${text.t('monitoring.times_hint')}</p></section>
<section class="card" aria-labelledby="m6"><h2 id="m6">${text.t('monitoring.overdue')}</h2>
${f.overdue.length
  ? html`<table class="stats monitoring-overdue"><caption>${text.t('monitoring.overdue')}</caption><thead><tr><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('monitoring.overdue_referral')}</th><th scope="col">${text.t('monitoring.overdue_service')}</th><th scope="col">${text.t('monitoring.overdue_step')}</th></tr></thead>
<tbody>${f.overdue.map((o) => html`<tr data-agency="${o.agency}"><th scope="row">${text.agency(o.agency)}</th><td>${o.referral}</td><td>${o.service}</td><td>${o.return_step}</td></tr>`)}</tbody></table>`
  : html`<p class="muted">${text.t('monitoring.none_overdue')}</p>`}</section>
<section class="card" aria-labelledby="m7"><h2 id="m7">${text.t('monitoring.outcomes')}</h2>${chart(text.t('monitoring.outcomes'), f.outcomes, outcome)}${countTable(text, text.t('monitoring.outcomes'), text.t('field.status'), f.outcomes, outcome)}</section>`;
}

/** The scope line: period, agency, number of tickets. */
function scopeLine(text: DashboardText, p: Period, f: ReportFigures): string {
  return text.t('monitoring.scope', { from: p.from, to: p.to, agency: p.agency ? text.agency(p.agency) : text.t('admin.all_agencies'), count: f.tickets });
}

/** The line that says the figures are being brought up to date, when some changed tickets are not counted yet (decision 0034). */
function pendingLine(text: DashboardText, f: ReportFigures): SafeHtml | string {
  if (!f.pending) return '';
  return html`<p class="notice monitoring-pending" role="status" data-pending="${f.pending}"${f.pendingMore ? html` data-pending-more` : ''}>${text.t(f.pendingMore ? 'monitoring.pending_more' : 'monitoring.pending', { count: f.pending })}</p>`;
}

/** The monitoring page. */
export function monitoringView(ctx: ViewContext, p: Period, f: ReportFigures, agencies: string[] | undefined): SafeHtml {
  const { text } = ctx;
  return page(
    ctx,
    text.t('monitoring.title'),
    html`<h1>${text.t('monitoring.title')}</h1>
<form method="get" action="/staff/monitoring" class="filters" aria-label="${text.t('monitoring.period')}">
  <p class="field"><label for="m-from">${text.t('monitoring.from')}</label><input type="date" id="m-from" name="from" value="${p.from}" required></p>
  <p class="field"><label for="m-to">${text.t('monitoring.to')}</label><input type="date" id="m-to" name="to" value="${p.to}" required></p>
  ${agencies
    ? html`<p class="field"><label for="m-agency">${text.t('field.agency')}</label><select id="m-agency" name="agency"><option value="">${text.t('admin.all_agencies')}</option>${agencies.map((a) => html`<option value="${a}"${a === p.agency ? html` selected` : ''}>${text.agency(a)}</option>`)}</select></p>`
    : ''}
  <p class="field actions"><button type="submit">${text.t('filter.apply')}</button></p>
</form>
<p class="summary">${scopeLine(text, p, f)} · <a href="/staff/monitoring.csv?${periodQuery(p)}" download>${text.t('monitoring.csv')}</a> · <a href="/staff/monitoring.csv?${periodQuery(p, { rows: 'intervals' })}" download>${text.t('monitoring.csv_intervals')}</a>${text.languages.map((l) => html` · <a href="/staff/monitoring/report?${periodQuery(p, { lang: l.code })}" hreflang="${l.code}">${text.t('monitoring.report_in', { language: l.name })}</a>`)}</p>
${pendingLine(text, f)}
${sections(text, f, true)}`,
    'monitoring',
  );
}

/** The printable report: a page of its own, no navigation, in `text`'s language. */
export function printableReport(text: DashboardText, p: Period, f: ReportFigures, generatedAt: Date): SafeHtml {
  return html`<!doctype html>
<html lang="${text.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${text.t('monitoring.report_title')} ${p.from} – ${p.to}</title>
<link rel="stylesheet" href="/staff/static/dashboard.css">
<link rel="stylesheet" href="/staff/static/report.css">
<link rel="icon" href="/staff/static/favicon.svg" type="image/svg+xml">
</head>
<body class="report">
<main id="main">
<h1>${text.t('monitoring.report_title')}</h1>
<p class="summary">${scopeLine(text, p, f)}</p>
<p class="hint">${text.t('monitoring.generated', { date: text.date(generatedAt.toISOString()) })}</p>
${pendingLine(text, f)}
${sections(text, f, false)}
<section class="card method"><h2>${text.t('monitoring.method_title')}</h2><p>${text.t('monitoring.method')}</p></section>
</main>
</body>
</html>`;
}
