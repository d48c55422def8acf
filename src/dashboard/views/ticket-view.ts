/**
 * The ticket page: the case at a glance, every answer with its question, the transcript,
 * attachments, notes, the audit trail, and the actions the staff member's role allows.
 */
import type { Agency } from '../../directory/directory.ts';
import type { AnswerValue } from '../../flow/types.ts';
import type { AuditEntry, Attachment, Note, StaffUser, TicketRecord } from '../../store/store.ts';
import { isCrossBorder, OUTCOMES, STATUSES } from '../../tickets/ticket-actions.ts';
import type { Directory } from '../../directory/directory.ts';
import { ALL_AGENCIES, can } from '../../access/access.ts';
import type { DashboardText } from '../../staff/staff-text.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Timing } from '../../tickets/targets.ts';
import { csrfField, notice, page, priorityBadge, type ViewContext } from './layout.ts';
import { timingBadge } from './queue-view.ts';
import { type PriorityReason, priorityReasonView, simulatorNotice } from './ticket-reason-view.ts';

/** Everything the ticket page shows. */
export interface TicketPageData {
  ticket: TicketRecord;
  timing: Timing;
  transcript: { direction: 'in' | 'out'; body: unknown; createdAt: string }[];
  attachments: Attachment[];
  notes: Note[];
  audit: (AuditEntry & { at: string })[];
  /** Staff by id, for names in notes, audit and the assignee. */
  staff: Map<string, StaffUser>;
  /** Colleagues this ticket may be assigned to. */
  assignable: StaffUser[];
  directory: Directory;
  /** Dictionary keys in order, for the answers table. */
  keys: string[];
  mayWrite: boolean;
  /** Why the ticket has its priority, from the policy's rules. */
  priorityReason?: PriorityReason;
  /** The form that was refused, to show again as the staff member filled it in. */
  form?: { action: string; values: Record<string, string> };
  /** When the reporter used the quick exit, if they have not written since. */
  reporterLeftAt?: string | null;
  /** The language-model assist's cards (summary, translations) and its translate-first form. */
  cards?: SafeHtml;
  compose?: SafeHtml;
  /** Services and the return plan (src/care/, issue 15). */
  care?: SafeHtml;
  error?: string;
  done?: string;
}

/** `staff:<id>` and other audit actors in words. */
export function actorName(text: DashboardText, actor: string, staff: Map<string, StaffUser>): string {
  if (actor.startsWith('staff:')) return staff.get(actor.slice(6))?.name ?? text.t('actor.former_staff');
  if (actor.startsWith('token:')) return text.t('actor.token');
  return text.t(`actor.${actor}`, { defaultValue: actor });
}

/** Flow plumbing, not information about the case: the language is shown at a glance, "send" is a button. */
const HIDDEN_KEYS = ['lang', 'confirm_send'];

const str = (v: AnswerValue | undefined) => (typeof v === 'string' ? v : undefined);

/** A yes/no flag shown with a symbol and a word. */
function flag(text: DashboardText, value: AnswerValue | undefined): SafeHtml {
  if (value === 'yes') return html`<span class="flag yes">✓ ${text.t('flag.yes')}</span>`;
  if (value === 'no') return html`<span class="flag no">✗ ${text.t('flag.no')}</span>`;
  return html`<span class="flag unknown">? ${text.t('flag.unknown')}</span>`;
}

function locationCell(text: DashboardText, value: AnswerValue | undefined): SafeHtml {
  if (value === undefined) return html`<span class="muted">${text.t('flag.unknown')}</span>`;
  if (typeof value === 'object' && !Array.isArray(value) && typeof value.lat === 'number' && typeof value.lon === 'number') {
    const url = `https://www.openstreetmap.org/?mlat=${value.lat.toFixed(5)}&mlon=${value.lon.toFixed(5)}#map=16/${value.lat.toFixed(5)}/${value.lon.toFixed(5)}`;
    return html`${text.answer('location', value)} · <a href="${url}" target="_blank" rel="noopener noreferrer">${text.t('ticket.map')}</a>`;
  }
  return html`${text.answer('location', value)}`;
}

function transcriptBody(text: DashboardText, body: unknown, staff: Map<string, StaffUser>): SafeHtml {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.from === 'string') return html`<span class="from-staff">${actorName(text, b.from, staff)}:</span> ${String(b.text ?? '')}`;
  if (typeof b.text === 'string') return html`${b.text}`;
  if (Array.isArray(b.choice)) return html`<span class="muted">${text.t('transcript.choice')}</span> ${b.choice.join(', ')}`;
  if (b.location && typeof b.location === 'object') {
    const l = b.location as { lat?: number; lon?: number; text?: string };
    return html`<span class="muted">${text.t('transcript.location')}</span> ${[l.text, l.lat !== undefined ? `${l.lat}, ${l.lon}` : ''].filter(Boolean).join(' · ')}`;
  }
  // A voice note the assist transcribed: its words, marked as machine-made (the audio is in the attachments).
  if (typeof b.attachment === 'string' && typeof b.transcript === 'string') return html`<span class="muted">${text.t('assist.voice_transcript')}</span> ${b.transcript}`;
  if (typeof b.attachment === 'string') return html`<span class="muted">${text.t('transcript.attachment')}</span> ${String(b.mime ?? '')}`;
  return html`<span class="muted">${text.t('transcript.other')}</span>`;
}

function auditDetail(text: DashboardText, e: AuditEntry, staff: Map<string, StaffUser>): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (typeof d.agency === 'string') parts.push(text.agency(d.agency));
  if (typeof d.from === 'string' && typeof d.to === 'string' && e.action === 'ticket.transferred') parts.push(`${text.agency(d.from)} → ${text.agency(d.to)}`);
  else if (typeof d.from === 'string' && typeof d.to === 'string') parts.push(`${text.t(`status.${d.from}`, { defaultValue: d.from })} → ${text.t(`status.${d.to}`, { defaultValue: d.to })}`);
  if (typeof d.outcome === 'string') parts.push(text.t(`outcome.${d.outcome}`, { defaultValue: d.outcome }));
  if (e.action === 'ticket.assigned') parts.push(typeof d.to === 'string' ? actorName(text, d.to, staff) : text.t('field.unassigned'));
  if (typeof d.of === 'string') parts.push(d.of);
  if (typeof d.priority === 'string') parts.push(d.priority);
  return parts.join(' · ');
}

/** The ticket page. */
export function ticketView(ctx: ViewContext, d: TicketPageData): SafeHtml {
  const { text } = ctx;
  const staff = ctx.staff!;
  const role = staff.user.role;
  const t = d.ticket;
  const a = t.answers;
  const csrf = csrfField(ctx);
  const action = (name: string) => `/staff/tickets/${t.ref}/${name}`;
  const mine = staff.user.agency;
  const myReferral = mine === ALL_AGENCIES ? undefined : t.referrals.find((r) => r.agency === mine);
  const needs = Array.isArray(a.needs) ? text.answer('needs', a.needs) : undefined;
  const assignee = t.assignee ? (d.staff.get(t.assignee)?.name ?? t.assignee) : undefined;
  // A refused form comes back as it was sent (issue 10, item 20), not reset to the ticket's state.
  const kept = (form: string, field: string): string | undefined => (d.form?.action === form ? d.form.values[field] : undefined);

  const glance = html`<section aria-labelledby="glance-h" class="card glance">
  <h2 id="glance-h">${text.t('ticket.glance')}</h2>
  <dl>
    <div><dt>${text.t('field.priority')}</dt><dd>${priorityBadge(text, t.priority)} ${timingBadge(text, d.timing)}${d.priorityReason ? priorityReasonView(text, d.priorityReason, a) : ''}</dd></div>
    <div><dt>${text.t('field.case_type')}</dt><dd>${text.t(`case_type.${t.caseType}`, { defaultValue: t.caseType })}</dd></div>
    <div><dt>${text.t('field.status')}</dt><dd>${text.t(`status.${t.status}`)}${t.outcome ? html` · ${text.t(`outcome.${t.outcome}`, { defaultValue: t.outcome })}` : ''}</dd></div>
    <div><dt>${text.t('field.indicators')}</dt><dd>${t.indicators.length ? html`<ul class="tags">${t.indicators.map((i) => html`<li>${text.t(`indicator.${i}`, { defaultValue: i })}</li>`)}</ul>` : html`<span class="muted">${text.t('ticket.no_indicators')}</span>`}</dd></div>
    <div><dt>${text.question('location')}</dt><dd>${locationCell(text, a.location)}</dd></div>
    <div><dt>${text.question('current_country')}</dt><dd>${str(a.current_country) ? text.answer('current_country', a.current_country!) : html`<span class="muted">${text.t('flag.unknown')}</span>`}</dd></div>
    <div><dt>${text.question('nationality')}</dt><dd>${str(a.nationality) ? text.answer('nationality', a.nationality!) : html`<span class="muted">${text.t('flag.unknown')}</span>`}</dd></div>
    <div><dt>${text.question('needs')}</dt><dd>${needs ?? html`<span class="muted">${text.t('flag.unknown')}</span>`}</dd></div>
    <div><dt>${text.question('consent_share')}</dt><dd>${flag(text, a.consent_share)}</dd></div>
    <div><dt>${text.question('consent_cross_border')}</dt><dd>${flag(text, a.consent_cross_border)}</dd></div>
    <div><dt>${text.question('contact_ok')}</dt><dd>${flag(text, a.contact_ok)}</dd></div>
    <div><dt>${text.t('field.basis')}</dt><dd>${text.t(`basis.${t.basis}`)}</dd></div>
    <div><dt>${text.t('field.language')} · ${text.t('field.channel')}</dt><dd>${t.language ? text.answer('lang', t.language) : '—'} · ${text.t(`channel.${t.channel}`, { defaultValue: t.channel })}</dd></div>
    <div><dt>${text.t('field.created')}</dt><dd>${text.date(t.createdAt)}</dd></div>
    <div><dt>${text.t('field.assignee')}</dt><dd>${assignee ?? html`<span class="muted">${text.t('field.unassigned')}</span>`}</dd></div>
    ${t.duplicateOf ? html`<div><dt>${text.t('field.duplicate_of')}</dt><dd><a href="/staff/tickets/${t.duplicateOf}">${t.duplicateOf}</a></dd></div>` : ''}
  </dl>
</section>`;

  const referrals = html`<section aria-labelledby="ref-h" class="card">
  <h2 id="ref-h">${text.t('ticket.referrals')}</h2>
  <table><thead><tr><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('field.referral_status')}</th><th scope="col">${text.t('field.reason')}</th><th scope="col">${text.t('field.updated')}</th></tr></thead>
  <tbody>${t.referrals.map((r) => html`<tr><td>${text.agency(r.agency)}</td><td>${text.t(`referral.${r.status}`)}</td><td>${r.reason ?? ''}</td><td>${text.date(r.updatedAt)}</td></tr>`)}</tbody></table>
</section>`;

  // Actions, by role. Each is a plain POST form with the CSRF token.
  const actions: SafeHtml[] = [];
  if (can(role, 'work') && t.assignee !== staff.user.id) {
    actions.push(html`<form method="post" action="${action('claim')}" class="action">${csrf}<button type="submit" class="primary">${text.t('action.claim')}</button></form>`);
  }
  if (can(role, 'assign_others')) {
    actions.push(html`<form method="post" action="${action('assign')}" class="action">${csrf}
  <p class="field"><label for="assignee">${text.t('action.assign_to')}</label>
  <select id="assignee" name="assignee"><option value="">${text.t('field.unassigned')}</option>${d.assignable.map((u) => html`<option value="${u.id}"${u.id === (kept('assign', 'assignee') ?? t.assignee) ? html` selected` : ''}>${u.name}</option>`)}</select></p>
  <button type="submit">${text.t('action.assign')}</button></form>`);
  }
  if (can(role, 'work')) {
    actions.push(html`<form method="post" action="${action('status')}" class="action">${csrf}
  <p class="field"><label for="status">${text.t('action.new_status')}</label>
  <select id="status" name="status">${STATUSES.map((s) => html`<option value="${s}"${s === (kept('status', 'status') ?? t.status) ? html` selected` : ''}>${text.t(`status.${s}`)}</option>`)}</select></p>
  <p class="field"><label for="outcome">${text.t('action.outcome')}</label>
  <select id="outcome" name="outcome"><option value="">${text.t('action.outcome_none')}</option>${OUTCOMES.map((o) => html`<option value="${o}"${o === (kept('status', 'outcome') ?? t.outcome) ? html` selected` : ''}>${text.t(`outcome.${o}`)}</option>`)}</select></p>
  <p class="hint">${text.t('action.outcome_hint')}</p>
  <button type="submit">${text.t('action.change_status')}</button></form>`);
  }
  if (can(role, 'decide_referral') && (myReferral || mine === ALL_AGENCIES)) {
    const choices = mine === ALL_AGENCIES ? t.referrals.map((r) => r.agency) : [myReferral!.agency];
    actions.push(html`<form method="post" action="${action('referral')}" class="action">${csrf}
  <fieldset><legend>${text.t('action.decide_referral')}</legend>
  ${choices.length > 1 || mine === ALL_AGENCIES
    ? html`<p class="field"><label for="ref-agency">${text.t('field.agency')}</label><select id="ref-agency" name="agency">${choices.map((c) => html`<option value="${c}"${c === kept('referral', 'agency') ? html` selected` : ''}>${text.agency(c)}</option>`)}</select></p>`
    : html`<input type="hidden" name="agency" value="${choices[0] ?? ''}">`}
  <p class="field"><input type="radio" id="dec-accept" name="decision" value="accepted"${kept('referral', 'decision') !== 'declined' ? html` checked` : ''}><label for="dec-accept">${text.t('action.accept')}</label>
  <input type="radio" id="dec-decline" name="decision" value="declined"${kept('referral', 'decision') === 'declined' ? html` checked` : ''}><label for="dec-decline">${text.t('action.decline')}</label></p>
  <p class="field"><label for="reason">${text.t('action.reason')}</label><textarea id="reason" name="reason" rows="2" maxlength="4000">${kept('referral', 'reason') ?? ''}</textarea></p>
  <p class="hint">${text.t('action.reason_hint')}</p>
  <button type="submit">${text.t('action.save_decision')}</button></fieldset></form>`);
  }
  if (can(role, 'refer')) {
    const consent = a.consent_cross_border === 'yes';
    const targets = d.directory.agencies.filter((ag: Agency) => !t.referrals.some((r) => r.agency === ag.id));
    const transferFrom = mine === ALL_AGENCIES ? t.referrals.map((r) => r.agency) : myReferral ? [myReferral.agency] : [];
    actions.push(html`<form method="post" action="${action('refer')}" class="action">${csrf}
  <fieldset><legend>${text.t('action.refer_title')}</legend>
  <p class="field"><label for="to-agency">${text.t('action.to_agency')}</label>
  <select id="to-agency" name="agency">${targets.map((ag) => {
    const abroad = isCrossBorder(d.directory, ag.id);
    return html`<option value="${ag.id}"${abroad && !consent ? html` disabled` : ''}${ag.id === kept('refer', 'agency') ? html` selected` : ''}>${text.agency(ag.id)}${abroad ? ` (${text.t(consent ? 'action.cross_border' : 'action.cross_border_no_consent')})` : ''}</option>`;
  })}</select></p>
  ${!consent ? html`<p class="hint">${text.t('action.cross_border_hint')}</p>` : ''}
  <p class="field"><input type="radio" id="mode-refer" name="mode" value="refer"${kept('refer', 'mode') !== 'transfer' ? html` checked` : ''}><label for="mode-refer">${text.t('action.mode_refer')}</label>
  ${transferFrom.length ? html`<input type="radio" id="mode-transfer" name="mode" value="transfer"${kept('refer', 'mode') === 'transfer' ? html` checked` : ''}><label for="mode-transfer">${text.t('action.mode_transfer')}</label>` : ''}</p>
  ${transferFrom.length > 1 ? html`<p class="field"><label for="from-agency">${text.t('action.transfer_from')}</label><select id="from-agency" name="from">${transferFrom.map((c) => html`<option value="${c}"${c === kept('refer', 'from') ? html` selected` : ''}>${text.agency(c)}</option>`)}</select></p>` : transferFrom.length === 1 ? html`<input type="hidden" name="from" value="${transferFrom[0]!}">` : ''}
  <button type="submit">${text.t('action.refer')}</button></fieldset></form>`);
  }
  if (can(role, 'work')) {
    actions.push(html`<form method="post" action="${action('duplicate')}" class="action">${csrf}
  <p class="field"><label for="original">${text.t('action.duplicate_of')}</label><input id="original" name="original" placeholder="TR-XXXX-XXXX" maxlength="20" autocomplete="off" value="${kept('duplicate', 'original') ?? ''}"></p>
  <button type="submit">${text.t('action.mark_duplicate')}</button></form>`);
  }

  // Forwarding evidence: every agency but the ticket's own; abroad only with the reporter's consent.
  const evidence = can(role, 'export_evidence')
    ? html`<section aria-labelledby="ev-h" class="card">
  <h2 id="ev-h">${text.t('evidence.title')}</h2>
  <form method="post" action="${action('evidence')}">${csrf}
  <p class="field"><label for="ev-dest">${text.t('evidence.destination')}</label>
  <select id="ev-dest" name="destination">${d.directory.agencies.map((ag: Agency) => {
    const abroad = isCrossBorder(d.directory, ag.id);
    const consent = a.consent_cross_border === 'yes';
    return html`<option value="${ag.id}"${abroad && !consent ? html` disabled` : ''}>${text.agency(ag.id)}${abroad ? ` (${text.t(consent ? 'action.cross_border' : 'action.cross_border_no_consent')})` : ''}</option>`;
  })}</select></p>
  ${a.consent_cross_border !== 'yes' ? html`<p class="hint">${text.t('evidence.cross_border_hint')}</p>` : ''}
  <p class="hint">${text.t('evidence.hint')}</p>
  <button type="submit">${text.t('evidence.export')}</button></form>
</section>`
    : '';

  const message = html`<section aria-labelledby="msg-h" class="card">
  <h2 id="msg-h">${text.t('ticket.write')}</h2>
  ${d.mayWrite && can(role, 'work')
    ? html`<form method="post" action="${action('message')}">${csrf}
  <p class="field"><label for="message">${text.t('action.message', { language: t.language ? text.answer('lang', t.language) : '—' })}</label>
  <textarea id="message" name="message" rows="3" required maxlength="2000">${kept('message', 'message') ?? ''}</textarea></p>
  <p class="hint">${text.t('action.message_hint')}</p>
  <button type="submit" class="primary">${text.t('action.send')}</button></form>${d.compose ?? ''}`
    : d.reporterLeftAt
      ? html`<p class="notice reporter-left" role="status">${text.t('reporter_left.notice', { date: text.date(d.reporterLeftAt) })}</p>`
      : html`<p class="hint">${text.t('action.message_not_allowed')}</p>`}
</section>`;

  const answers = html`<section aria-labelledby="ans-h" class="card">
  <h2 id="ans-h">${text.t('ticket.answers')}</h2>
  <table class="answers"><tbody>${d.keys
    .filter((k) => a[k] !== undefined && !HIDDEN_KEYS.includes(k))
    .map((k) => html`<tr><th scope="row">${text.question(k)}</th><td>${k === 'location' ? locationCell(text, a[k]) : text.answer(k, a[k]!)}</td></tr>`)}</tbody></table>
</section>`;

  const transcript = html`<section aria-labelledby="tr-h" class="card">
  <h2 id="tr-h">${text.t('ticket.transcript')}</h2>
  ${d.transcript.length
    ? html`<ol class="transcript">${d.transcript.map((m) => html`<li class="${m.direction}"><span class="who">${text.t(m.direction === 'in' ? 'transcript.reporter' : 'transcript.bot')} · <time datetime="${m.createdAt}">${text.date(m.createdAt)}</time></span><div class="text">${transcriptBody(text, m.body, d.staff)}</div></li>`)}</ol>`
    : html`<p class="muted">${text.t('ticket.no_transcript')}</p>`}
</section>`;

  const files = html`<section aria-labelledby="att-h" class="card">
  <h2 id="att-h">${text.t('ticket.attachments')}</h2>
  ${d.attachments.length
    ? html`<ul class="attachments">${d.attachments.map((f) => {
        const href = `/staff/tickets/${t.ref}/attachments/${f.id}`;
        return html`<li>
  ${f.mime.startsWith('image/') ? html`<a href="${href}"><img src="${href}" alt="${text.t('ticket.attachment_alt', { name: f.name ?? f.id })}" loading="lazy"></a>` : ''}
  ${f.mime.startsWith('audio/') ? html`<audio controls preload="none" src="${href}"></audio>` : ''}
  <div><strong>${f.name ?? f.id}</strong> · ${f.mime} · ${text.t('ticket.size_kb', { size: Math.ceil(f.size / 1024) })} · ${text.date(f.createdAt)}</div>
  <div class="hash">SHA-256: <code>${f.sha256}</code></div>
  <div><a href="${href}">${text.t('ticket.view')}</a> · <a href="${href}?download=1">${text.t('ticket.download')}</a></div>
</li>`;
      })}</ul>`
    : html`<p class="muted">${text.t('ticket.no_attachments')}</p>`}
</section>`;

  const notes = html`<section aria-labelledby="notes-h" class="card">
  <h2 id="notes-h">${text.t('ticket.notes')}</h2>
  ${d.notes.length ? html`<ol class="notes">${d.notes.map((n) => html`<li><div class="who">${actorName(text, n.author, d.staff)} · <time datetime="${n.createdAt}">${text.date(n.createdAt)}</time></div><div class="text">${n.body}</div></li>`)}</ol>` : html`<p class="muted">${text.t('ticket.no_notes')}</p>`}
  ${can(role, 'work')
    ? html`<form method="post" action="${action('notes')}">${csrf}
  <p class="field"><label for="note">${text.t('action.note')}</label><textarea id="note" name="note" rows="3" required maxlength="4000">${kept('notes', 'note') ?? ''}</textarea></p>
  <button type="submit">${text.t('action.add_note')}</button></form>`
    : ''}
</section>`;

  const audit = html`<section aria-labelledby="audit-h" class="card">
  <h2 id="audit-h">${text.t('ticket.audit')}</h2>
  <table class="audit"><thead><tr><th scope="col">${text.t('audit.when')}</th><th scope="col">${text.t('audit.who')}</th><th scope="col">${text.t('audit.what')}</th><th scope="col">${text.t('audit.detail')}</th></tr></thead>
  <tbody>${d.audit.map((e) => html`<tr><td><time datetime="${e.at}">${text.date(e.at)}</time></td><td>${actorName(text, e.actor, d.staff)}</td><td>${text.t(`audit.action.${e.action.replace('.', '_')}`, { defaultValue: e.action })}</td><td>${auditDetail(text, e, d.staff)}</td></tr>`)}</tbody></table>
</section>`;

  return page(
    ctx,
    t.ref,
    html`<p><a href="/staff">← ${text.t('ticket.back')}</a></p>
<h1>${text.t('ticket.title', { ref: t.ref })}</h1>
${t.updatedByReporterAt ? html`<p class="notice reporter-update">✉ ${text.t('reporter_update.badge')} · <time datetime="${t.updatedByReporterAt}">${text.date(t.updatedByReporterAt)}</time></p>` : ''}
${simulatorNotice(text, t)}
${notice('error', d.error)}
${notice('ok', d.done)}
<div class="ticket-grid">
  <div class="col-main">
    ${glance}
    ${d.care ?? ''}
    ${answers}
    ${d.cards ?? ''}
    ${transcript}
    ${files}
  </div>
  <div class="col-side">
    <section aria-labelledby="act-h" class="card actions-card"><h2 id="act-h">${text.t('ticket.actions')}</h2>${actions}</section>
    ${message}
    ${evidence}
    ${referrals}
    ${notes}
  </div>
</div>
${audit}`,
  );
}
