/**
 * The ticket page: what was said in the report, oldest first.
 */
import type { StaffUser } from '../../../store/store.ts';
import type { DashboardText } from '../../../staff/staff-text.ts';
import { html, type SafeHtml } from '../../html.ts';
import { actorName } from './audit-view.ts';
import type { TicketParts } from './ticket-parts.ts';

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

/** The transcript card. */
export function transcriptSection(p: TicketParts): SafeHtml {
  const { text, d } = p;
  return html`<section aria-labelledby="tr-h" class="card">
  <h2 id="tr-h">${text.t('ticket.transcript')}</h2>
  ${d.transcript.length
    ? html`<ol class="transcript">${d.transcript.map((m) => html`<li class="${m.direction}"><span class="who">${text.t(m.direction === 'in' ? 'transcript.reporter' : 'transcript.bot')} · <time datetime="${m.createdAt}">${text.date(m.createdAt)}</time></span><div class="text">${transcriptBody(text, m.body, d.staff)}</div></li>`)}</ol>`
    : html`<p class="muted">${text.t('ticket.no_transcript')}</p>`}
</section>`;
}
