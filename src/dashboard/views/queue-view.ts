/** The queue: filters, counts per status, and tickets by priority then age, overdue ones marked. */
import { can } from '../../access/access.ts';
import { STATUSES } from '../../tickets/ticket-actions.ts';
import type { TicketRecord, TicketStatus } from '../../store/store.ts';
import type { DashboardText } from '../../staff/staff-text.ts';
import { html, type SafeHtml } from '../html.ts';
import { type Targets, type Timing, timingOf } from '../../tickets/targets.ts';
import { page, priorityBadge, type ViewContext } from './layout.ts';

/** The queue's filters, as the form sends them. */
export interface QueueFilters {
  status: TicketStatus | 'open' | 'all';
  priority?: string;
  caseType?: string;
  agency?: string;
  language?: string;
  channel?: string;
  mine: boolean;
}

/** What the filter selects offer. */
export interface QueueOptions {
  priorities: readonly string[];
  caseTypes: readonly string[];
  agencies: readonly string[];
  languages: readonly string[];
  channels: readonly string[];
}

/** The query string of a filter set (for the export link and the status counts). */
export function filterQuery(f: QueueFilters, override: Partial<Record<keyof QueueFilters, string>> = {}): string {
  const q = new URLSearchParams();
  const all = { status: f.status, priority: f.priority, case_type: f.caseType, agency: f.agency, language: f.language, channel: f.channel, mine: f.mine ? '1' : undefined };
  const merged: Record<string, string | undefined> = { ...all, ...(override.status ? { status: override.status } : {}) };
  for (const [k, v] of Object.entries(merged)) if (v) q.set(k, v);
  return q.toString();
}

/** Where the queue page is in the list: the cursor of the next page, if any, and whether this is not the first. */
export interface QueuePaging {
  next?: string;
  paged: boolean;
  size: number;
}

/** The links to the next page and back to the first. */
function pagingLinks(text: DashboardText, f: QueueFilters, paging: QueuePaging | undefined): SafeHtml | string {
  if (!paging || (!paging.next && !paging.paged)) return '';
  const base = filterQuery(f);
  const sep = base ? '&' : '';
  return html`<nav class="paging" aria-label="${text.t('queue.title')}">
${paging.paged ? html`<a href="/staff?${base}">${text.t('queue_pages.first')}</a>` : ''}
${paging.next ? html` <a href="/staff?${base}${sep}after=${paging.next}" rel="next">${text.t('queue_pages.next', { count: paging.size })}</a>` : ''}
</nav>`;
}

/** A function that computes each result once, by its arguments. */
function once<A extends (string | number | undefined)[], R>(f: (...args: A) => R): (...args: A) => R {
  const done = new Map<string, R>();
  return (...args) => {
    const key = args.join('\u0000');
    if (!done.has(key)) done.set(key, f(...args));
    return done.get(key)!;
  };
}

/** The timing badge: words and an icon as well as colour. */
export function timingBadge(text: DashboardText, timing: Timing): SafeHtml {
  const d = text.duration(timing.ms);
  switch (timing.state) {
    case 'overdue':
      return html`<span class="badge overdue">⚠ ${text.t('timing.overdue', { time: d })}</span>`;
    case 'due':
      return html`<span class="badge due">${text.t('timing.due', { time: d })}</span>`;
    case 'met':
      return html`<span class="badge met">✓ ${text.t('timing.met', { time: d })}</span>`;
    case 'missed':
      return html`<span class="badge missed">${text.t('timing.missed', { time: d })}</span>`;
  }
}

function select(id: string, name: string, label: string, options: readonly { value: string; label: string }[], selected: string | undefined, anyLabel?: string): SafeHtml {
  return html`<p class="field"><label for="${id}">${label}</label>
<select id="${id}" name="${name}">
${anyLabel !== undefined ? html`<option value="">${anyLabel}</option>` : ''}
${options.map((o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`)}
</select></p>`;
}

/** The queue page. */
export function queueView(
  ctx: ViewContext,
  data: { tickets: TicketRecord[]; filters: QueueFilters; counts: Record<TicketStatus, number>; options: QueueOptions; targets: Targets; now: Date; names: Map<string, string>; refreshSeconds?: number; paging?: QueuePaging; careOverdue?: ReadonlyMap<string, number> },
): SafeHtml {
  const { text } = ctx;
  const staff = ctx.staff!;
  const f = data.filters;
  const any = text.t('filter.any');
  const openCount = STATUSES.filter((s) => s !== 'closed').reduce((n, s) => n + data.counts[s], 0);
  const timings = data.tickets.map((t) => timingOf(t, data.targets, data.now));
  const overdue = timings.filter((t, i) => t.state === 'overdue' || data.careOverdue?.has(data.tickets[i]!.ref)).length;

  const counts = html`<ul class="counts" aria-label="${text.t('queue.counts')}">
  <li><a href="/staff?${filterQuery(f, { status: 'open' })}"${f.status === 'open' ? html` aria-current="true"` : ''}>${text.t('status.open')} <strong>${openCount}</strong></a></li>
  ${STATUSES.map((s) => html`<li><a href="/staff?${filterQuery(f, { status: s })}"${f.status === s ? html` aria-current="true"` : ''}>${text.t(`status.${s}`)} <strong>${data.counts[s]}</strong></a></li>`)}
  <li><a href="/staff?${filterQuery(f, { status: 'all' })}"${f.status === 'all' ? html` aria-current="true"` : ''}>${text.t('status.all')}</a></li>
</ul>`;

  const filters = html`<form method="get" action="/staff" class="filters" aria-label="${text.t('queue.filters')}">
  ${select('f-status', 'status', text.t('field.status'), [{ value: 'open', label: text.t('status.open') }, ...STATUSES.map((s) => ({ value: s, label: text.t(`status.${s}`) })), { value: 'all', label: text.t('status.all') }], f.status)}
  ${select('f-priority', 'priority', text.t('field.priority'), data.options.priorities.map((p) => ({ value: p, label: `${p} · ${text.t(`priority.${p}`, { defaultValue: p })}` })), f.priority, any)}
  ${select('f-case', 'case_type', text.t('field.case_type'), data.options.caseTypes.map((c) => ({ value: c, label: text.t(`case_type.${c}`, { defaultValue: c }) })), f.caseType, any)}
  ${can(staff.user.role, 'all_agencies') ? select('f-agency', 'agency', text.t('field.agency'), data.options.agencies.map((a) => ({ value: a, label: text.agency(a) })), f.agency, any) : ''}
  ${select('f-language', 'language', text.t('field.language'), data.options.languages.map((l) => ({ value: l, label: text.answer('lang', l) })), f.language, any)}
  ${select('f-channel', 'channel', text.t('field.channel'), data.options.channels.map((c) => ({ value: c, label: text.t(`channel.${c}`, { defaultValue: c }) })), f.channel, any)}
  <p class="field check"><input type="checkbox" id="f-mine" name="mine" value="1"${f.mine ? html` checked` : ''}><label for="f-mine">${text.t('filter.mine')}</label></p>
  <p class="field actions"><button type="submit">${text.t('filter.apply')}</button> <a href="/staff">${text.t('filter.reset')}</a></p>
</form>`;

  // The same labels and values come back on every row: each is translated once per page (a
  // hundred rows made some 1,700 lookups, a quarter of the page's time).
  const tr = once((key: string, count?: number) => text.t(key, count === undefined ? {} : { count }));
  const named = once((key: string, fallback: string) => text.t(key, { defaultValue: fallback }));
  const badge = once((priority: string) => priorityBadge(text, priority));
  const language = once((lang: string) => text.answer('lang', lang));
  const rows = data.tickets.map((t, i) => {
    const timing = timings[i]!;
    const care = data.careOverdue?.get(t.ref) ?? 0;
    return html`<tr class="${timing.state === 'overdue' || care ? 'is-overdue' : ''}" data-ref="${t.ref}">
  <td data-label="${tr('field.ref')}"><a href="/staff/tickets/${t.ref}" class="ref">${t.ref}</a>${t.channel === 'sim' && !text.training ? html` <span class="badge sim-ticket" title="${tr('staff_access.sim_notice')}">🧪 ${tr('staff_access.sim_badge')}</span>` : ''}${t.updatedByReporterAt ? html` <span class="badge reporter-update" title="${tr('reporter_update.badge')}">✉ ${tr('reporter_update.short')}</span>` : ''}</td>
  <td data-label="${tr('field.priority')}">${badge(t.priority)}</td>
  <td data-label="${tr('field.response')}">${timingBadge(text, timing)}${care ? html` <span class="badge overdue care-overdue">⚠ ${tr('care.queue_overdue', care)}</span>` : ''}</td>
  <td data-label="${tr('field.case_type')}">${named(`case_type.${t.caseType}`, t.caseType)}</td>
  <td data-label="${tr('field.status')}">${tr(`status.${t.status}`)}</td>
  <td data-label="${tr('field.assignee')}">${t.assignee ? (data.names.get(t.assignee) ?? t.assignee) : html`<span class="muted">${tr('field.unassigned')}</span>`}</td>
  <td data-label="${tr('field.language')}">${t.language ? language(t.language) : ''}</td>
  <td data-label="${tr('field.channel')}">${named(`channel.${t.channel}`, t.channel)}</td>
  <td data-label="${tr('field.created')}">${text.date(t.createdAt)}</td>
</tr>`;
  });

  return page(
    ctx,
    text.t('queue.title'),
    html`<h1>${text.t('queue.title')}</h1>
${filters}
<p id="queue-status" class="visually-hidden" role="status" aria-live="polite" data-added="${text.t('staff_access.queue_new', { count: '{{count}}' })}"></p>
<div id="queue-live" data-refresh="${String(data.refreshSeconds ?? 30)}">
${counts}
<p class="summary">${text.t('queue.showing', { count: data.tickets.length })}${overdue ? html` · <strong class="overdue-text">⚠ ${text.t('queue.overdue_count', { count: overdue })}</strong>` : ''}
 · <a href="/staff/export.csv?${filterQuery(f)}" download>${text.t('queue.export')}</a></p>
${data.tickets.length
  ? html`<table class="queue">
  <caption class="visually-hidden">${text.t('queue.caption')}</caption>
  <thead><tr>
    <th scope="col">${text.t('field.ref')}</th><th scope="col">${text.t('field.priority')}</th><th scope="col">${text.t('field.response')}</th>
    <th scope="col">${text.t('field.case_type')}</th><th scope="col">${text.t('field.status')}</th><th scope="col">${text.t('field.assignee')}</th>
    <th scope="col">${text.t('field.language')}</th><th scope="col">${text.t('field.channel')}</th><th scope="col">${text.t('field.created')}</th>
  </tr></thead>
  <tbody>${rows}</tbody>
</table>
${pagingLinks(text, f, data.paging)}`
  : html`<p class="empty">${text.t('queue.empty')}</p>`}
</div>
<script src="/staff/static/queue.js" defer></script>`,
    'queue',
  );
}
