/**
 * The training pages (training workspace only): the trainer's start form and list of exercises, an
 * exercise's scorecard, and a trainee's own exercise tickets. The scorecard's cells are built once
 * here, for the page and the CSV export alike.
 */
import type { StaffUser, TicketRecord } from '../../store/store.ts';
import type { DashboardText } from '../../staff/staff-text.ts';
import type { Exercise } from '../../training/exercise-store.ts';
import type { ScoreRow } from '../../training/exercise-service.ts';
import type { Scenario } from '../../training/scenario.ts';
import type { Mark, RunScore } from '../../training/scorecard.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField, notice, page, priorityBadge, type ViewContext } from './layout.ts';

const SYMBOL: Record<Mark, string> = { ok: '✓', wrong: '✗', pending: '…', na: '–' };

/** One scorecard cell: a mark and what it rests on. */
export interface Cell {
  mark: Mark;
  detail: string;
}

/** The columns of a scorecard, in order. */
export const SCORE_COLUMNS = ['first_action', 'referrals', 'consent', 'victim', 'evidence', 'outcome', 'time_limit'] as const;
export type ScoreColumn = (typeof SCORE_COLUMNS)[number];

/** A run's cells in words. */
export function scoreCells(text: DashboardText, score: RunScore): Record<ScoreColumn, Cell> {
  const t = (key: string, o: Record<string, unknown> = {}) => text.t(`training.${key}`, o);
  const f = score.firstAction;
  const r = score.referrals;
  const list = (ids: string[]) => ids.join(', ');
  const o = score.outcome;
  const l = score.timeLimit;
  return {
    first_action: { mark: f.mark, detail: f.ms !== undefined ? t('of_target', { took: text.duration(f.ms), target: text.duration(f.targetMs) }) : t('no_action', { target: text.duration(f.targetMs) }) },
    referrals: { mark: r.mark, detail: [r.missing.length ? t('missing', { list: list(r.missing) }) : '', r.extra.length ? t('extra', { list: list(r.extra) }) : ''].filter(Boolean).join('; ') },
    consent: { mark: score.consent.mark, detail: score.consent.breaches.map((b) => t(`breach_${b.kind}`, { agency: b.agency ?? '' })).join('; ') },
    victim: { mark: score.victim.mark, detail: score.victim.flagged.map((x) => t(`flag_${x.where}`, { words: x.words })).join('; ') },
    evidence: { mark: score.evidence.mark, detail: score.evidence.expected ? t('evidence_to', { agency: score.evidence.expected }) : score.evidence.exportedTo.length ? t('evidence_to', { agency: list(score.evidence.exportedTo) }) : t('evidence_none') },
    outcome: { mark: o.mark, detail: o.outcome ? text.t(`outcome.${o.outcome}`, { defaultValue: o.outcome }) : t('open') },
    time_limit: { mark: l.mark, detail: l.ms !== undefined ? t('took', { took: text.duration(l.ms), limit: text.duration(l.limitMs) }) : t('took', { took: '—', limit: text.duration(l.limitMs) }) },
  };
}

/** A scenario's title in the staff member's language (English when it has none in theirs). */
export function scenarioTitle(text: DashboardText, s: Scenario): string {
  return s.title[text.lang] ?? s.title.en ?? s.id;
}

function markCell(text: DashboardText, cell: Cell): SafeHtml {
  return html`<td class="mark mark-${cell.mark}"><span class="symbol" aria-hidden="true">${SYMBOL[cell.mark]}</span> <span class="word">${text.t(`training.mark_${cell.mark}`)}</span>${cell.detail ? html`<br><span class="muted">${cell.detail}</span>` : ''}</td>`;
}

/** The trainer's page: start an exercise, and the exercises so far. */
export function trainerView(ctx: ViewContext, d: { scenarios: readonly Scenario[]; trainees: StaffUser[]; exercises: readonly Exercise[]; error?: string }): SafeHtml {
  const { text } = ctx;
  const t = (key: string, o: Record<string, unknown> = {}) => text.t(`training.${key}`, o);
  return page(
    ctx,
    t('title'),
    html`<h1>${t('title')}</h1>
${notice('error', d.error)}
<section class="card" aria-labelledby="start-h"><h2 id="start-h">${t('start_title')}</h2>
<p class="hint">${t('start_hint')}</p>
<form method="post" action="/staff/training/exercises">${csrfField(ctx)}
<fieldset><legend>${t('scenarios')}</legend>
<table class="scenarios"><thead><tr><th scope="col">${t('col_scenario')}</th><th scope="col">${t('language')}</th><th scope="col">${text.t('field.priority')}</th><th scope="col">${text.t('field.case_type')}</th><th scope="col">${t('time_limit')}</th></tr></thead><tbody>
${d.scenarios.map(
  (s) => html`<tr><td><label><input type="checkbox" name="scenario.${s.id}" value="on" checked> ${scenarioTitle(text, s)}</label>${s.brief[text.lang] ?? s.brief.en ? html`<br><span class="muted">${s.brief[text.lang] ?? s.brief.en}</span>` : ''}</td>
<td>${text.answer('lang', s.persona.language)}</td><td>${priorityBadge(text, s.expected.priority)}</td><td>${text.t(`case_type.${s.expected.caseType}`, { defaultValue: s.expected.caseType })}</td><td>${text.duration(s.timeLimitMinutes * 60_000)}</td></tr>`,
)}
</tbody></table></fieldset>
<fieldset><legend>${t('trainees')}</legend>
${d.trainees.length ? d.trainees.map((u) => html`<p><label><input type="checkbox" name="trainee.${u.id}" value="on"> ${u.name} · ${text.t(`role.${u.role}`)} · ${text.agency(u.agency)}</label></p>`) : html`<p class="muted">${t('no_trainees')}</p>`}
</fieldset>
<button type="submit" class="primary">${t('start')}</button>
</form></section>
<section class="card" aria-labelledby="ex-h"><h2 id="ex-h">${t('exercises')}</h2>
${d.exercises.length
  ? html`<table><thead><tr><th scope="col">${t('exercise_title', { id: '' }).trim()}</th><th scope="col">${t('started_at')}</th><th scope="col">${t('trainees')}</th><th scope="col">${t('runs')}</th></tr></thead><tbody>
${d.exercises.map((e) => html`<tr><td><a href="/staff/training/exercises/${e.id}">${e.id}</a></td><td>${text.date(e.startedAt)}</td><td>${e.trainees.length}</td><td>${e.runs.filter((r) => r.ref).length}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">${t('no_exercises')}</p>`}
</section>`,
    'training',
  );
}

/** An exercise's scorecard: one row per trainee and scenario, and each trainee's total. */
export function scorecardView(ctx: ViewContext, d: { exercise: Exercise; rows: ScoreRow[]; started?: number }): SafeHtml {
  const { text } = ctx;
  const t = (key: string, o: Record<string, unknown> = {}) => text.t(`training.${key}`, o);
  const totals = new Map<string, { name: string; ok: number; of: number }>();
  for (const row of d.rows) {
    if (!row.score) continue;
    const total = totals.get(row.run.trainee) ?? { name: row.trainee?.name ?? row.run.trainee, ok: 0, of: 0 };
    total.ok += row.score.score.ok;
    total.of += row.score.score.of;
    totals.set(row.run.trainee, total);
  }
  return page(
    ctx,
    t('exercise_title', { id: d.exercise.id }),
    html`<h1>${t('exercise_title', { id: d.exercise.id })}</h1>
${d.started !== undefined ? notice('ok', t('started', { count: d.started })) : ''}
<p><a href="/staff/training">${t('title')}</a> · <a href="/staff/training/exercises/${d.exercise.id}/scorecard.csv">${t('export')}</a></p>
<section class="card" aria-labelledby="score-h"><h2 id="score-h">${t('scorecard')}</h2>
<p class="hint">${t('scorecard_hint')}</p>
<table class="scorecard"><thead><tr>
<th scope="col">${t('col_trainee')}</th><th scope="col">${t('col_scenario')}</th><th scope="col">${t('col_ticket')}</th>
${SCORE_COLUMNS.map((c) => html`<th scope="col">${t(`col_${c}`)}</th>`)}
<th scope="col">${t('col_score')}</th></tr></thead>
<tbody>${d.rows.map((row) => {
  const head = html`<td>${row.trainee?.name ?? row.run.trainee}</td><td>${scenarioTitle(text, row.scenario)}</td>`;
  if (!row.score || !row.ticket) {
    const why = row.run.skipped === 'not_routed' ? t('not_routed', { agency: row.trainee ? text.agency(row.trainee.agency) : '' }) : t('no_ticket');
    return html`<tr class="skipped" data-scenario="${row.scenario.id}">${head}<td colspan="${SCORE_COLUMNS.length + 2}" class="muted">${why}</td></tr>`;
  }
  const cells = scoreCells(text, row.score);
  return html`<tr data-scenario="${row.scenario.id}" data-trainee="${row.trainee?.name ?? ''}">${head}<td><a class="ref" href="/staff/tickets/${row.ticket.ref}">${row.ticket.ref}</a></td>
${SCORE_COLUMNS.map((c) => markCell(text, cells[c]))}
<td class="score">${t('score', { ok: row.score.score.ok, of: row.score.score.of })}</td></tr>`;
})}</tbody></table>
<h3>${t('totals')}</h3>
<ul class="totals">${[...totals.values()].map((x) => html`<li>${t('total', { name: x.name, ok: x.ok, of: x.of })}</li>`)}</ul>
</section>`,
    'training',
  );
}

/** A trainee's page: their own exercise tickets (what each scenario expects is not shown). */
export function traineeView(ctx: ViewContext, d: { tickets: TicketRecord[] }): SafeHtml {
  const { text } = ctx;
  const t = (key: string) => text.t(`training.${key}`);
  return page(
    ctx,
    t('mine_title'),
    html`<h1>${t('mine_title')}</h1>
<p class="hint">${t('mine_hint')}</p>
${d.tickets.length
  ? html`<table><thead><tr><th scope="col">${text.t('field.ref')}</th><th scope="col">${text.t('field.priority')}</th><th scope="col">${text.t('field.status')}</th><th scope="col">${text.t('field.created')}</th></tr></thead><tbody>
${d.tickets.map((k) => html`<tr><td><a class="ref" href="/staff/tickets/${k.ref}">${k.ref}</a></td><td>${priorityBadge(text, k.priority)}</td><td>${text.t(`status.${k.status}`)}</td><td>${text.date(k.createdAt)}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">${t('mine_none')}</p>`}`,
    'training',
  );
}
