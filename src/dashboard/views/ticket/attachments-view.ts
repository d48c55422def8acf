/**
 * The ticket page: the files the reporter sent, with their hashes.
 */
import { html, type SafeHtml } from '../../html.ts';
import type { TicketParts } from './ticket-parts.ts';

/** The attachments card. */
export function attachmentsSection(p: TicketParts): SafeHtml {
  const { text, t, d } = p;
  return html`<section aria-labelledby="att-h" class="card">
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
}
